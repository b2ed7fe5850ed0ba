// Proves the web tier's defences against the real processes and a real Dovecot: session ids
// renewed at sign-in (fixation), cookie flags, sign-in limits per account and per client address
// (distinct loopback source addresses), headers, attachments that cannot render in our origin,
// return URLs that stay on site, and error pages without stack traces or paths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest, createServer, type IncomingHttpHeaders } from 'node:http';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startAlphaMail, type AlphaMailProcesses } from '../harness/alphamail.js';
import { startTestDovecot, testUser } from '../harness/dovecot.js';
import { FormClient, csrfToken } from '../harness/http-client.js';
import { base64Lines, rawMail, seedRawMessages } from '../harness/raw-mail.js';
import { maxLoginFailures } from '../../src/web/rate-limit.js';

const domain = 'demo.test';
const other = { name: 'other', password: 'other-password' };
const hostileHtml = '<script>parent.document.title="owned"</script><b>html attachment</b>';
const hostileSvg =
  '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><circle r="4"/></svg>';

function attachmentsMail(): Buffer {
  const b = '=_sec_boundary';
  return rawMail({
    from: 'Sender <sender@example.org>',
    to: `${testUser.name}@${domain}`,
    subject: 'Two hostile attachments',
    contentType: `multipart/mixed; boundary="${b}"`,
    body: [
      `--${b}`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      'See the attachments.',
      `--${b}`,
      'Content-Type: text/html; charset=utf-8; name="page.html"',
      'Content-Disposition: attachment; filename="page.html"',
      'Content-Transfer-Encoding: base64',
      '',
      base64Lines(hostileHtml),
      `--${b}`,
      'Content-Type: image/svg+xml; name="pic.svg"',
      'Content-Disposition: attachment; filename="pic.svg"',
      'Content-Transfer-Encoding: base64',
      '',
      base64Lines(hostileSvg),
      `--${b}--`,
      '',
    ].join('\r\n'),
  });
}

