// Proves the web tier's pages over fastify inject against a scripted webcache end of the real
// protocol: sign-in, the index and message pages, downloads, settings, sign-out, and transparent
// recovery when the webcache forgets a session.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { silentLogger } from '../../src/base/index.js';
import { buildWebApp } from '../../src/web/index.js';
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

let temp: ReturnType<typeof tempDir>;
let webcache: ScriptedWebcache;
let app: FastifyInstance;

before(async () => {
  temp = tempDir();
  const config = testConfig(temp.dir);
  webcache = await startScriptedWebcache(
    config.webcache.kind === 'unix' ? config.webcache.socketPath : '',
  );
  app = buildWebApp({ config, logger: silentLogger(), client: webcache.client });
  await app.ready();
});

after(async () => {
  await app.close();
  await webcache.close();
  temp.remove();
});

async function signIn(
  user = goodUser,
  password = goodPassword,
  extra: Record<string, string> = {},
): Promise<{ status: number; location: string | undefined; cookie: string; body: string }> {
  const form = await app.inject({ method: 'GET', url: '/login' });
  const cookie = cookieHeader(form.headers['set-cookie']);
  const res = await app.inject({
    method: 'POST',
    url: '/login',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({
      _csrf: csrfToken(form.body),
      user,
      password,
      domain: 'example.edu',
      ...extra,
    }).toString(),
  });
  return {
    status: res.statusCode,
    location: res.headers.location,
    cookie: cookieHeader(res.headers['set-cookie'], cookie),
    body: res.body,
  };
}

function get(url: string, cookie: string) {
  return app.inject({ method: 'GET', url, headers: { cookie } });
}

function post(url: string, cookie: string, form: Record<string, string>) {
  return app.inject({
    method: 'POST',
    url,
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(form).toString(),
  });
}

function count(text: string, pattern: RegExp): number {
  return [...text.matchAll(new RegExp(pattern.source, 'g'))].length;
}

test('GET / sends a signed-out browser to the sign-in page', async () => {
  const res = await app.inject({ method: 'GET', url: '/' });
  assert.equal(res.statusCode, 303);
  assert.equal(res.headers.location, '/login');
});

test('the sign-in page has labelled fields, one domain as a hidden input, and a CSRF cookie', async () => {
  const res = await app.inject({ method: 'GET', url: '/login' });
  assert.equal(res.statusCode, 200);
  assert.match(res.body, /<label for="user">User name<\/label>/);
  assert.match(res.body, /<label for="password">Password<\/label>/);
  assert.match(res.body, /<input type="hidden" name="domain" value="example.edu"/);
  assert.match(res.body, /<title>Sign in — AlphaMail<\/title>/);
  const cookie = cookieHeader(res.headers['set-cookie']);
  assert.equal(cookie, `am_login_csrf=${csrfToken(res.body)}`);
});

