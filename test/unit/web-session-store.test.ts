// Tests that the session store's statements, prepared once when it opens, give the same answers
// on every use: each query runs several times with different values. SQLite in memory, but for
// the lasting keys, which two stores share through one file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSessionStore } from '../../src/web/session-store.js';
import { randomToken } from '../../src/web/session-crypto.js';

const password = 'hunter2 hunter2';

void test('sessions: create, find, delete and sweep answer per session on every use', () => {
  let now = 5_000_000;
  const store = openSessionStore(':memory:', { idleTimeoutMs: 60_000, now: () => now });
  const made = ['a', 'b', 'c'].map((user) =>
    store.create({ user, domain: 'd', cacheSession: randomToken(), password }),
  );
  for (const s of made) assert.equal(store.find(s.token)?.user, s.record.user);
  for (const s of made) assert.equal(store.find(s.token)?.cacheSession, s.record.cacheSession);
  const [a, b, c] = made;
  assert.ok(a && b && c);
  store.delete(a.record.id);
  assert.equal(store.find(a.token), null);
  assert.equal(store.find(b.token)?.user, 'b');
  now += 40_000;
  assert.equal(store.find(b.token)?.lastSeenMs, now, 'b touched after 40 s');
  now += 40_000;
  assert.equal(store.sweepIdle(), 1, 'c idled 80 s; b was seen 40 s ago');
  assert.equal(store.find(c.token), null);
  assert.equal(store.find(b.token)?.user, 'b');
  now += 120_000;
  assert.equal(store.sweepIdle(), 1);
  assert.equal(store.sweepIdle(), 0);
  store.close();
});

void test('identities and remote senders: saved, overwritten, listed and removed per user', () => {
  const store = openSessionStore(':memory:', { idleTimeoutMs: 60_000 });
  assert.equal(store.identity('a', 'd'), null);
  store.saveIdentity('a', 'd', { displayName: 'A', address: 'a@d', signature: '--\nA' });
  store.saveIdentity('b', 'd', { displayName: 'B', address: 'b@d', signature: '' });
  store.saveIdentity('a', 'd', { displayName: 'A2', address: 'a2@d', signature: 'x' });
  assert.deepEqual(store.identity('a', 'd'), {
    displayName: 'A2',
    address: 'a2@d',
    signature: 'x',
  });
  assert.deepEqual(store.identity('b', 'd'), { displayName: 'B', address: 'b@d', signature: '' });

  store.allowRemoteSender('a', 'd', ' News@Example.COM ');
  store.allowRemoteSender('a', 'd', 'alice@example.org');
  store.allowRemoteSender('a', 'd', 'news@example.com');
  store.allowRemoteSender('b', 'd', 'bob@example.org');
  assert.deepEqual(store.remoteSenders('a', 'd'), ['alice@example.org', 'news@example.com']);
  assert.deepEqual(store.remoteSenders('b', 'd'), ['bob@example.org']);
  assert.equal(store.isRemoteSenderAllowed('a', 'd', 'NEWS@example.com'), true);
  assert.equal(store.isRemoteSenderAllowed('b', 'd', 'news@example.com'), false);
  store.removeRemoteSender('a', 'd', 'news@example.com');
  assert.equal(store.isRemoteSenderAllowed('a', 'd', 'news@example.com'), false);
  assert.deepEqual(store.remoteSenders('a', 'd'), ['alice@example.org']);
  store.close();
});

void test('a lasting key is made once and then the same for every store on the database', () => {
  const dir = mkdtempSync(join(tmpdir(), 'alphamail-keys-'));
  try {
    const file = join(dir, 'web.sqlite');
    const first = openSessionStore(file, { idleTimeoutMs: 60_000 });
    const second = openSessionStore(file, { idleTimeoutMs: 60_000 });
    const key = first.key('remote-image', 32);
    assert.equal(key.length, 32);
    assert.ok(second.key('remote-image', 32).equals(key), 'a second process gets the same key');
    assert.ok(!first.key('other', 32).equals(key), 'another name, another key');
    first.close();
    second.close();
    const reopened = openSessionStore(file, { idleTimeoutMs: 60_000 });
    assert.ok(reopened.key('remote-image', 32).equals(key), 'kept across a restart');
    reopened.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
