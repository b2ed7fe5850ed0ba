// Proves the reader view against a real Dovecot: every body shape of the generator decodes to
// its manifest (text, html, attachments), markRead and neighbours work, a 20 MB attachment is
// not transferred when the message is opened (proxy bytes) and downloads byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ImapFlow } from 'imapflow';
import type { Readable } from 'node:stream';
import { AlphaMailError } from '../../src/base/index.js';
import {
  bodyKinds,
  generateMailbox,
  largeAttachmentMessage,
  type GeneratedMessage,
} from '../../src/ops/index.js';
import { startTestDovecot, type TestDovecot } from '../harness/dovecot.js';
import { startImapProxy, waitForQuietWire } from '../harness/imap-proxy.js';
import { startTestWebcache, testDomainConfig, loginTestUser } from '../harness/webcache.js';

const largeBytes = 20 * 1024 * 1024;

async function uidsByMessageId(dovecot: TestDovecot, folder: string): Promise<Map<string, number>> {
  const client = new ImapFlow(dovecot.imapOptions());
  await client.connect();
  const out = new Map<string, number>();
  try {
    const lock = await client.getMailboxLock(folder);
    try {
      for await (const m of client.fetch('1:*', { uid: true, envelope: true }, { uid: true })) {
        out.set(m.envelope?.messageId ?? '', m.uid);
      }
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
  }
  return out;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

test('getMessage: every body shape decodes to the manifest; large parts stay on the server', async () => {
  const mailbox = generateMailbox({
    seed: 7,
    count: 120,
    user: 'demo@demo.test',
    folders: ['INBOX'],
  });
  const large = largeAttachmentMessage(largeBytes, 3);
  const messages: GeneratedMessage[] = [...mailbox, large];
  const dovecot = await startTestDovecot({ messages });
  const proxy = await startImapProxy({ host: '127.0.0.1', port: dovecot.dovecot.port });
  const webcache = await startTestWebcache({ domains: [testDomainConfig(proxy.port, 'slash')] });
  try {
    const uids = await uidsByMessageId(dovecot, 'INBOX');
    const session = await loginTestUser(webcache);
    const { client } = webcache;
    const view = {
      session,
      folder: 'INBOX',
      sort: 'date',
      order: 'desc',
      markRead: false,
    } as const;
    await client.call('listMessages', { ...view, page: 1, pageSize: 50 });

    const charsets = new Set<string>();
    const byCharset = new Map(mailbox.map((m) => [m.expect.charset, m]));
    for (const kind of [...bodyKinds, 'every charset'] as const) {
      const samples =
        kind === 'every charset'
          ? [...byCharset.values()]
          : mailbox.filter((m) => m.kind === kind).slice(0, 3);
      assert.ok(samples.length > 0, `the mailbox has ${kind} mail`);
      for (const m of samples) {
        charsets.add(m.expect.charset);
        const uid = uids.get(m.expect.messageId) as number;
        const detail = await client.call('getMessage', { ...view, uid });
        const label = `${kind} uid ${uid} (${m.expect.charset})`;
        assert.equal(detail.subject, m.expect.subject, label);
        assert.deepEqual(detail.from, [m.expect.from], label);
        assert.equal(detail.text, m.expect.text, `${label}: text`);
        assert.equal(detail.html, m.expect.html, `${label}: html`);
        assert.equal(detail.messageId, m.expect.messageId);
        assert.deepEqual(
          detail.attachments.map((a) => ({
            filename: a.filename,
            contentType: a.contentType,
            disposition: a.disposition,
            contentId: a.contentId,
          })),
          m.expect.attachments.map((a) => ({
            filename: a.filename,
            contentType: a.contentType,
            disposition: a.disposition,
            contentId: a.contentId,
          })),
          `${label}: attachments`,
        );
        for (const [i, a] of detail.attachments.entries()) {
          const want = m.expect.attachments[i]?.content ?? Buffer.alloc(0);
          const { meta, body } = await client.openStream('downloadPart', {
            session,
            folder: 'INBOX',
            uid,
            part: a.part,
          });
          assert.equal(meta.filename, a.filename);
          assert.ok((await readAll(body)).equals(want), `${label}: ${a.filename} is byte-exact`);
        }
      }
    }
    assert.ok(charsets.size >= 3, `several charsets were read: ${[...charsets].join(', ')}`);

    // markRead: the flag is stored on the server and the index and counts follow.
    const unreadMessage = mailbox.find((m) => !m.flags.includes('\\Seen')) as GeneratedMessage;
    const unreadUid = uids.get(unreadMessage.expect.messageId) as number;
    const before = await client.call('listMessages', { ...view, page: 1, pageSize: 50 });
    const read = await client.call('getMessage', { ...view, uid: unreadUid, markRead: true });
    assert.equal(read.isUnread, false);
    const after = await client.call('listMessages', { ...view, page: 1, pageSize: 50 });
    assert.equal(after.unread, before.unread - 1);
    const { folders } = await client.call('listFolders', { session });
    assert.equal(folders.find((f) => f.path === 'INBOX')?.unread, before.unread - 1);

    // Neighbours follow the order the reader came from.
    const all = await client.call('listMessages', { ...view, page: 1, pageSize: 500 });
    const middle = all.messages[10];
    assert.ok(middle);
    const neighbours = await client.call('getMessage', { ...view, uid: middle.uid });
    assert.equal(neighbours.prevUid, all.messages[9]?.uid);
    assert.equal(neighbours.nextUid, all.messages[11]?.uid);

    // Opening it again (the page's frame document does) is answered without IMAP.
    await waitForQuietWire(proxy);
    proxy.reset();
    const again = await client.call('getMessage', { ...view, uid: middle.uid });
    assert.deepEqual(again, neighbours);
    assert.equal(proxy.counts().commands.FETCH ?? 0, 0, 'a re-read sends no FETCH');

    // The 20 MB attachment: opening transfers < 1 MB, downloading returns every byte.
    const largeUid = uids.get(large.expect.messageId) as number;
    proxy.reset();
    const opened = await client.call('getMessage', { ...view, uid: largeUid });
    assert.ok(
      proxy.counts().bytesFromServer < 1024 * 1024,
      `opening moved ${proxy.counts().bytesFromServer} bytes`,
    );
    const attachment = opened.attachments[0];
    assert.equal(attachment?.filename, 'large.bin');
    assert.ok(
      Math.abs((attachment?.size ?? 0) - largeBytes) < largeBytes * 0.03,
      `size estimate ${attachment?.size}`,
    );
    const download = await client.openStream('downloadPart', {
      session,
      folder: 'INBOX',
      uid: largeUid,
      part: attachment?.part ?? '',
    });
    const bytes = await readAll(download.body);
    assert.ok(bytes.equals(large.expect.attachments[0]?.content ?? Buffer.alloc(0)), 'byte-exact');

    const source = await client.openStream('messageSource', {
      session,
      folder: 'INBOX',
      uid: largeUid,
    });
    assert.equal(source.meta.contentType, 'message/rfc822');
    assert.ok((await readAll(source.body)).equals(large.raw), 'the raw message, byte for byte');

    const codeOf = (p: Promise<unknown>) =>
      p.then(
        () => 'no error',
        (err: unknown) => (err instanceof AlphaMailError ? err.code : String(err)),
      );
    assert.equal(
      await codeOf(client.call('getMessage', { ...view, uid: 999_999 })),
      'AM_MESSAGE_NOT_FOUND',
    );
    assert.equal(
      await codeOf(
        client.openStream('downloadPart', { session, folder: 'INBOX', uid: largeUid, part: '9.9' }),
      ),
      'AM_PART_NOT_FOUND',
    );
  } finally {
    await webcache.stop();
    await proxy.close();
    await dovecot.stop();
  }
});
