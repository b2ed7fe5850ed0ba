// Proves the web tier's guards over fastify inject: CSRF refusals, security headers on every
// kind of response, the sign-in rate limit, and the "restarting" page when nothing listens on
// the webcache socket (a real condition: the socket path has no listener).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { silentLogger } from '../../src/base/index.js';
import { buildWebApp, sessionFileName } from '../../src/web/index.js';
import { openSessionStore } from '../../src/web/session-store.js';
import { maxLoginFailures, loginFailureWindowMs } from '../../src/web/rate-limit.js';
import { csrfToken } from '../harness/http-client.js';
import {
  cookieHeader,
  goodPassword,
  goodUser,
  startScriptedWebcache,
  tempDir,
  testConfig,
  type ScriptedWebcache,
} from './web-fixtures.js';

const appCsp =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'";

let temp: ReturnType<typeof tempDir>;
let webcache: ScriptedWebcache;
let app: FastifyInstance;
let clockMs = 1_700_000_000_000;

before(async () => {
  temp = tempDir();
  const config = testConfig(temp.dir);
  webcache = await startScriptedWebcache(join(temp.dir, 'webcache.sock'));
  app = buildWebApp({
    config,
    logger: silentLogger(),
    client: webcache.client,
    now: () => clockMs,
  });
  await app.ready();
});

after(async () => {
  await app.close();
  await webcache.close();
  temp.remove();
});

function form(url: string, cookie: string, fields: Record<string, string>) {
  return app.inject({
    method: 'POST',
    url,
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(fields).toString(),
  });
}

async function loginAttempt(user: string, password: string, ip = '127.0.0.1') {
  const page = await app.inject({ method: 'GET', url: '/login', remoteAddress: ip });
  const cookie = cookieHeader(page.headers['set-cookie']);
  const res = await app.inject({
    method: 'POST',
    url: '/login',
    remoteAddress: ip,
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: csrfToken(page.body), user, password }).toString(),
  });
  return { res, cookie: cookieHeader(res.headers['set-cookie'], cookie) };
}

test('every page carries the app CSP, nosniff, no-referrer and no-store', async () => {
  for (const url of ['/login', '/no-such-page', '/f/INBOX']) {
    const res = await app.inject({ method: 'GET', url });
    assert.equal(res.headers['content-security-policy'], appCsp, url);
    assert.equal(res.headers['x-content-type-options'], 'nosniff', url);
    assert.equal(res.headers['referrer-policy'], 'no-referrer', url);
    assert.equal(res.headers['x-frame-options'], 'DENY', url);
    assert.equal(res.headers['cache-control'], 'no-store', url);
    assert.equal(res.headers['strict-transport-security'], undefined, 'http: no HSTS');
  }
});

test('pages contain no inline script or style', async () => {
  const res = await app.inject({ method: 'GET', url: '/login' });
  assert.ok(!/<script(?![^>]*\bsrc=)/.test(res.body), 'every script has a src');
  assert.ok(!/<style|\sstyle=|\son[a-z]+=/i.test(res.body));
});

test('an https public URL adds HSTS and Secure cookies', async () => {
  const t = tempDir();
  const secure = buildWebApp({
    config: testConfig(t.dir, { publicUrl: 'https://mail.example.edu' }),
    logger: silentLogger(),
  });
  try {
    const res = await secure.inject({ method: 'GET', url: '/login' });
    assert.equal(res.headers['strict-transport-security'], 'max-age=31536000; includeSubDomains');
    assert.match(String(res.headers['set-cookie']), /; Secure$/);
  } finally {
    await secure.close();
    t.remove();
  }
});

test('the sign-in POST without the double-submit token is refused with 403', async () => {
  const page = await app.inject({ method: 'GET', url: '/login' });
  const cookie = cookieHeader(page.headers['set-cookie']);
  const fields = { user: goodUser, password: goodPassword };
  const missing = await form('/login', cookie, fields);
  assert.equal(missing.statusCode, 403);
  assert.match(missing.body, /This form has expired\./);
  const wrong = await form('/login', cookie, { ...fields, _csrf: 'x'.repeat(43) });
  assert.equal(wrong.statusCode, 403);
  const noCookie = await form('/login', '', { ...fields, _csrf: csrfToken(page.body) });
  assert.equal(noCookie.statusCode, 403);
  assert.ok(!webcache.calls.includes('login'), 'nothing reached the webcache');
});

