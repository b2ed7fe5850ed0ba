// Proves the webcache's session handling against a real Dovecot: login outcomes by error code,
// one IMAP connection per session key, logout, and the folder list of both namespace styles.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AlphaMailError } from '../../src/base/index.js';
import type { DemoNamespace } from '../../src/ops/index.js';
import { startTestDovecot, testUser } from '../harness/dovecot.js';
import { startImapProxy } from '../harness/imap-proxy.js';
import {
  newSessionKey,
  startTestWebcache,
  testDomain,
  testDomainConfig,
  loginTestUser,
} from '../harness/webcache.js';

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    return err instanceof AlphaMailError ? err.code : `not an AlphaMailError: ${String(err)}`;
  }
  return 'no error';
}

test('login: good password, bad password, unknown domain, unreachable, insecure', async () => {
  const dovecot = await startTestDovecot({ messages: [] });
  const insecureDomain = {
    ...testDomainConfig(dovecot.dovecot.port, 'slash'),
    domain: 'strict.test',
    imap: { ...testDomainConfig(dovecot.dovecot.port, 'slash').imap, allowInsecure: false },
  };
  const closedDomain = {
    ...testDomainConfig(1, 'slash'),
    domain: 'closed.test',
  };
  const webcache = await startTestWebcache({
    domains: [testDomainConfig(dovecot.dovecot.port, 'slash'), insecureDomain, closedDomain],
  });
  try {
    const { client } = webcache;
    const session = newSessionKey();
    const ok = await client.call('login', {
      session,
      user: testUser.name,
      domain: testDomain,
      password: testUser.password,
    });
    assert.equal(ok.user, testUser.name);
    assert.equal(ok.domain, testDomain);
    assert.ok(ok.capabilities.includes('IDLE'), 'capabilities are read after login');
    assert.equal((await client.call('ping', {})).sessions, 1);

    const login = (domain: string, password: string) =>
      client.call('login', { session: newSessionKey(), user: testUser.name, domain, password });
    assert.equal(await codeOf(login(testDomain, 'wrong-password')), 'AM_AUTH_FAILED');
    assert.equal(await codeOf(login('nowhere.test', testUser.password)), 'AM_DOMAIN_UNKNOWN');
    assert.equal(await codeOf(login('closed.test', testUser.password)), 'AM_IMAP_UNREACHABLE');
    assert.equal(await codeOf(login('strict.test', testUser.password)), 'AM_IMAP_INSECURE');
    assert.equal(
      await codeOf(client.call('listFolders', { session: newSessionKey() })),
      'AM_SESSION_UNKNOWN',
    );

    assert.deepEqual(await client.call('logout', { session }), { wasOpen: true });
    assert.equal(await codeOf(client.call('listFolders', { session })), 'AM_SESSION_UNKNOWN');
    assert.deepEqual(await client.call('logout', { session }), { wasOpen: false });
    assert.equal((await client.call('ping', {})).sessions, 0);
  } finally {
    await webcache.stop();
    await dovecot.stop();
  }
});

test('a repeated login for the same key replaces the IMAP session', async () => {
  const dovecot = await startTestDovecot({ messages: [] });
  const proxy = await startImapProxy({ host: '127.0.0.1', port: dovecot.dovecot.port });
  const webcache = await startTestWebcache({ domains: [testDomainConfig(proxy.port, 'slash')] });
  try {
    const session = newSessionKey();
    const params = {
      session,
      user: testUser.name,
      domain: testDomain,
      password: testUser.password,
    };
    await webcache.client.call('login', params);
    await webcache.client.call('login', params);
    assert.equal((await webcache.client.call('ping', {})).sessions, 1);
    assert.equal(proxy.counts().logins, 2);
    assert.equal(proxy.counts().commands.LOGOUT, 1, 'the first connection was logged out');
  } finally {
    await webcache.stop();
    await proxy.close();
    await dovecot.stop();
  }
});

