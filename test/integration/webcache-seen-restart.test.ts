// Proves against a real Dovecot that an opened message's read mark outlives a webcache that could
// not store it: the server goes away right after the message is opened (inside the batching
// window, see sync/seen-writer.ts), the webcache is replaced on the same data directory, and at
// the next sign-in the mark reaches the server and the index shows the message read.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateMailbox } from '../../src/ops/index.js';
import { startTestDovecot, type TestDovecot } from '../harness/dovecot.js';
import { serverFlags } from '../harness/expectations.js';
import { startImapProxy, type ImapProxy } from '../harness/imap-proxy.js';
import {
  loginTestUser,
  startTestWebcache,
  testDomainConfig,
  type TestWebcache,
} from '../harness/webcache.js';

let dovecot: TestDovecot;
let proxy: ImapProxy;
let webcache: TestWebcache;

before(async () => {
  const messages = generateMailbox({
    seed: 5,
    count: 40,
    user: 'demo@demo.test',
    folders: ['INBOX'],
  });
  dovecot = await startTestDovecot({ messages });
  proxy = await startImapProxy({ host: '127.0.0.1', port: dovecot.dovecot.port });
  webcache = await startTestWebcache({ domains: [testDomainConfig(proxy.port, 'slash')] });
});

after(async () => {
  await webcache?.stop();
  await proxy?.close();
  await dovecot?.stop();
});

/** Whether INBOX `uid` has \Seen on the server, asked directly (not through the proxy). */
async function isSeenOnServer(uid: number): Promise<boolean> {
  return (await serverFlags(dovecot, 'INBOX', uid)).has('\\Seen');
}

/** The whole INBOX (40 messages) as one page, newest first. */
function inboxPage(session: string) {
  const query = { sort: 'date', order: 'desc', page: 1, pageSize: 40 } as const;
  return webcache.client.call('listMessages', { session, folder: 'INBOX', ...query });
}

test('a read mark the webcache could not store is stored at the next sign-in', async () => {
  const session = await loginTestUser(webcache);
  const page = await inboxPage(session);
  const unread = page.messages.find((m) => m.isUnread);
  assert.ok(unread, 'the mailbox has an unread message');
  const opened = await webcache.client.call('getMessage', {
    session,
    folder: 'INBOX',
    uid: unread.uid,
    sort: 'date',
    order: 'desc',
    markRead: true,
  });
  // The server goes away before the batched mark is stored (it waits for a quiet second): this
  // runs before any timer of the webcache can fire.
  proxy.refuseAll(true);
  proxy.dropAll();
  assert.equal(opened.isUnread, false);

  await webcache.restart();
  assert.equal(await isSeenOnServer(unread.uid), false, 'the mark never reached the server');
  proxy.refuseAll(false);

  const again = await loginTestUser(webcache);
  const deadline = Date.now() + 10_000;
  while (!(await isSeenOnServer(unread.uid)) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(await isSeenOnServer(unread.uid), true, 'stored after the next sign-in');
  const shown = await inboxPage(again);
  assert.equal(shown.messages.find((m) => m.uid === unread.uid)?.isUnread, false);

  // Stored once: a further restart and sign-in has nothing left to store.
  await webcache.restart();
  proxy.reset();
  await loginTestUser(webcache);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(proxy.counts().commands.STORE ?? 0, 0, 'no mark is stored twice');
});
