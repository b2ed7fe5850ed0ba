// Proves writing mail end to end without JavaScript: real Dovecot, a real MTA on loopback that
// delivers into it, `alphamail webcache` and `alphamail web` as processes, and multipart form
// posts as a browser sends them. user1 sends user2 a non-ASCII subject with two attachments,
// user2 downloads them byte-identical and replies, both see one conversation; with the MTA
// stopped the send fails, the page says so and Drafts keeps the recipients, text and attachments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ImapFlow } from 'imapflow';
import PostalMime from 'postal-mime';
import { startAlphaMail, type AlphaMailProcesses } from '../harness/alphamail.js';
import { startTestDovecot, type TestDovecot } from '../harness/dovecot.js';
import {
  composeFields,
  decodeEntities,
  fieldValue,
  postCompose,
} from '../harness/compose-client.js';
import { FormClient } from '../harness/http-client.js';
import { startTestMta, type TestMta } from '../harness/mta.js';

const domain = 'demo.test';
const user1 = { name: 'user1', password: 'user1-password' };
const user2 = { name: 'user2', password: 'user2-password' };
/** How long delivery through the MTA plus IDLE may take to show a message in the index. */
const deliveryBudgetMs = 20_000;

const subject = 'Grüße aus Köln — 日本語 ✓';
const text = 'Hallo user2,\n\nanbei zwei Dateien.\nZeile mit Ümlauten: äöü ß\n\n-- \nuser1';
const files = [
  { name: 'zufall.bin', type: 'application/octet-stream', bytes: randomBytes(3000) },
  {
    name: 'Notizen über Köln.txt',
    type: 'text/plain',
    bytes: Buffer.from('Erste Zeile\r\nZweite Zeile: äöü\r\n', 'utf8'),
  },
];

async function signIn(client: FormClient, user: { name: string; password: string }) {
  const page = await client.signIn(user.name, user.password, domain);
  assert.equal(page.status, 200, `${user.name} signs in`);
}

/** Polls a folder's index until a row with this subject shows; returns the message's UID. */
async function waitForSubject(client: FormClient, folder: string, wanted: string) {
  const deadline = Date.now() + deliveryBudgetMs;
  const escaped = wanted.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  while (Date.now() < deadline) {
    const page = await client.get(`/f/${encodeURIComponent(folder)}`);
    const row = new RegExp(
      `href="/f/${encodeURIComponent(folder)}/(\\d+)[^"]*"[^>]*>\\s*${escaped.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*<`,
    ).exec(page.body);
    if (row?.[1]) return Number(row[1]);
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`“${wanted}” did not arrive in ${folder} within ${deliveryBudgetMs} ms`);
}

async function draftsOf(dovecot: TestDovecot, user: { name: string; password: string }) {
  const imap = new ImapFlow(dovecot.imapOptions(user));
  await imap.connect();
  try {
    const lock = await imap.getMailboxLock('Drafts');
    try {
      const out = [];
      for await (const m of imap.fetch('1:*', { source: true, flags: true })) {
        if (m.source) out.push({ flags: m.flags, mail: await PostalMime.parse(m.source) });
      }
      return out;
    } finally {
      lock.release();
    }
  } catch (err) {
    // An empty Drafts folder answers "1:*" with nothing or a NO, depending on the server.
    if (String(err).includes('Invalid messageset')) return [];
    throw err;
  } finally {
    await imap.logout();
  }
}

