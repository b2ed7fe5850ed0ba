// Proves the session secrets: the stored row and the database file never hold the password,
// opening it needs the cookie's key (and the right session), idle sessions end, file is 0600.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { isAlphaMailError } from '../../src/base/index.js';
import { sessionKey } from '../../src/protocol/index.js';
import {
  openPassword,
  randomSealKey,
  randomToken,
  sealPassword,
  sessionIdOf,
} from '../../src/web/session-crypto.js';
import { openSessionStore } from '../../src/web/session-store.js';
import { parseSessionCookie, readCookies, serializeCookie } from '../../src/web/cookies.js';
import { tempDir } from './web-fixtures.js';

const password = 'Tr0ub4dor&3-unique-marker';

test('a sealed password opens with its key and session id, and with nothing else', () => {
  const key = randomSealKey();
  const id = sessionIdOf(randomToken());
  const sealed = sealPassword(password, key, id);
  assert.equal(openPassword(sealed, key, id), password);
  assert.ok(!sealed.includes(Buffer.from(password, 'utf8')));
  const isSessionUnknown = (err: unknown) => isAlphaMailError(err, 'AM_SESSION_UNKNOWN');
  assert.throws(() => openPassword(sealed, randomSealKey(), id), isSessionUnknown);
  assert.throws(() => openPassword(sealed, key, sessionIdOf('other')), isSessionUnknown);
  const tampered = Buffer.from(sealed);
  tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 1;
  assert.throws(() => openPassword(tampered, key, id), isSessionUnknown);
});

test('two seals of one password differ (fresh nonce each time)', () => {
  const key = randomSealKey();
  assert.notDeepEqual(sealPassword(password, key, 'a'), sealPassword(password, key, 'a'));
});

test('the database holds the token hash and ciphertext, never the password or cookie parts', () => {
  const t = tempDir();
  const file = join(t.dir, 'data', 'web.sqlite');
  try {
    const store = openSessionStore(file, { idleTimeoutMs: 60_000 });
    const created = store.create({
      user: 'alice',
      domain: 'example.edu',
      cacheSession: randomToken(),
      password,
    });
    const found = store.find(created.token);
    assert.ok(found);
    assert.equal(found.id, sessionIdOf(created.token));
    assert.equal(openPassword(found.sealedPassword, created.key, found.id), password);
    assert.ok(sessionKey.safeParse(found.cacheSession).success);
    assert.notEqual(found.csrf, created.token);
    store.close();

    // Every byte SQLite wrote (main file, and WAL if one is left) is free of the secrets.
    const files = readdirSync(join(t.dir, 'data')).map((f) => join(t.dir, 'data', f));
    for (const f of files) {
      const bytes = readFileSync(f);
      for (const secret of [password, created.token, created.key]) {
        assert.ok(!bytes.includes(Buffer.from(secret, 'utf8')), `${f} holds a secret`);
      }
    }
    assert.equal(statSync(file).mode & 0o777, 0o600);

    const db = new Database(file, { readonly: true });
    const row = db.prepare('SELECT * FROM web_sessions').get() as Record<string, unknown>;
    db.close();
    assert.deepEqual(Object.keys(row).sort(), [
      'cache_session',
      'created_ms',
      'csrf',
      'domain',
      'id',
      'last_seen_ms',
      'sealed_password',
      'user',
    ]);
    assert.ok(!JSON.stringify(row).includes(password));
    assert.equal(row.id, sessionIdOf(created.token));
  } finally {
    t.remove();
  }
});

test('a session idle longer than the timeout is gone; activity keeps it alive', () => {
  let now = 1_000_000;
  const store = openSessionStore(':memory:', { idleTimeoutMs: 30 * 60_000, now: () => now });
  const a = store.create({ user: 'a', domain: 'd', cacheSession: randomToken(), password });
  const b = store.create({ user: 'b', domain: 'd', cacheSession: randomToken(), password });
  now += 20 * 60_000;
  assert.ok(store.find(a.token), 'a is used at 20 minutes');
  now += 20 * 60_000;
  assert.ok(store.find(a.token), 'a was seen 20 minutes ago');
  assert.equal(store.find(b.token), null, 'b idled 40 minutes');
  assert.equal(store.find('x'.repeat(43)), null);
  store.close();
});

test('preferences are stored per user and domain', () => {
  const store = openSessionStore(':memory:', { idleTimeoutMs: 60_000 });
  const defaults = { pageSize: 50, sort: 'date', order: 'desc', threaded: false } as const;
  assert.deepEqual(store.prefs('a', 'd', defaults), defaults);
  store.savePrefs('a', 'd', { pageSize: 20, sort: 'from', order: 'asc', threaded: true });
  assert.deepEqual(store.prefs('a', 'd', defaults), {
    pageSize: 20,
    sort: 'from',
    order: 'asc',
    threaded: true,
  });
  assert.deepEqual(store.prefs('a', 'other', defaults), defaults);
  store.close();
});

test('cookies: the session cookie has the token.key shape and the right attributes', () => {
  const token = randomToken();
  const key = randomSealKey();
  assert.deepEqual(parseSessionCookie(`${token}.${key}`), { token, key });
  assert.equal(parseSessionCookie(`${token}`), null);
  assert.equal(parseSessionCookie(`${token}.${key}.x`), null);
  assert.equal(parseSessionCookie('a"b.c'), null);
  assert.equal(
    serializeCookie('am_session', 'v', { isSecure: true }),
    'am_session=v; Path=/; HttpOnly; SameSite=Lax; Secure',
  );
  assert.deepEqual(
    [...readCookies('a=1; b=2; a=3')],
    [
      ['a', '1'],
      ['b', '2'],
    ],
  );
});