test('signing in sets an HttpOnly SameSite=Lax session cookie and redirects to the inbox', async () => {
  const form = await app.inject({ method: 'GET', url: '/login' });
  const res = await post('/login', cookieHeader(form.headers['set-cookie']), {
    _csrf: csrfToken(form.body),
    user: goodUser,
    password: goodPassword,
    domain: 'example.edu',
  });
  assert.equal(res.statusCode, 303);
  assert.equal(res.headers.location, '/f/INBOX');
  const lines = [res.headers['set-cookie'] ?? []].flat();
  const session = lines.find((l) => l.startsWith('am_session='));
  assert.ok(session);
  assert.match(
    session,
    /^am_session=[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax$/,
  );
  assert.ok(!session.includes('Secure'), 'http public URL: no Secure flag');
});

test('a wrong password keeps the user name, says only that the pair is wrong, and leaks nothing', async () => {
  const s = await signIn(goodUser, 'wrong password');
  assert.equal(s.status, 401);
  assert.match(s.body, /The user name or password is not correct\./);
  assert.match(s.body, /value="alice"/);
  assert.match(
    s.body,
    /class="error-summary" role="alert" tabindex="-1" id="error-summary" autofocus/,
  );
  assert.ok(!s.body.includes('AUTHENTICATIONFAILED'));
  assert.ok(!s.body.includes('wrong password'));
  assert.match(s.body, /<title>Error: Sign in — AlphaMail<\/title>/);
});

test('an unreachable IMAP server gives its own message, not the wrong-password one', async () => {
  const s = await signIn('far-away', 'x');
  assert.equal(s.status, 503);
  assert.match(s.body, /The mail server cannot be reached right now/);
  assert.ok(!s.body.includes('ECONNREFUSED'));
});

test('an unknown mail domain is refused with AM_DOMAIN_UNKNOWN', async () => {
  const s = await signIn(goodUser, goodPassword, { domain: 'elsewhere.example' });
  assert.equal(s.status, 400);
  assert.match(s.body, /That mail domain is not served here\./);
});

test('return-to after sign-in follows same-site paths only', async () => {
  const local = await signIn(goodUser, goodPassword, { next: '/f/Work?sort=from' });
  assert.equal(local.location, '/f/Work?sort=from');
  for (const next of [
    '//evil.example/x',
    'https://evil.example/',
    '/\\evil.example',
    'javascript:alert(1)',
  ]) {
    const s = await signIn(goodUser, goodPassword, { next });
    assert.equal(s.location, '/f/INBOX', next);
  }
});

test('the index page: unique title, one h1, table with caption, sortable headers and paging', async () => {
  const { cookie } = await signIn();
  const res = await get('/f/INBOX?page=1', cookie);
  assert.equal(res.statusCode, 200);
  assert.match(res.body, /<title>Inbox, 2 unread, page 1 of 3 — AlphaMail<\/title>/);
  assert.equal(count(res.body, /<h1[ >]/), 1);
  assert.equal(res.headers['cache-control'], 'no-store');
  assert.match(res.body, /<p class="page-of">Page 1 of 3<\/p>/);
  assert.match(
    res.body,
    /href="\/f\/INBOX\?sort=date&amp;order=desc&amp;page=2"\s+rel="next">Next page</,
  );
  assert.match(res.body, /<nav class="folders" aria-label="Folders">/);
  assert.match(res.body, /<a href="\/f\/INBOX"\s+aria-current="page"/);
  assert.match(res.body, /<main id="main" tabindex="-1">/);
});

test('a nested folder path round-trips through its encoded URL', async () => {
  const { cookie } = await signIn();
  const res = await get('/f/Work%2FProjects', cookie);
  assert.equal(res.statusCode, 200);
  assert.match(res.body, /<h1>Projects<\/h1>/);
  assert.match(res.body, /This folder is empty\./);
  assert.match(res.body, /<a href="\/f\/Work%2FProjects"\s+aria-current="page"/);
});

test('a wrong sort value is an error page, not a silent default', async () => {
  const { cookie } = await signIn();
  const res = await get('/f/INBOX?sort=colour', cookie);
  assert.equal(res.statusCode, 400);
  assert.match(res.body, /The request was not understood\./);
});

test('the message page marks read, escapes the subject and frames the HTML body', async () => {
  const { cookie } = await signIn();
  const before = webcache.getMessageCalls.length;
  const res = await get('/f/INBOX/7?sort=date&order=desc', cookie);
  assert.equal(res.statusCode, 200);
  assert.deepEqual(webcache.getMessageCalls.slice(before), [{ markRead: true }]);
  assert.match(
    res.body,
    /<h1 id="message-subject">&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt; &amp; more<\/h1>/,
  );
  assert.ok(!res.body.includes('<script>alert'));
  assert.match(res.body, /sandbox="allow-same-origin allow-popups allow-popups-to-escape-sandbox"/);
  assert.ok(!res.body.includes('allow-scripts'));
  assert.match(res.body, /src="\/f\/INBOX\/7\/body"/);
  assert.match(res.body, /Remote images were blocked to protect your privacy\./);
  assert.match(res.body, /href="\/f\/INBOX\/7\?sort=date&amp;order=desc&amp;remote=1"/);
  assert.match(
    res.body,
    /<a href="\/f\/INBOX\/5\?sort=date&amp;order=desc" rel="next" data-shortcut="j"\s*>Next message<\/a/,
  );
  assert.match(res.body, /<a href="\/f\/INBOX\/7\/source">View source<\/a>/);
  assert.match(
    res.body,
    /<a href="\/f\/INBOX\/7\/part\/3" download>résumé &quot;final&quot;.html<\/a>/,
  );
  assert.match(res.body, /<dt>From<\/dt>\s*<dd>Mallory &lt;mallory@example.net&gt;<\/dd>/);
});

test('a plain-text message is linkified inside a pre-wrapped block', async () => {
  const { cookie } = await signIn();
  const res = await get('/f/INBOX/5', cookie);
  assert.equal(res.statusCode, 200);
  assert.match(
    res.body,
    /<pre class="message-text">See <a href="https:\/\/example.org\/x" target="_blank" rel="noopener noreferrer">https:\/\/example.org\/x<\/a>\n<blockquote>quoted &lt;b&gt;<\/blockquote><\/pre>/,
  );
  assert.ok(!res.body.includes('<iframe'));
});

test('the frame document is sanitised mail only, under its own CSP, with cid images resolved', async () => {
  const { cookie } = await signIn();
  const before = webcache.getMessageCalls.length;
  const res = await get('/f/INBOX/7/body', cookie);
  assert.equal(res.statusCode, 200);
  assert.deepEqual(webcache.getMessageCalls.slice(before), [{ markRead: false }]);
  assert.equal(
    res.headers['content-security-policy'],
    "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; font-src data:; frame-ancestors 'self'; base-uri 'none'; form-action 'none'",
  );
  assert.equal(res.headers['x-frame-options'], 'SAMEORIGIN');
  assert.ok(!/<script|onclick|tracker\.example/.test(res.body), res.body);
  assert.match(res.body, /<img src="\/f\/INBOX\/7\/part\/2\?inline=1"/);
});

test('a missing message shows the catalogue message with 404', async () => {
  const { cookie } = await signIn();
  const res = await get('/f/INBOX/9', cookie);
  assert.equal(res.statusCode, 404);
  assert.match(res.body, /That message does not exist any more\./);
  assert.ok(!res.body.includes('UID 9 gone'), 'the webcache wording stays in the log');
});

test('a renderable attachment downloads as octet-stream with an RFC 6266 file name', async () => {
  const { cookie } = await signIn();
  const res = await get('/f/INBOX/7/part/3?inline=1', cookie);
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['content-type'], 'application/octet-stream');
  assert.equal(
    res.headers['content-disposition'],
    `attachment; filename="r_sum_ _final_.html"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22final%22.html`,
  );
  assert.equal(res.headers['content-security-policy'], 'sandbox');
  assert.equal(res.headers['x-content-type-options'], 'nosniff');
  assert.equal(res.body, '<html>part 3</html>');
});