test('signed-in POSTs need the session token; another session’s token is refused', async () => {
  const a = await loginAttempt(goodUser, goodPassword, '10.0.0.1');
  const b = await loginAttempt(goodUser, goodPassword, '10.0.0.2');
  const pageB = await app.inject({
    method: 'GET',
    url: '/settings',
    headers: { cookie: b.cookie },
  });
  const tokenB = csrfToken(pageB.body);
  const fields = { pageSize: '10', sort: 'date', order: 'desc' };
  assert.equal((await form('/settings', a.cookie, fields)).statusCode, 403);
  assert.equal((await form('/settings', a.cookie, { ...fields, _csrf: tokenB })).statusCode, 403);
  assert.equal((await form('/logout', a.cookie, {})).statusCode, 403);
  assert.equal((await form('/settings', b.cookie, { ...fields, _csrf: tokenB })).statusCode, 303);
  const logout = await form('/logout', '', { _csrf: tokenB });
  assert.equal(logout.statusCode, 403, 'no session, no state change');
});

test('state never changes on GET: /logout answers 404', async () => {
  const res = await app.inject({ method: 'GET', url: '/logout' });
  assert.equal(res.statusCode, 404);
});

test('ten failures for one account lock it out for the window, right password or not', async () => {
  const user = 'locked-user';
  for (let i = 0; i < maxLoginFailures; i++) {
    const { res } = await loginAttempt(user, 'bad', `10.1.0.${i}`);
    assert.equal(res.statusCode, 401, `attempt ${i + 1}`);
  }
  const { res } = await loginAttempt(user, 'bad', '10.1.1.1');
  assert.equal(res.statusCode, 429);
  assert.match(res.body, /Too many sign-in attempts\./);
  assert.equal(res.headers['retry-after'], String(loginFailureWindowMs / 1000));
  clockMs += loginFailureWindowMs + 1;
  const later = await loginAttempt(user, 'bad', '10.1.1.1');
  assert.equal(later.res.statusCode, 401, 'the window passed');
});

test('ten failures from one address lock that address out, whatever the user name', async () => {
  const ip = '10.2.0.1';
  for (let i = 0; i < maxLoginFailures; i++) {
    assert.equal((await loginAttempt(`user${i}`, 'bad', ip)).res.statusCode, 401);
  }
  const logins = webcache.calls.filter((c) => c === 'login').length;
  assert.equal((await loginAttempt(goodUser, goodPassword, ip)).res.statusCode, 429);
  assert.equal(webcache.calls.filter((c) => c === 'login').length, logins, 'not even tried');
  assert.equal((await loginAttempt(goodUser, goodPassword, '10.2.0.2')).res.statusCode, 303);
});

test('with nothing listening on the webcache socket every mail page says it is restarting', async () => {
  const t = tempDir();
  const config = testConfig(t.dir, {
    webcache: { kind: 'unix', socketPath: join(t.dir, 'nobody-listens.sock') },
  });
  const down = buildWebApp({ config, logger: silentLogger() });
  // A session made the way sign-in makes one, so the pages get as far as asking the webcache.
  const store = openSessionStore(join(config.dataDir, sessionFileName), { idleTimeoutMs: 60_000 });
  const session = store.create({
    user: goodUser,
    domain: 'example.edu',
    cacheSession: 'k'.repeat(43),
    password: goodPassword,
  });
  const cookie = `am_session=${session.token}.${session.key}`;
  try {
    for (const url of ['/f/INBOX', '/f/INBOX/7', '/settings', '/f/INBOX/7/part/2']) {
      const res = await down.inject({ method: 'GET', url, headers: { cookie } });
      assert.equal(res.statusCode, 503, url);
      assert.equal(res.headers['retry-after'], '5', url);
      assert.equal(res.headers['content-type'], 'text/html; charset=utf-8', url);
      assert.match(res.body, /<h1>The mail service is restarting<\/h1>/, url);
      assert.match(res.body, new RegExp(`<a href="${url.replace(/\//g, '\\/')}">Try again</a>`));
      assert.ok(!/ENOENT|nobody-listens|\bat .+:\d+:\d+|Error:/.test(res.body), url);
    }
    const page = await down.inject({ method: 'GET', url: '/login' });
    assert.equal(page.statusCode, 200, 'the sign-in page does not need the webcache');
    const res = await down.inject({
      method: 'POST',
      url: '/login',
      headers: {
        cookie: cookieHeader(page.headers['set-cookie']),
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: new URLSearchParams({
        _csrf: csrfToken(page.body),
        user: goodUser,
        password: goodPassword,
      }).toString(),
    });
    assert.equal(res.statusCode, 503);
    assert.match(res.body, /The mail service is restarting\./);
    assert.match(res.body, /value="alice"/);
  } finally {
    store.close();
    await down.close();
    t.remove();
  }
});
