// Writing mail through the webcache against real servers: Dovecot, and Postfix on loopback that
// delivers into it. Checked on the Dovecot side with imapflow (independent of the webcache).
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ImapFlow, type MessageStructureObject } from 'imapflow';
import type { DraftInput, WebcacheClient } from '../../src/protocol/index.js';
import { sessionSpoolDir } from '../../src/webcache/compose/spool.js';
import { startTestDovecot, type TestDovecot } from '../harness/dovecot.js';
import { startTestMta } from '../harness/mta.js';
import {
  newSessionKey,
  startTestWebcache,
  testDomain,
  testDomainConfig,
} from '../harness/webcache.js';

const user1 = { name: 'user1', password: 'pw-one-1' };
const user2 = { name: 'user2', password: 'pw-two-2' };
const me1 = { name: 'User One', address: `user1@${testDomain}` };
const me2 = { name: 'User Two', address: `user2@${testDomain}` };
/** Delivery through Postfix's queue into Dovecot takes well under this. */
const deliveryBudgetMs = 30_000;

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

async function login(client: WebcacheClient, user: { name: string; password: string }) {
  const session = newSessionKey();
  await client.call('login', {
    session,
    user: user.name,
    domain: testDomain,
    password: user.password,
  });
  return session;
}

async function withImap<T>(
  dovecot: TestDovecot,
  user: { name: string; password: string },
  folder: string,
  work: (imap: ImapFlow) => Promise<T>,
): Promise<T> {
  const imap = new ImapFlow(dovecot.imapOptions(user));
  await imap.connect();
  try {
    const lock = await imap.getMailboxLock(folder);
    try {
      return await work(imap);
    } finally {
      lock.release();
    }
  } finally {
    await imap.logout();
  }
}

/** UIDs of `folder` whose Subject is exactly `subject`, read from Dovecot directly. */
async function uidsWithSubject(
  dovecot: TestDovecot,
  user: { name: string; password: string },
  folder: string,
  subject: string,
): Promise<number[]> {
  return withImap(dovecot, user, folder, async (imap) => {
    const out: number[] = [];
    if (imap.mailbox === false || imap.mailbox.exists === 0) return out;
    for await (const m of imap.fetch('1:*', { uid: true, envelope: true })) {
      if (m.envelope?.subject === subject) out.push(m.uid);
    }
    return out;
  });
}

async function waitForSubject(
  dovecot: TestDovecot,
  user: { name: string; password: string },
  folder: string,
  subject: string,
): Promise<number> {
  const deadline = Date.now() + deliveryBudgetMs;
  for (;;) {
    const [uid] = await uidsWithSubject(dovecot, user, folder, subject);
    if (uid !== undefined) return uid;
    if (Date.now() > deadline) throw new Error(`"${subject}" never arrived in ${folder}`);
    await sleep(200);
  }
}

function leaves(node: MessageStructureObject): MessageStructureObject[] {
  return node.childNodes ? node.childNodes.flatMap(leaves) : [node];
}

/** The attachments of a stored message as Dovecot has them: file name → decoded bytes. */
async function attachmentBytes(
  dovecot: TestDovecot,
  user: { name: string; password: string },
  folder: string,
  uid: number,
): Promise<{ headers: string; files: Map<string, Buffer> }> {
  return withImap(dovecot, user, folder, async (imap) => {
    const m = await imap.fetchOne(
      String(uid),
      { uid: true, bodyStructure: true, headers: true },
      { uid: true },
    );
    assert.ok(m && m.bodyStructure && m.headers);
    const files = new Map<string, Buffer>();
    for (const leaf of leaves(m.bodyStructure)) {
      const name = leaf.dispositionParameters?.filename;
      if (!name || !leaf.part) continue;
      const { content } = await imap.download(String(uid), leaf.part, { uid: true });
      const chunks: Buffer[] = [];
      for await (const c of content as AsyncIterable<Buffer>) chunks.push(c);
      files.set(name, Buffer.concat(chunks));
    }
    return { headers: m.headers.toString('utf8'), files };
  });
}