test('an inline PNG may show inline when asked', async () => {
  const { cookie } = await signIn();
  const res = await get('/f/INBOX/7/part/2?inline=1', cookie);
  assert.equal(res.headers['content-type'], 'image/png');
  assert.match(String(res.headers['content-disposition']), /^inline; filename="logo.png"/);
});

test('the source is plain UTF-8 text under a sandbox CSP', async () => {
  const { cookie } = await signIn();
  const res = await get('/f/INBOX/7/source', cookie);
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['content-type'], 'text/plain; charset=utf-8');
  assert.equal(res.headers['content-security-policy'], 'sandbox');
  assert.equal(res.body, 'Subject: <b>hi</b>\r\n\r\nbody\r\n');
});

test('a webcache that forgot the session is signed in again transparently, once', async () => {
  const { cookie } = await signIn();
  webcache.forgetSessions();
  const logins = webcache.calls.filter((c) => c === 'login').length;
  const res = await get('/f/INBOX', cookie);
  assert.equal(res.statusCode, 200);
  assert.equal(webcache.calls.filter((c) => c === 'login').length, logins + 1);
  const again = await get('/f/INBOX/7', cookie);
  assert.equal(again.statusCode, 200);
  assert.equal(webcache.calls.filter((c) => c === 'login').length, logins + 1);
});

test('a password changed elsewhere ends the web session and asks to sign in again', async () => {
  const { cookie } = await signIn();
  webcache.forgetSessions();
  webcache.setPassword('new password');
  try {
    const res = await get('/f/INBOX', cookie);
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/login?next=%2Ff%2FINBOX&ended=1');
    const next = await get('/f/INBOX', cookie);
    assert.equal(next.headers.location, '/login?next=%2Ff%2FINBOX', 'the session row is gone');
  } finally {
    webcache.setPassword(goodPassword);
  }
});

