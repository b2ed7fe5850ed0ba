// Proves index persistence against a real Dovecot: after a webcache restart and a new login,
// a folder's first view loads the stored index and fetches only what changed meanwhile
// (counting proxy), and the database file is private (mode 0600).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { silentLogger } from '../../src/base/index.js';
import { flagBits } from '../../src/webcache/index/folder-index.js';
import { IndexStore } from '../../src/webcache/index.js';
import { openDatabase } from '../../src/store/index.js';
import { webcacheMigrations } from '../../src/webcache/persist/index-store.js';
import { startTestDovecot, testUser } from '../harness/dovecot.js';
import { startImapProxy } from '../harness/imap-proxy.js';
import {
  startTestWebcache,
  testDomain,
  testDomainConfig,
  type TestWebcache,
  loginTestUser,
} from '../harness/webcache.js';

async function waitForSnippets(webcache: TestWebcache, session: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while ((await webcache.client.call('sessionStats', { session })).snippetsPending > 0) {
    assert.ok(Date.now() < deadline, 'the background filler finished in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('after a restart the first view resyncs from the stored index without a full FETCH', async () => {
  const dovecot = await startTestDovecot({ namespace: 'inbox-dot' });
  const proxy = await startImapProxy({ host: '127.0.0.1', port: dovecot.dovecot.port });
  const webcache = await startTestWebcache({
    domains: [testDomainConfig(proxy.port, 'inbox-dot')],
  });
  const other = new ImapFlow(dovecot.imapOptions());
  try {
    const view = { folder: 'INBOX', sort: 'date', order: 'desc', page: 1, pageSize: 50 } as const;
    let session = await loginTestUser(webcache);
    const first = await webcache.client.call('listMessages', { session, ...view });
    await waitForSnippets(webcache, session);
    await webcache.restart();
    const file = join(webcache.config.dataDir, 'webcache.sqlite');
    assert.equal(statSync(file).mode & 0o777, 0o600, 'the index database is private');

    // Unchanged mailbox: SELECT, nothing fetched, same page.
    session = await loginTestUser(webcache);
    proxy.reset();
    const again = await webcache.client.call('listMessages', { session, ...view });
    assert.deepEqual(again.messages, first.messages);
    assert.equal(proxy.counts().commands.FETCH ?? 0, 0, `sent: ${proxy.log().join(' | ')}`);
    assert.equal(proxy.counts().commands.SEARCH ?? 0, 0, `sent: ${proxy.log().join(' | ')}`);

    // Changes while the webcache is down: a flag, a new message; only those are fetched.
    await webcache.restart();
    await other.connect();
    const seen = first.messages.find((m) => m.isUnread);
    assert.ok(seen, 'an unread message on the first page');
    const lock = await other.getMailboxLock('INBOX');
    try {
      await other.messageFlagsAdd(String(seen.uid), ['\\Seen'], { uid: true });
    } finally {
      lock.release();
    }
    const raw = Buffer.from(
      `From: a@example.org\r\nSubject: While you were away\r\nDate: ${new Date().toUTCString()}\r\n\r\nNew.\r\n`,
    );
    const appended = await other.append('INBOX', raw, []);
    assert.ok(appended && appended.uid);

    session = await loginTestUser(webcache);
    proxy.reset();
    const resynced = await webcache.client.call('listMessages', { session, ...view });
    assert.equal(resynced.total, first.total + 1);
    assert.equal(resynced.messages[0]?.uid, appended.uid);
    assert.equal(resynced.messages[0]?.subject, 'While you were away');
    assert.equal(resynced.messages.find((m) => m.uid === seen.uid)?.isUnread, false);
    const fetches = proxy.log().filter((line) => / FETCH /i.test(line));
    const full = fetches.filter(
      (line) => /ENVELOPE/.test(line) && !line.includes(`${appended.uid}:*`),
    );
    assert.deepEqual(full, [], 'no full index FETCH after the restart');
    assert.ok(
      fetches.some((line) => /CHANGEDSINCE/.test(line)),
      `flags fetched by CHANGEDSINCE: ${fetches.join(' | ')}`,
    );
  } finally {
    await other.logout().catch(() => undefined);
    await webcache.stop();
    await proxy.close();
    await dovecot.stop();
  }
});

/** Whether the stored copy of INBOX (read through a second handle) has `uid` as \Seen. */
async function storedSeen(dataDir: string, uid: number): Promise<boolean> {
  const store = IndexStore.open(dataDir, silentLogger());
  try {
    const index = await store.load(`${testUser.name}@${testDomain}`, 'INBOX');
    assert.ok(index, 'INBOX is stored');
    const slot = index.slotOf(uid);
    assert.ok(slot >= 0);
    return (index.flagsAt(slot) & flagBits.seen) !== 0;
  } finally {
    store.close();
  }
}

test('a flag change is saved at shutdown, not at once; a copy older than it is resynced by CHANGEDSINCE', async () => {
  const dovecot = await startTestDovecot({ namespace: 'inbox-dot' });
  const proxy = await startImapProxy({ host: '127.0.0.1', port: dovecot.dovecot.port });
  const webcache = await startTestWebcache({
    domains: [testDomainConfig(proxy.port, 'inbox-dot')],
  });
  const other = new ImapFlow(dovecot.imapOptions());
  const dataDir = webcache.config.dataDir;
  try {
    const view = { folder: 'INBOX', sort: 'date', order: 'desc', page: 1, pageSize: 50 } as const;
    let session = await loginTestUser(webcache);
    const first = await webcache.client.call('listMessages', { session, ...view });
    await waitForSnippets(webcache, session);
    await webcache.restart();
    const unread = first.messages.find((m) => m.isUnread);
    assert.ok(unread, 'an unread message on the first page');
    assert.equal(await storedSeen(dataDir, unread.uid), false);

    session = await loginTestUser(webcache);
    await webcache.client.call('listMessages', { session, ...view });
    await webcache.client.call('getMessage', { session, ...view, uid: unread.uid, markRead: true });
    await other.connect();
    const deadline = Date.now() + 20_000;
    for (;;) {
      const lock = await other.getMailboxLock('INBOX');
      let flags: Set<string> | undefined;
      try {
        const found = await other.fetchOne(String(unread.uid), { flags: true }, { uid: true });
        flags = found ? found.flags : undefined;
      } finally {
        lock.release();
      }
      if (flags?.has('\\Seen')) break;
      assert.ok(Date.now() < deadline, 'the \\Seen STORE reached Dovecot in time');
      await new Promise((r) => setTimeout(r, 200));
    }
    // A flag-only change waits for its interval (minutes): the stored copy is still the old one.
    assert.equal(await storedSeen(dataDir, unread.uid), false, 'not written at once');
    const db = openDatabase(join(dataDir, 'webcache.sqlite'), [webcacheMigrations]);
    try {
      const stale = db
        .prepare('SELECT blob FROM webcache_folder_index WHERE folder = ?')
        .get('INBOX') as { blob: Buffer };
      await webcache.restart();
      assert.equal(await storedSeen(dataDir, unread.uid), true, 'written at shutdown');

      // As after a crash before the interval: the saved copy predates the flag change.
      db.prepare('UPDATE webcache_folder_index SET blob = ? WHERE folder = ?').run(
        stale.blob,
        'INBOX',
      );
    } finally {
      db.close();
    }
    assert.equal(await storedSeen(dataDir, unread.uid), false);
    session = await loginTestUser(webcache);
    proxy.reset();
    const resynced = await webcache.client.call('listMessages', { session, ...view });
    assert.equal(resynced.messages.find((m) => m.uid === unread.uid)?.isUnread, false);
    const fetches = proxy.log().filter((line) => / FETCH /i.test(line));
    assert.ok(
      fetches.some((line) => /CHANGEDSINCE/.test(line)),
      `flags fetched by CHANGEDSINCE: ${fetches.join(' | ')}`,
    );
    assert.deepEqual(
      fetches.filter((line) => /ENVELOPE/.test(line)),
      [],
      'no full index FETCH',
    );
  } finally {
    await other.logout().catch(() => undefined);
    await webcache.stop();
    await proxy.close();
    await dovecot.stop();
  }
});