void test('compose through the webcache with a real MTA', { timeout: 240_000 }, async (t) => {
  const dovecot = await startTestDovecot({ users: [user1, user2], messages: [] });
  t.after(() => dovecot.stop());
  const mta = await startTestMta({ dovecot, domain: testDomain });
  t.after(() => mta.remove());
  const domain = {
    ...testDomainConfig(dovecot.dovecot.port, 'slash'),
    smtp: {
      host: '127.0.0.1',
      port: mta.port,
      tls: 'starttls' as const,
      allowInsecure: true,
      verifyCertificate: false,
    },
  };
  const webcache = await startTestWebcache({ domains: [domain] });
  t.after(() => webcache.stop());
  const { client } = webcache;
  const s1 = await login(client, user1);
  const s2 = await login(client, user2);

  const subject = 'Grüße aus Köln — 日本語 ✓';
  const text =
    'Hallo Zwei,\n\nanbei zwei Dateien. ' +
    'Eine lange Zeile, die beim Senden als format=flowed umbrochen wird und trotzdem wieder ' +
    'genau so zurückkommt.\n> not a quote of mine\n\nGruß\n-- \nEins';
  const notes = Buffer.from('Notizen: äöü ß\r\nZeile 2\r\n', 'utf8');
  const blob = randomBytes(300_000);
  const up1 = await client.upload(
    { session: s1, filename: 'notizen ä.txt', contentType: 'text/plain' },
    notes,
  );
  const up2 = await client.upload(
    { session: s1, filename: 'blob.bin', contentType: 'application/octet-stream' },
    Readable.from([blob.subarray(0, 100_000), blob.subarray(100_000)]),
  );
  assert.equal(up1.size, notes.length);
  assert.equal(up2.size, blob.length);
  const expected = new Map([
    ['notizen ä.txt', sha(notes)],
    ['blob.bin', sha(blob)],
  ]);

  const draft: DraftInput = {
    from: me1,
    to: [me2],
    cc: [me1],
    bcc: [],
    subject,
    text,
    inReplyTo: null,
    references: [],
    attachments: [
      { kind: 'upload', id: up1.id },
      { kind: 'upload', id: up2.id },
    ],
    replacesDraft: null,
    answers: null,
  };

  let stored = { folder: '', uid: 0 };
  await t.test('saveDraft then getDraft round-trips; Drafts lists it', async () => {
    stored = await client.call('saveDraft', { session: s1, draft });
    assert.equal(stored.folder, 'Drafts');
    const view = await client.call('getDraft', { session: s1, ...stored });
    assert.deepEqual(
      { ...view, attachments: view.attachments.map((a) => a.filename) },
      {
        ...draft,
        replacesDraft: stored,
        attachments: ['notizen ä.txt', 'blob.bin'],
      },
    );
    const listed = await client.call('listMessages', {
      session: s1,
      folder: 'Drafts',
      sort: 'date',
      order: 'desc',
      page: 1,
      pageSize: 25,
    });
    assert.deepEqual(
      listed.messages.map((m) => [m.uid, m.subject, m.isDraft]),
      [[stored.uid, subject, true]],
    );
    // Saving again replaces it: one draft, the new UID.
    const again = await client.call('saveDraft', {
      session: s1,
      draft: { ...draft, replacesDraft: stored },
    });
    const relisted = await client.call('listMessages', {
      session: s1,
      folder: 'Drafts',
      sort: 'date',
      order: 'desc',
      page: 1,
      pageSize: 25,
    });
    assert.deepEqual(
      relisted.messages.map((m) => m.uid),
      [again.uid],
    );
    assert.deepEqual(await uidsWithSubject(dovecot, user1, 'Drafts', subject), [again.uid]);
    stored = again;
  });

  let receivedUid = 0;
  let sentId = '';
  await t.test(
    'send from the reopened draft: delivered byte-identical, Sent copy, draft gone',
    async () => {
      const view = await client.call('getDraft', { session: s1, ...stored });
      const result = await client.call('sendMessage', {
        session: s1,
        draft: { ...draft, attachments: view.attachments.map((a) => a.ref), replacesDraft: stored },
      });
      assert.equal(result.sent, true, JSON.stringify(result));
      if (!result.sent) return;
      sentId = result.messageId;
      assert.match(sentId, new RegExp(`^<[^@]+@${testDomain}>$`));
      receivedUid = await waitForSubject(dovecot, user2, 'INBOX', subject);
      const got = await attachmentBytes(dovecot, user2, 'INBOX', receivedUid);
      assert.deepEqual(
        new Map([...got.files].map(([name, bytes]) => [name, sha(bytes)])),
        expected,
      );
      assert.match(got.headers, /^Content-Type: multipart\/mixed/im);
      assert.doesNotMatch(got.headers, /^Bcc:/im);
      assert.ok(got.headers.includes(`Message-ID: ${sentId}`));
      assert.ok(result.sentCopy);
      assert.deepEqual(await uidsWithSubject(dovecot, user1, 'Sent', subject), [
        result.sentCopy.uid,
      ]);
      assert.deepEqual(await uidsWithSubject(dovecot, user1, 'Drafts', subject), []);
      const drafts = await client.call('listMessages', {
        session: s1,
        folder: 'Drafts',
        sort: 'date',
        order: 'desc',
        page: 1,
        pageSize: 25,
      });
      assert.equal(drafts.total, 0);
    },
  );

  await t.test(
    'reply and reply-all templates; the reply threads and flags the original',
    async () => {
      const all = await client.call('composeFrom', {
        session: s2,
        folder: 'INBOX',
        uid: receivedUid,
        mode: 'replyAll',
        from: me2,
      });
      // To user2 with user1 in Cc: reply-all goes to user1 once, never to user2 itself.
      assert.deepEqual(
        { to: all.to.map((a) => a.address), cc: all.cc.map((a) => a.address) },
        { to: [me1.address], cc: [] },
      );
      const reply = await client.call('composeFrom', {
        session: s2,
        folder: 'INBOX',
        uid: receivedUid,
        mode: 'reply',
        from: me2,
      });
      assert.equal(reply.subject, `Re: ${subject}`);
      assert.deepEqual(
        reply.to.map((a) => a.address),
        [me1.address],
      );
      assert.equal(reply.inReplyTo, sentId);
      assert.deepEqual(reply.references, [sentId]);
      assert.deepEqual(reply.answers, { folder: 'INBOX', uid: receivedUid, kind: 'answered' });
      assert.match(reply.text, /wrote:\n> Hallo Zwei,\n>\n> anbei/);
      const result = await client.call('sendMessage', {
        session: s2,
        draft: { ...reply, text: `Danke!\n${reply.text}`, attachments: [] },
      });
      assert.equal(result.sent, true, JSON.stringify(result));
      if (!result.sent) return;
      const uid = await waitForSubject(dovecot, user1, 'INBOX', `Re: ${subject}`);
      const { headers } = await attachmentBytes(dovecot, user1, 'INBOX', uid);
      assert.ok(headers.includes(`In-Reply-To: ${sentId}`), headers);
      assert.ok(headers.includes(`References: ${sentId}`), headers);
      const flags = await withImap(dovecot, user2, 'INBOX', async (imap) => {
        const m = await imap.fetchOne(String(receivedUid), { flags: true }, { uid: true });
        return m ? [...(m.flags ?? [])] : [];
      });
      assert.ok(flags.includes('\\Answered'), flags.join(' '));
      // Replying to the reply: "Re:" is not stacked.
      const second = await client.call('composeFrom', {
        session: s1,
        folder: 'INBOX',
        uid,
        mode: 'reply',
        from: me1,
      });
      assert.equal(second.subject, `Re: ${subject}`);
      assert.equal(second.inReplyTo, result.messageId);
      assert.deepEqual(second.references, [sentId, result.messageId]);
    },
  );

  await t.test('suggestions: correspondents of indexed folders, own address left out', async () => {
    for (const folder of ['Sent', 'INBOX']) {
      await client.call('listMessages', {
        session: s1,
        folder,
        sort: 'date',
        order: 'desc',
        page: 1,
        pageSize: 25,
      });
    }
    const { addresses } = await client.call('suggestAddresses', { session: s1, limit: 10 });
    assert.deepEqual(addresses, [me2]);
  });

  await t.test('MTA stopped: not sent, a reason, and Drafts keeps everything', async () => {
    await mta.stop();
    const up = await client.upload(
      { session: s1, filename: 'blob.bin', contentType: 'application/octet-stream' },
      blob,
    );
    const failing: DraftInput = {
      ...draft,
      subject: `${subject} (2)`,
      cc: [{ name: '', address: `someone@${testDomain}` }],
      bcc: [me1],
      attachments: [
        { kind: 'upload', id: up1.id },
        { kind: 'upload', id: up.id },
      ],
    };
    const result = await client.call('sendMessage', { session: s1, draft: failing });
    assert.equal(result.sent, false);
    if (result.sent) return;
    assert.match(result.reason, new RegExp(`127\\.0\\.0\\.1:${mta.port} could not be reached`));
    const view = await client.call('getDraft', { session: s1, ...result.draft });
    assert.deepEqual(
      { to: view.to, cc: view.cc, bcc: view.bcc, text: view.text, subject: view.subject },
      {
        to: failing.to,
        cc: failing.cc,
        bcc: failing.bcc,
        text: failing.text,
        subject: failing.subject,
      },
    );
    const kept = await attachmentBytes(dovecot, user1, result.draft.folder, result.draft.uid);
    assert.deepEqual(new Map([...kept.files].map(([name, bytes]) => [name, sha(bytes)])), expected);
    await mta.start();
  });

  await t.test('uploads: over the limit refused; logout removes the spool', async () => {
    await assert.rejects(
      client.upload(
        { session: s2, filename: 'big.bin', contentType: 'application/octet-stream' },
        Buffer.alloc(webcache.config.maxUploadBytes + 1),
      ),
      (err: { code?: string }) => err.code === 'AM_UPLOAD_TOO_LARGE',
    );
    const spooled = join(sessionSpoolDir(webcache.config.dataDir, s1), up1.id);
    assert.equal(statSync(spooled).mode & 0o777, 0o600);
    await client.call('logout', { session: s1 });
    assert.equal(existsSync(spooled), false);
    const s1again = await login(client, user1);
    await assert.rejects(
      client.call('saveDraft', {
        session: s1again,
        draft: { ...draft, attachments: [{ kind: 'upload', id: up1.id }] },
      }),
      (err: { code?: string }) => err.code === 'AM_BAD_REQUEST',
    );
  });
});