const expectedFolders: Record<DemoNamespace, { path: string; displayParts: string[] }[]> = {
  slash: [
    { path: 'INBOX', displayParts: ['Inbox'] },
    { path: 'Drafts', displayParts: ['Drafts'] },
    { path: 'Sent', displayParts: ['Sent'] },
    { path: 'Junk', displayParts: ['Junk'] },
    { path: 'Trash', displayParts: ['Trash'] },
    { path: 'Archive', displayParts: ['Archive'] },
    { path: 'Archive/2024', displayParts: ['Archive', '2024'] },
    { path: 'Entwürfe', displayParts: ['Entwürfe'] },
  ],
  'inbox-dot': [
    { path: 'INBOX', displayParts: ['Inbox'] },
    { path: 'INBOX.Drafts', displayParts: ['Drafts'] },
    { path: 'INBOX.Sent', displayParts: ['Sent'] },
    { path: 'INBOX.Junk', displayParts: ['Junk'] },
    { path: 'INBOX.Trash', displayParts: ['Trash'] },
    { path: 'INBOX.Archive', displayParts: ['Archive'] },
    { path: 'INBOX.Archive.2024', displayParts: ['Archive', '2024'] },
    { path: 'INBOX.Entwürfe', displayParts: ['Entwürfe'] },
  ],
};

for (const namespace of ['slash', 'inbox-dot'] as const) {
  test(`listFolders in the ${namespace} namespace: names, order, counts; warm call sends nothing`, async () => {
    const dovecot = await startTestDovecot({ namespace });
    const proxy = await startImapProxy({ host: '127.0.0.1', port: dovecot.dovecot.port });
    const webcache = await startTestWebcache({
      domains: [testDomainConfig(proxy.port, namespace)],
    });
    try {
      const session = await loginTestUser(webcache);
      const { folders, separator } = await webcache.client.call('listFolders', { session });
      assert.equal(separator, namespace === 'slash' ? '/' : '.');
      assert.deepEqual(
        folders.map((f) => ({ path: f.path, displayParts: f.displayParts })),
        expectedFolders[namespace],
      );
      const inbox = folders[0];
      assert.equal(inbox?.specialUse, 'inbox');
      assert.equal(inbox?.depth, 0);
      const expectedInbox = dovecot.messages.filter((m) => m.folder === 'INBOX');
      assert.equal(inbox?.total, expectedInbox.length);
      assert.equal(inbox?.unread, expectedInbox.filter((m) => !m.flags.includes('\\Seen')).length);

      proxy.reset();
      const again = await webcache.client.call('listFolders', { session });
      assert.deepEqual(again.folders, folders);
      assert.equal(proxy.counts().total, 0, `warm listFolders sent: ${proxy.log().join(' | ')}`);
    } finally {
      await webcache.stop();
      await proxy.close();
      await dovecot.stop();
    }
  });
}

test('a dropped IMAP connection is re-established by the next request (proxy fault)', async () => {
  const dovecot = await startTestDovecot();
  const proxy = await startImapProxy({ host: '127.0.0.1', port: dovecot.dovecot.port });
  const webcache = await startTestWebcache({ domains: [testDomainConfig(proxy.port, 'slash')] });
  try {
    const session = await loginTestUser(webcache);
    const view = {
      session,
      folder: 'INBOX',
      sort: 'date',
      order: 'desc',
      page: 1,
      pageSize: 20,
    } as const;
    const before = await webcache.client.call('listMessages', view);
    // Background snippet fetching would reconnect at once; let it finish first.
    while ((await webcache.client.call('sessionStats', { session })).snippetsPending > 0) {
      await new Promise((r) => setTimeout(r, 100));
    }
    proxy.dropAll();
    await new Promise((r) => setTimeout(r, 200));
    assert.equal((await webcache.client.call('sessionStats', { session })).isConnected, false);
    proxy.reset();
    const after = await webcache.client.call('getMessage', {
      ...view,
      uid: before.messages[0]?.uid ?? 0,
      markRead: false,
    });
    assert.equal(after.uid, before.messages[0]?.uid);
    assert.equal(proxy.counts().logins, 1, 'logged in again with the in-memory password');
    assert.equal(proxy.counts().commands.SEARCH ?? 0, 0, 'the index was resynced, not rebuilt');
  } finally {
    await webcache.stop();
    await proxy.close();
    await dovecot.stop();
  }
});