void test(
  'compose, send, receive, reply and a failed send, end to end',
  { timeout: 180_000 },
  async (t) => {
    const dovecot = await startTestDovecot({ users: [user1, user2], messages: [] });
    t.after(() => dovecot.stop());
    const mta: TestMta = await startTestMta({ dovecot, domain });
    t.after(() => mta.remove());
    const app: AlphaMailProcesses = await startAlphaMail({
      imapServers: `${domain}=127.0.0.1:${dovecot.dovecot.port}[/] insecure`,
      extraConfig: { smtp_servers: `${domain}=127.0.0.1:${mta.port} insecure` },
    });
    t.after(() => app.stop());
    const one = new FormClient(app.url);
    const two = new FormClient(app.url);
    await signIn(one, user1);
    await signIn(two, user2);

    await t.test('user1 sends a non-ASCII subject with two attachments', async () => {
      const page = await one.get('/compose');
      assert.equal(page.status, 200);
      const sent = await postCompose(
        one,
        {
          ...composeFields(page.body),
          to: `User Two <user2@${domain}>`,
          subject,
          text,
          action: 'send',
        },
        files,
      );
      assert.equal(sent.status, 200, sent.body.slice(0, 2000));
      assert.match(sent.url, /\/f\/INBOX\?sent=1$/);
      assert.match(sent.body, /role="status"[^>]*>Message sent\.</);
      await waitForSubject(one, 'Sent', subject);
    });

    let receivedUid = 0;
    await t.test('user2 finds it in INBOX; the attachments download byte-identical', async () => {
      receivedUid = await waitForSubject(two, 'INBOX', subject);
      const page = await two.get(`/f/INBOX/${receivedUid}`);
      assert.equal(page.status, 200);
      assert.ok(decodeEntities(page.body).includes(subject));
      assert.ok(decodeEntities(page.body).includes('Zeile mit Ümlauten: äöü ß'));
      const links = [
        ...page.body.matchAll(/href="(\/f\/INBOX\/\d+\/part\/[\d.]+)"[^>]*>([^<]+)</g),
      ];
      assert.deepEqual(
        links.map((l) => decodeEntities(l[2] ?? '')),
        files.map((f) => f.name),
      );
      for (const [i, f] of files.entries()) {
        const res = await two.raw(links[i]?.[1] ?? '');
        assert.equal(res.status, 200);
        assert.ok(
          Buffer.from(await res.arrayBuffer()).equals(f.bytes),
          `${f.name} is byte-identical`,
        );
      }
    });

    let replyUid = 0;
    await t.test('user2 replies through the reply page', async () => {
      const message = await two.get(`/f/INBOX/${receivedUid}`);
      const replyLink = /href="([^"]+)"\s+data-shortcut="r"/.exec(message.body)?.[1];
      assert.ok(replyLink, 'the message page has a Reply link');
      const reply = await two.get(decodeEntities(replyLink));
      assert.equal(reply.status, 200);
      const fields = composeFields(reply.body);
      assert.match(String(fields.to), new RegExp(`user1@${domain}`));
      assert.equal(fields.subject, `Re: ${subject}`);
      const sent = await postCompose(two, {
        ...fields,
        text: `Danke!\n${String(fields.text)}`,
        action: 'send',
      });
      assert.equal(sent.status, 200, sent.body.slice(0, 2000));
      assert.match(sent.body, /Message sent\./);
      const uid = await waitForSubject(one, 'INBOX', `Re: ${subject}`);
      replyUid = uid;
      const got = await one.get(`/f/INBOX/${uid}`);
      assert.ok(decodeEntities(got.body).includes('Danke!'));
    });

    await t.test('both users see the message and the reply as one conversation', async () => {
      // user1 wrote the first message (Sent) and got the reply; user2 the other way round.
      for (const [client, uid, sentAt] of [
        [one, replyUid, 0],
        [two, receivedUid, 1],
      ] as const) {
        const page = await client.get(`/f/INBOX/${uid}/thread`);
        assert.equal(page.status, 200);
        const folders = [...page.body.matchAll(/href="\/f\/([^/"]+)\/\d+">Open this message/g)];
        assert.equal(folders.length, 2, 'two messages in the conversation');
        // One copy from Sent, one from INBOX. Their order is by Date, which has whole seconds:
        // message and reply sent within one second tie, so the order is not asserted then.
        assert.deepEqual(
          folders.map((m) => m[1] !== 'INBOX').sort(),
          [false, true],
          `one of the two is the Sent copy (user ${sentAt + 1})`,
        );
        assert.ok(decodeEntities(page.body).includes('Danke!'), 'the reply text is shown');
      }
    });

    await t.test(
      'a recipient the MTA refuses is named after the send; the others get it',
      async () => {
        const partial = 'An alle, auch die Unbekannten';
        const page = await one.get('/compose');
        const sent = await postCompose(one, {
          ...composeFields(page.body),
          to: `user2@${domain}, nobody@${domain}`,
          subject: partial,
          text: 'Hallo',
          action: 'send',
        });
        assert.equal(sent.status, 200, sent.body.slice(0, 2000));
        assert.equal(new URL(sent.url).search, `?sent=1&refused=nobody%40${domain}`);
        assert.match(
          sent.body,
          new RegExp(
            `role="status"[^>]*>Message sent, but the mail server refused nobody@${domain.replace(/\./g, '\\.')}: they will not receive it\\.<`,
          ),
        );
        await waitForSubject(two, 'INBOX', partial);
        await waitForSubject(one, 'Sent', partial);
      },
    );

    await t.test('with the MTA stopped the send fails and Drafts keeps everything', async () => {
      await mta.stop();
      const page = await one.get('/compose');
      const failed = await postCompose(
        one,
        {
          ...composeFields(page.body),
          to: `User Two <user2@${domain}>`,
          cc: `user1@${domain}`,
          subject: 'Nicht gesendet ✗',
          text: 'Dieser Text bleibt erhalten.\näöü',
          action: 'send',
        },
        files,
      );
      assert.equal(failed.status, 502);
      assert.match(failed.body, /role="alert"/);
      assert.match(failed.body, /The message was not sent/);
      assert.equal(fieldValue(failed.body, 'to'), `User Two <user2@${domain}>`);
      assert.equal(fieldValue(failed.body, 'text'), 'Dieser Text bleibt erhalten.\näöü');
      assert.match(fieldValue(failed.body, 'draft'), /^Drafts\/\d+$/);
      const drafts = await draftsOf(dovecot, user1);
      assert.equal(drafts.length, 1, 'one draft is kept');
      const kept = drafts[0];
      assert.ok(kept);
      assert.ok(kept.flags?.has('\\Draft'));
      assert.deepEqual(
        kept.mail.to?.map((a) => a.address),
        [`user2@${domain}`],
      );
      assert.deepEqual(
        kept.mail.cc?.map((a) => a.address),
        [`user1@${domain}`],
      );
      assert.equal(kept.mail.subject, 'Nicht gesendet ✗');
      assert.equal(kept.mail.text?.trimEnd(), 'Dieser Text bleibt erhalten.\näöü');
      assert.deepEqual(
        kept.mail.attachments.map((a) => a.filename),
        files.map((f) => f.name),
      );
      for (const [i, f] of files.entries()) {
        const content = kept.mail.attachments[i]?.content;
        assert.ok(content !== undefined);
        const bytes =
          typeof content === 'string'
            ? Buffer.from(content)
            : content instanceof ArrayBuffer
              ? Buffer.from(content)
              : Buffer.from(content.buffer, content.byteOffset, content.byteLength);
        assert.ok(bytes.equals(f.bytes), `${f.name} is kept byte-identical`);
      }
    });
  },
);
