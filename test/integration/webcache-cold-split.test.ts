// A big cold folder's UID SORT is split between the session's connection and one short-lived
// helper connection, which logs out right after; when the helper cannot connect (a refusal the
// proxy injects) the session sorts the whole folder itself. Both give the manifest's first page.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateMailbox, type GeneratedMessage } from '../../src/ops/index.js';
import { coldSplitMinMessages } from '../../src/webcache/session/cold-sort-helper.js';
import { startTestDovecot, testUser, type TestDovecot } from '../harness/dovecot.js';
import { expectedOrder, manifestByUid } from '../harness/expectations.js';
import { startImapProxy, type ImapProxy } from '../harness/imap-proxy.js';
import {
  newSessionKey,
  startTestWebcache,
  testDomain,
  testDomainConfig,
  type TestWebcache,
} from '../harness/webcache.js';

const pageSize = 25;
const messageCount = coldSplitMinMessages + 500;
const lowerPart = Math.floor(messageCount / 2);
const otherUser = { name: 'cold2', password: 'cold2-password' };

/**
 * The mailbox with dates interleaved across the two halves (UID order follows this order), so
 * the newest page holds messages of both halves and the merge of both sorts is what is tested.
 */
function interleavedMailbox(): GeneratedMessage[] {
  const byDate = generateMailbox({
    seed: 11,
    count: messageCount,
    user: `${testUser.name}@${testDomain}`,
    folders: ['INBOX'],
  }).sort((a, b) => a.expect.date.getTime() - b.expect.date.getTime());
  const interleaved = [
    ...byDate.filter((_, i) => i % 2 === 0),
    ...byDate.filter((_, i) => i % 2 === 1),
  ];
  // Dovecot numbers maildir files by the time in their names (the internal date); every message
  // has a Date header, which alone decides the sort.
  const firstMs = Date.UTC(2020, 0, 1);
  return interleaved.map((m, i) => ({ ...m, internalDate: new Date(firstMs + i * 1_000) }));
}

async function untilOpenConnections(proxy: ImapProxy, count: number): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (proxy.openConnections() !== count) {
    assert.ok(Date.now() < deadline, `${proxy.openConnections()} connections still open`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function firstPageOf(
  webcache: TestWebcache,
  dovecot: TestDovecot,
  user: { name: string; password: string },
  proxy: ImapProxy,
  beforePage: () => void,
) {
  const session = newSessionKey();
  proxy.reset();
  await webcache.client.call('login', { session, ...loginOf(user) });
  beforePage();
  const page = await webcache.client.call('listMessages', {
    session,
    folder: 'INBOX',
    sort: 'date',
    order: 'desc',
    page: 1,
    pageSize,
  });
  const stats = await webcache.client.call('sessionStats', { session });
  assert.ok(stats.indexedMessages < messageCount, 'answered before the index was complete');
  assert.equal(page.total, messageCount);
  const byUid = await manifestByUid(dovecot, 'INBOX', user);
  return { uids: page.messages.map((m) => m.uid), expected: expectedOrder(byUid, 'date', 'desc') };
}

function loginOf(user: { name: string; password: string }) {
  return { user: user.name, domain: testDomain, password: user.password };
}

test('cold first page: split SORT over two connections, then only one stays open', async () => {
  const messages = interleavedMailbox();
  const dovecot = await startTestDovecot({
    namespace: 'slash',
    users: [testUser, otherUser],
    messages,
    otherMessages: { [otherUser.name]: messages },
  });
  const proxy = await startImapProxy({ host: '127.0.0.1', port: dovecot.dovecot.port });
  const webcache = await startTestWebcache({ domains: [testDomainConfig(proxy.port, 'slash')] });
  try {
    await test('split between the session and a helper connection', async () => {
      const { uids, expected } = await firstPageOf(webcache, dovecot, testUser, proxy, () => {});
      assert.deepEqual(uids, expected.slice(0, pageSize));
      assert.ok(
        uids.some((uid) => uid <= lowerPart) && uids.some((uid) => uid > lowerPart),
        'the page mixes both halves',
      );
      const log = proxy.log().join(' | ');
      assert.match(log, new RegExp(`UID SORT \\(REVERSE DATE\\) UTF-8 1:${lowerPart}( |$)`));
      assert.match(log, new RegExp(`UID SORT \\(REVERSE DATE\\) UTF-8 ${lowerPart + 1}:\\*`));
      assert.doesNotMatch(log, /UTF-8 ALL/);
      assert.match(log, /EXAMINE INBOX/);
      // The cold sign-in logs in twice: the session, and the helper for one SORT.
      assert.equal(proxy.counts().connections, 2);
      assert.equal(proxy.counts().logins, 2);
      await untilOpenConnections(proxy, 1);
      assert.equal(proxy.counts().commands.LOGOUT, 1, 'the helper logged out');
    });

    await test('helper refused: the session sorts the whole folder', async () => {
      const { uids, expected } = await firstPageOf(webcache, dovecot, otherUser, proxy, () =>
        proxy.refuseNext(1),
      );
      assert.deepEqual(uids, expected.slice(0, pageSize));
      const log = proxy.log().join(' | ');
      assert.match(log, /UID SORT \(REVERSE DATE\) UTF-8 ALL/);
      assert.doesNotMatch(log, /EXAMINE/);
      assert.equal(proxy.counts().connections, 2, 'the helper tried once');
      assert.equal(proxy.counts().logins, 1);
      // The first test's session and this one's.
      await untilOpenConnections(proxy, 2);
    });
  } finally {
    await webcache.stop();
    await proxy.close();
    await dovecot.stop();
  }
});