test('signing in again changes the session id: the old cookie stops working', async () => {
  const first = await signIn();
  const form = await get('/login', first.cookie);
  assert.equal(form.statusCode, 303, 'signed in: /login redirects');
  const form2 = await app.inject({ method: 'GET', url: '/login' });
  const loginCookie = cookieHeader(form2.headers['set-cookie'], first.cookie);
  const res = await post('/login', loginCookie, {
    _csrf: csrfToken(form2.body),
    user: goodUser,
    password: goodPassword,
  });
  assert.equal(res.statusCode, 303);
  const second = cookieHeader(res.headers['set-cookie'], loginCookie);
  assert.notEqual(second, first.cookie);
  assert.equal((await get('/f/INBOX', first.cookie)).statusCode, 303);
  assert.equal((await get('/f/INBOX', second)).statusCode, 200);
});

test('settings: an out-of-range page size is shown as an error; a good one is stored', async () => {
  const { cookie } = await signIn();
  const page = await get('/settings', cookie);
  assert.equal(page.statusCode, 200);
  const csrf = csrfToken(page.body);
  const bad = await post('/settings', cookie, {
    _csrf: csrf,
    pageSize: '1000',
    sort: 'date',
    order: 'desc',
  });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /Enter a number of messages per page from 5 to 500\./);
  assert.match(bad.body, /aria-invalid="true"/);
  const good = await post('/settings', cookie, {
    _csrf: csrf,
    pageSize: '20',
    sort: 'from',
    order: 'asc',
  });
  assert.equal(good.statusCode, 303);
  assert.equal(good.headers.location, '/settings?saved=1');
  const saved = await get('/settings?saved=1', cookie);
  assert.match(saved.body, /value="20"/);
  assert.match(saved.body, /<option value="from"\s+selected>Sender<\/option>/);
  assert.match(saved.body, /Settings saved\./);
  const index = await get('/f/INBOX', cookie);
  assert.match(
    index.body,
    /aria-sort="ascending">\s*<a href="\/f\/INBOX\?sort=from&amp;order=desc&amp;page=1">From/,
  );
});

test('the page-size form returns to the folder on its first page', async () => {
  const { cookie } = await signIn();
  const page = await get('/f/INBOX?page=2', cookie);
  const res = await post('/settings/page-size', cookie, {
    _csrf: csrfToken(page.body),
    pageSize: '25',
    next: '/f/INBOX?sort=date&order=desc&page=2',
  });
  assert.equal(res.statusCode, 303);
  assert.equal(res.headers.location, '/f/INBOX?sort=date&order=desc&saved=1');
});

test('signing out ends the web session and the webcache session', async () => {
  const { cookie } = await signIn();
  const page = await get('/f/INBOX', cookie);
  const logouts = webcache.calls.filter((c) => c === 'logout').length;
  const res = await post('/logout', cookie, { _csrf: csrfToken(page.body) });
  assert.equal(res.statusCode, 303);
  assert.equal(res.headers.location, '/login?signedOut=1');
  assert.equal(webcache.calls.filter((c) => c === 'logout').length, logouts + 1);
  assert.match(
    String(res.headers['set-cookie']),
    /^am_session=; Path=\/; HttpOnly; SameSite=Lax; Max-Age=0/,
  );
  assert.equal((await get('/', cookie)).headers.location, '/login');
});

test('an unknown page is a 404 page with the usual headers', async () => {
  const res = await app.inject({ method: 'GET', url: '/no/such/page' });
  assert.equal(res.statusCode, 404);
  assert.match(res.body, /<h1>Page not found<\/h1>/);
  assert.equal(res.headers['x-content-type-options'], 'nosniff');
});

test('assets are served with their own type and a long cache', async () => {
  const page = await app.inject({ method: 'GET', url: '/login' });
  const css = /href="(\/assets\/app\.css\?v=[0-9a-f]{12})"/.exec(page.body)?.[1];
  assert.ok(css);
  const res = await app.inject({ method: 'GET', url: css });
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['content-type'], 'text/css; charset=utf-8');
  assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable');
  assert.equal((await app.inject({ method: 'GET', url: '/assets/..%2Fapp.ts' })).statusCode, 404);
});