interface RawReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One HTTP exchange from a chosen loopback source address (the rate limiter's client key). */
function send(
  url: string,
  opts: { method?: string; from?: string; cookie?: string; form?: Record<string, string> },
): Promise<RawReply> {
  const body = opts.form ? new URLSearchParams(opts.form).toString() : undefined;
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: opts.method ?? (body === undefined ? 'GET' : 'POST'),
        localAddress: opts.from ?? '127.0.0.1',
        headers: {
          ...(opts.cookie ? { cookie: opts.cookie } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function cookiePairs(setCookie: string[] | undefined, jar = new Map<string, string>()) {
  for (const line of setCookie ?? []) {
    const pair = line.split(';')[0] ?? '';
    const eq = pair.indexOf('=');
    if (eq > 0) jar.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  return jar;
}

const jarHeader = (jar: Map<string, string>) => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');

/** GET /login then POST it from `from`; returns the POST's reply and the cookie jar. */
async function signInFrom(
  app: AlphaMailProcesses,
  user: string,
  password: string,
  from: string,
  extra: { jar?: Map<string, string>; next?: string } = {},
) {
  const jar = extra.jar ?? new Map<string, string>();
  const page = await send(`${app.url}/login`, { from, cookie: jarHeader(jar) });
  cookiePairs(page.headers['set-cookie'], jar);
  const form: Record<string, string> = { _csrf: csrfToken(page.body), user, password, domain };
  if (extra.next !== undefined) form.next = extra.next;
  const res = await send(`${app.url}/login`, { from, cookie: jarHeader(jar), form });
  cookiePairs(res.headers['set-cookie'], jar);
  return { res, jar };
}

function sessionCookieLine(headers: IncomingHttpHeaders): string {
  const line = (headers['set-cookie'] ?? []).find((l) => l.startsWith('am_session='));
  assert.ok(line, 'a session cookie was set');
  return line;
}

/** A stack frame ("at fn (file:line:col)") or an absolute path of ours in a page. */
const leakPattern = /\bat [^\n]*:\d+:\d+|\/work\/|\/tmp\/|node_modules|dist\/|\.[jt]s:\d+|Error:/;

void test('web security against the real processes', { timeout: 240_000 }, async (t) => {
  const dovecot = await startTestDovecot({ users: [testUser, other], messages: [] });
  t.after(() => dovecot.stop());
  await seedRawMessages(dovecot, testUser.name, [attachmentsMail()]);
  const imapServers = `${domain}=127.0.0.1:${dovecot.dovecot.port}[/] insecure`;
  const app = await startAlphaMail({ imapServers });
  t.after(() => app.stop());
  const origin = new URL(app.url).origin;

  await t.test('the session id changes at sign-in, also over a planted cookie', async () => {
    const planted = `am_session=${'A'.repeat(43)}.${'B'.repeat(43)}`;
    const jar = cookiePairs([planted]);
    const first = await signInFrom(app, testUser.name, testUser.password, '127.0.0.1', { jar });
    assert.equal(first.res.status, 303);
    const line = sessionCookieLine(first.res.headers);
    assert.ok(!line.startsWith(planted), 'the planted id was not adopted');
    const firstValue = jar.get('am_session');
    assert.ok(firstValue);
    // A live session cookie sent along with a new sign-in (someone else's, planted): the
    // sign-in gets a new id and the old session is ended.
    const form = await send(`${app.url}/login`, {});
    const fresh = cookiePairs(form.headers['set-cookie']);
    const res = await send(`${app.url}/login`, {
      cookie: `am_session=${firstValue}; am_login_csrf=${fresh.get('am_login_csrf') ?? ''}`,
      form: { _csrf: csrfToken(form.body), user: other.name, password: other.password, domain },
    });
    assert.equal(res.status, 303);
    const second = cookiePairs(res.headers['set-cookie']).get('am_session');
    assert.ok(second && second !== firstValue, 'a new session id');
    const old = await send(`${app.url}/f/INBOX`, { cookie: `am_session=${firstValue}` });
    assert.equal(old.status, 303, 'the old session is gone');
    assert.match(String(old.headers.location), /^\/login/);
    const now = await send(`${app.url}/f/INBOX`, { cookie: `am_session=${second}` });
    assert.equal(now.status, 200);
  });

  await t.test('cookies are HttpOnly and SameSite; not Secure over plain http', async () => {
    const { res } = await signInFrom(app, testUser.name, testUser.password, '127.0.0.1');
    const line = sessionCookieLine(res.headers);
    assert.match(line, /; HttpOnly/);
    assert.match(line, /; SameSite=(?:Lax|Strict)/);
    assert.doesNotMatch(line, /; Secure/);
    for (const l of res.headers['set-cookie'] ?? []) assert.match(l, /; HttpOnly/, l);
    assert.equal(res.headers['strict-transport-security'], undefined);
  });

  await t.test(
    'headers: CSP without inline script, frame-ancestors, nosniff, referrer',
    async () => {
      const { jar } = await signInFrom(app, testUser.name, testUser.password, '127.0.0.1');
      for (const path of ['/login', '/f/INBOX', '/f/INBOX/1', '/settings', '/no-such-page']) {
        const res = await send(`${app.url}${path}`, { cookie: jarHeader(jar) });
        const csp = String(res.headers['content-security-policy']);
        const script = /(?:^|;\s*)script-src ([^;]*)/.exec(csp)?.[1] ?? '';
        assert.equal(script, "'self'", `${path}: script-src`);
        assert.match(csp, /frame-ancestors 'none'/, path);
        assert.equal(res.headers['x-content-type-options'], 'nosniff', path);
        assert.equal(res.headers['referrer-policy'], 'no-referrer', path);
      }
      const frame = await send(`${app.url}/f/INBOX/1/body`, { cookie: jarHeader(jar) });
      const frameCsp = String(frame.headers['content-security-policy']);
      assert.match(frameCsp, /default-src 'none'/);
      assert.doesNotMatch(frameCsp, /script-src/);
      assert.match(frameCsp, /frame-ancestors 'self'/);
    },
  );

  await t.test('HTML and SVG attachments can never render in our origin', async () => {
    const { jar } = await signInFrom(app, testUser.name, testUser.password, '127.0.0.1');
    const page = await send(`${app.url}/f/INBOX/1`, { cookie: jarHeader(jar) });
    const parts = [...page.body.matchAll(/href="(\/f\/INBOX\/1\/part\/[\d.]+)"/g)].map((m) => m[1]);
    assert.deepEqual(parts.length, 2, 'both attachments are listed');
    for (const part of parts) {
      for (const suffix of ['', '?inline=1']) {
        const res = await send(`${app.url}${part}${suffix}`, { cookie: jarHeader(jar) });
        assert.equal(res.status, 200, `${part}${suffix}`);
        assert.match(String(res.headers['content-disposition']), /^attachment;/);
        assert.equal(res.headers['x-content-type-options'], 'nosniff');
        assert.equal(res.headers['content-type'], 'application/octet-stream');
        assert.match(String(res.headers['content-security-policy']), /sandbox/);
        assert.ok([hostileHtml, hostileSvg].includes(res.body), 'the bytes are unchanged');
      }
    }
    const source = await send(`${app.url}/f/INBOX/1/source`, { cookie: jarHeader(jar) });
    assert.match(String(source.headers['content-type']), /^text\/plain/);
    assert.match(String(source.headers['content-security-policy']), /sandbox/);
  });

  await t.test('return URLs never leave the site', async () => {
    const evil = [
      '//evil.test/',
      '/\\evil.test/',
      '\\\\evil.test/',
      '/\t/evil.test/',
      'https://evil.test/',
      'http:evil.test',
      '///evil.test/',
      '%2F%2Fevil.test',
      '/%2F/evil.test',
      '/%5Cevil.test',
      ' //evil.test',
      'javascript:alert(1)',
      '//evil.test%2F@127.0.0.1/',
    ];
    const { jar } = await signInFrom(app, testUser.name, testUser.password, '127.0.0.1');
    const stays = (location: string | undefined, what: string) => {
      assert.ok(location, `${what}: a redirect`);
      assert.ok(location.startsWith('/') && !/^\/[/\\]/.test(location), `${what}: ${location}`);
      assert.equal(new URL(location, app.url).origin, origin, what);
    };
    for (const next of evil) {
      const query = `next=${encodeURIComponent(next)}`;
      const signedIn = await send(`${app.url}/login?${query}`, { cookie: jarHeader(jar) });
      assert.equal(signedIn.status, 303, next);
      stays(signedIn.headers.location, `GET /login ${next}`);
      // The raw, unencoded form too: the server's own query decoding must not help.
      const rawQuery = await send(`${app.url}/login?next=${next.replace(/[\s#]/g, '')}`, {
        cookie: jarHeader(jar),
      });
      stays(rawQuery.headers.location, `raw ${next}`);
    }
    for (const next of evil.slice(0, 5)) {
      const { res } = await signInFrom(app, testUser.name, testUser.password, '127.0.0.1', {
        next,
      });
      assert.equal(res.status, 303, next);
      stays(res.headers.location, `POST /login ${next}`);
    }
  });

  await t.test('sign-in is limited per account, from any address', async () => {
    // Each failure from its own loopback address, so only the account's count can trip.
    const failures = await Promise.all(
      Array.from({ length: maxLoginFailures }, (_, i) =>
        signInFrom(app, testUser.name, 'wrong-password', `127.0.1.${i + 1}`),
      ),
    );
    assert.deepEqual(
      failures.map((f) => f.res.status),
      Array.from({ length: maxLoginFailures }, () => 401),
    );
    const right = await signInFrom(app, testUser.name, testUser.password, '127.0.2.1');
    assert.equal(right.res.status, 429, 'even the right password waits');
    assert.match(right.res.body, /Too many sign-in attempts\./);
    assert.ok(Number(right.res.headers['retry-after']) > 0);
    const otherUser = await signInFrom(app, other.name, other.password, '127.0.2.1');
    assert.equal(otherUser.res.status, 303, 'another account from that address is fine');
  });

  await t.test('sign-in is limited per client address, whatever the account', async () => {
    const from = '127.0.3.1';
    await Promise.all(
      Array.from({ length: maxLoginFailures }, (_, i) =>
        signInFrom(app, `nobody${i}`, 'wrong-password', from),
      ),
    );
    const blocked = await signInFrom(app, other.name, other.password, from);
    assert.equal(blocked.res.status, 429);
    assert.match(blocked.res.body, /Too many sign-in attempts\./);
    const elsewhere = await signInFrom(app, other.name, other.password, '127.0.3.2');
    assert.equal(elsewhere.res.status, 303, 'the account itself is not locked');
  });

  await t.test('error pages show no stack trace or internal path', async () => {
    const client = new FormClient(app.url);
    const login = await client.get('/login');
    await client.post('/login', {
      _csrf: csrfToken(login.body),
      user: other.name,
      password: other.password,
      domain,
    });
    const badUrl = await client.get('/f/%E0%A4%A/1');
    assert.ok(badUrl.status >= 400 && badUrl.status < 500, `bad URL: ${badUrl.status}`);
    assert.doesNotMatch(badUrl.body, leakPattern);
    // A webcache that answers garbage (with a stack trace and a path in it) forces an
    // internal error in the web tier.
    await app.killWebcache();
    const socket = join(app.dataDir, 'webcache.sock');
    rmSync(socket, { force: true });
    const liar = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('Error: boom\n    at secret (/srv/alphamail/secret-file.js:12:3)\n');
    });
    await new Promise<void>((resolve) => liar.listen(socket, resolve));
    try {
      const res = await client.get('/f/INBOX');
      assert.equal(res.status, 500);
      assert.match(res.body, /<h1>/);
      assert.doesNotMatch(res.body, leakPattern);
      assert.doesNotMatch(res.body, /secret-file|boom/);
    } finally {
      await new Promise<void>((resolve) => liar.close(() => resolve()));
      rmSync(socket, { force: true });
    }
    await app.startWebcache();
  });
});

void test(
  'behind TLS (https public_url): Secure cookies and HSTS',
  { timeout: 60_000 },
  async (t) => {
    const dovecot = await startTestDovecot({ messages: [] });
    t.after(() => dovecot.stop());
    const app = await startAlphaMail({
      imapServers: `${domain}=127.0.0.1:${dovecot.dovecot.port}[/] insecure`,
      extraConfig: { public_url: 'https://mail.example.test' },
    });
    t.after(() => app.stop());
    const { res } = await signInFrom(app, testUser.name, testUser.password, '127.0.0.1');
    assert.equal(res.status, 303);
    for (const line of res.headers['set-cookie'] ?? []) assert.match(line, /; Secure/, line);
    assert.match(sessionCookieLine(res.headers), /; HttpOnly.*; Secure|; Secure.*; HttpOnly/);
    assert.match(String(res.headers['strict-transport-security']), /^max-age=\d{7,}/);
  },
);
