// Proves the remote image proxy against a real loopback HTTP server: signed URLs from the frame
// return exact bytes with safe headers and none of the reader's headers; every refusal holds.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { silentLogger } from '../../src/base/index.js';
import type { WebcacheClient } from '../../src/protocol/index.js';
import { buildWebApp } from '../../src/web/index.js';
import {
  fetchRemoteImage,
  isPublicAddress,
  remoteImageMaxBytes,
} from '../../src/web/routes/remote-image.js';
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

const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), randomBytes(2000)]);
const svg = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>';

interface Upstream {
  readonly server: Server;
  readonly base: string;
  /** Headers of every request the server received, in order. */
  readonly seen: { url: string; headers: IncomingHttpHeaders }[];
}

/** A loopback server; `other` is where /to-other redirects (a second loopback address). */
async function startUpstream(host: string, other: () => string): Promise<Upstream> {
  const seen: Upstream['seen'] = [];
  const server = createServer((req, res) => {
    const url = req.url ?? '';
    seen.push({ url, headers: req.headers });
    const redirect = (to: string) => res.writeHead(302, { location: to }).end();
    if (url === '/a.png') res.writeHead(200, { 'content-type': 'image/png' }).end(png);
    else if (url === '/b.svg') res.writeHead(200, { 'content-type': 'image/svg+xml' }).end(svg);
    else if (url === '/page.html') res.writeHead(200, { 'content-type': 'text/html' }).end('<p>');
    else if (url === '/exact.png') {
      res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.alloc(remoteImageMaxBytes));
    } else if (url === '/huge.png') {
      // Chunked, no Content-Length: the proxy must stop reading by itself.
      res.writeHead(200, { 'content-type': 'image/png' });
      res.write(Buffer.alloc(remoteImageMaxBytes));
      res.end(Buffer.alloc(1));
    } else if (url === '/r0') redirect('/r1');
    else if (url === '/r1') redirect('/r2');
    else if (url === '/r2') redirect('/r3');
    else if (url === '/r3') redirect('/a.png');
    else if (url === '/to-file') redirect('file:///etc/passwd');
    else if (url === '/to-other') redirect(`${other()}/a.png`);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return { server, base: `http://${host}:${port}`, seen };
}

const paths = ['/a.png', '/b.svg', '/page.html', '/exact.png', '/huge.png', '/r0', '/r1'];
let temp: ReturnType<typeof tempDir>;
let webcache: ScriptedWebcache;
let upstream: Upstream;
let other: Upstream;
let open: FastifyInstance; // remote_fetch_allow_private: yes
let strict: FastifyInstance; // the production default

/** The scripted webcache, with message 7's HTML pointing at the loopback server. */
function clientWithImages(client: WebcacheClient): WebcacheClient {
  return {
    ...client,
    call: async (method, params, timeoutMs) => {
      const result = await client.call(method, params, timeoutMs);
      if (method !== 'getMessage') return result;
      const images = paths.map((p) => `<img src="${upstream.base}${p}">`).join('');
      return { ...result, html: `<p>Hi</p>${images}` };
    },
  };
}

before(async () => {
  temp = tempDir();
  other = await startUpstream('127.0.0.2', () => '');
  upstream = await startUpstream('127.0.0.1', () => other.base);
  const config = testConfig(temp.dir);
  webcache = await startScriptedWebcache(
    config.webcache.kind === 'unix' ? config.webcache.socketPath : '',
  );
  const client = clientWithImages(webcache.client);
  open = buildWebApp({
    config: { ...config, remoteFetchAllowPrivate: true },
    logger: silentLogger(),
    client,
  });
  strict = buildWebApp({ config, logger: silentLogger(), client });
  await Promise.all([open.ready(), strict.ready()]);
});

after(async () => {
  await Promise.all([open.close(), strict.close()]);
  await webcache.close();
  upstream.server.close();
  other.server.close();
  temp.remove();
});

async function signIn(app: FastifyInstance): Promise<string> {
  const form = await app.inject({ method: 'GET', url: '/login' });
  const cookie = cookieHeader(form.headers['set-cookie']);
  const res = await app.inject({
    method: 'POST',
    url: '/login',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({
      _csrf: csrfToken(form.body),
      user: goodUser,
      password: goodPassword,
      domain: 'example.edu',
    }).toString(),
  });
  return cookieHeader(res.headers['set-cookie'], cookie);
}

/** The frame's proxied image URLs, keyed by the path they stand for. */
async function signedUrls(app: FastifyInstance, cookie: string): Promise<Map<string, string>> {
  const res = await app.inject({
    method: 'GET',
    url: '/f/INBOX/7/body?remote=1',
    headers: { cookie },
  });
  assert.equal(res.statusCode, 200);
  const found = new Map<string, string>();
  for (const m of res.body.matchAll(/src="(\/remote-image\?[^"]+)"/g)) {
    const url = (m[1] ?? '').replaceAll('&amp;', '&');
    const target = new URL(url, 'http://x').searchParams.get('u') ?? '';
    found.set(target.replace(upstream.base, ''), url);
  }
  return found;
}

function signed(map: Map<string, string>, path: string): string {
  const url = map.get(path);
  assert.ok(url !== undefined, `no signed URL for ${path}`);
  return url;
}

void test('remote=0 frame requests nothing remote; remote=1 frame points only at the proxy', async () => {
  const cookie = await signIn(open);
  const plain = await open.inject({ method: 'GET', url: '/f/INBOX/7/body', headers: { cookie } });
  assert.equal(plain.body.includes('remote-image'), false);
  assert.equal(plain.body.includes(upstream.base), false);
  const map = await signedUrls(open, cookie);
  assert.deepEqual([...map.keys()].sort(), [...paths].sort());
  const frame = await open.inject({
    method: 'GET',
    url: '/f/INBOX/7/body?remote=1',
    headers: { cookie },
  });
  assert.equal(frame.body.includes(` src="${upstream.base}`), false);
  assert.match(frame.headers['content-security-policy'] as string, /img-src 'self' data:;/);
});

void test('a signed URL returns the exact PNG with safe headers and none of the reader headers', async () => {
  const cookie = await signIn(open);
  const map = await signedUrls(open, cookie);
  const before = upstream.seen.length;
  const res = await open.inject({
    method: 'GET',
    url: signed(map, '/a.png'),
    headers: {
      cookie,
      referer: 'http://127.0.0.1:8080/f/INBOX/7',
      'user-agent': 'ReaderBrowser/1.0 (reader-host)',
      'accept-language': 'de-CH',
    },
  });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.rawPayload, png);
  assert.equal(res.headers['content-type'], 'image/png');
  assert.equal(res.headers['x-content-type-options'], 'nosniff');
  assert.equal(res.headers['content-security-policy'], "default-src 'none'; sandbox");
  assert.equal(res.headers['cache-control'], 'private, max-age=3600');
  assert.equal(upstream.seen.length, before + 1);
  const sent = upstream.seen.at(-1)?.headers ?? {};
  assert.deepEqual(Object.keys(sent).sort(), ['accept', 'connection', 'host', 'user-agent']);
  assert.equal(sent['user-agent'], 'Mozilla/5.0 (compatible; AlphaMail image proxy)');
});

void test('signed URLs hold across a restart of the web tier, and only on its data directory', async () => {
  const cookie = await signIn(open);
  const url = signed(await signedUrls(open, cookie), '/a.png');
  const config = { ...testConfig(temp.dir), remoteFetchAllowPrivate: true };
  // A new process on the same data directory: the session and the signing key are both kept.
  const restarted = buildWebApp({
    config,
    logger: silentLogger(),
    client: clientWithImages(webcache.client),
  });
  const elsewhere = tempDir();
  const other = buildWebApp({
    config: { ...testConfig(elsewhere.dir), remoteFetchAllowPrivate: true },
    logger: silentLogger(),
    client: webcache.client,
  });
  try {
    const res = await restarted.inject({ method: 'GET', url, headers: { cookie } });
    assert.equal(res.statusCode, 200);
    assert.ok(res.rawPayload.equals(png));
    assert.equal(url, signed(await signedUrls(restarted, cookie), '/a.png'), 'the same key');
    const before = upstream.seen.length;
    const refused = await other.inject({
      method: 'GET',
      url,
      headers: { cookie: await signIn(other) },
    });
    assert.equal(refused.statusCode, 403, 'another data directory has another key');
    assert.equal(upstream.seen.length, before);
  } finally {
    await Promise.all([restarted.close(), other.close()]);
    elsewhere.remove();
  }
});

void test('a tampered signature or URL is 403 and fetches nothing', async () => {
  const cookie = await signIn(open);
  const url = new URL(signed(await signedUrls(open, cookie), '/a.png'), 'http://x');
  const sig = url.searchParams.get('s') ?? '';
  const flipped = (sig.startsWith('A') ? 'B' : 'A') + sig.slice(1);
  const before = upstream.seen.length;
  const attempts = [
    `/remote-image?u=${encodeURIComponent(`${upstream.base}/a.png`)}&s=${flipped}`,
    `/remote-image?u=${encodeURIComponent(`${upstream.base}/b.svg`)}&s=${sig}`,
    `/remote-image?u=${encodeURIComponent(`${upstream.base}/a.png`)}`,
    `/remote-image?u=${encodeURIComponent(`${upstream.base}/a.png`)}&s=`,
  ];
  for (const attempt of attempts) {
    const res = await open.inject({ method: 'GET', url: attempt, headers: { cookie } });
    assert.equal(res.statusCode, 403, attempt);
    assert.equal(res.body, '');
  }
  assert.equal(upstream.seen.length, before);
});

void test('SVG, HTML and an over-size body are 502 with no details; exactly the limit passes', async () => {
  const cookie = await signIn(open);
  const map = await signedUrls(open, cookie);
  for (const path of ['/b.svg', '/page.html', '/huge.png']) {
    const res = await open.inject({ method: 'GET', url: signed(map, path), headers: { cookie } });
    assert.equal(res.statusCode, 502, path);
    assert.equal(res.body, '', path);
  }
  const exact = await open.inject({
    method: 'GET',
    url: signed(map, '/exact.png'),
    headers: { cookie },
  });
  assert.equal(exact.statusCode, 200);
  assert.equal(exact.rawPayload.length, remoteImageMaxBytes);
});

void test('three redirects are followed, a fourth is refused', async () => {
  const cookie = await signIn(open);
  const map = await signedUrls(open, cookie);
  const three = await open.inject({ method: 'GET', url: signed(map, '/r1'), headers: { cookie } });
  assert.equal(three.statusCode, 200);
  assert.deepEqual(three.rawPayload, png);
  const four = await open.inject({ method: 'GET', url: signed(map, '/r0'), headers: { cookie } });
  assert.equal(four.statusCode, 502);
});

void test('with the key off, a signed loopback URL is refused before any request', async () => {
  const cookie = await signIn(strict);
  const map = await signedUrls(strict, cookie);
  const before = upstream.seen.length;
  const res = await strict.inject({
    method: 'GET',
    url: signed(map, '/a.png'),
    headers: { cookie },
  });
  assert.equal(res.statusCode, 502);
  assert.equal(upstream.seen.length, before);
});

void test('without a session the route is refused and fetches nothing', async () => {
  const cookie = await signIn(open);
  const url = signed(await signedUrls(open, cookie), '/a.png');
  const before = upstream.seen.length;
  const res = await open.inject({ method: 'GET', url });
  assert.ok(res.statusCode === 401 || res.statusCode === 303, String(res.statusCode));
  assert.notEqual(res.headers['content-type'], 'image/png');
  assert.equal(upstream.seen.length, before);
});

void test('every redirect hop is re-checked: a hop to a refused address is never contacted', async () => {
  // 127.0.0.2 stands for a private address: the policy allows only 127.0.0.1.
  const onlyFirst = { addressAllowed: (a: string) => a === '127.0.0.1' };
  const before = other.seen.length;
  await assert.rejects(fetchRemoteImage(`${upstream.base}/to-other`, onlyFirst));
  assert.equal(other.seen.length, before);
  // Control: with both allowed, the same chain reaches the second server.
  const both = { addressAllowed: (a: string) => a === '127.0.0.1' || a === '127.0.0.2' };
  const image = await fetchRemoteImage(`${upstream.base}/to-other`, both);
  assert.deepEqual(image.body, png);
  assert.equal(other.seen.length, before + 1);
  await assert.rejects(fetchRemoteImage(`${upstream.base}/to-file`, both));
  await assert.rejects(fetchRemoteImage('ftp://127.0.0.1/a.png', both));
  await assert.rejects(fetchRemoteImage(`http://u:p@${upstream.base.slice(7)}/a.png`, both));
});

void test('non-public addresses are recognised, v4 and v6', () => {
  const refused = [
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::',
    '::1',
    'fe80::1',
    'fc00::1',
    'fd12:3456::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.0.0.1',
    'not-an-address',
  ];
  const allowed = ['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700::1111', '2001:4860::8888'];
  assert.deepEqual(refused.filter(isPublicAddress), []);
  assert.deepEqual(
    allowed.filter((a) => !isPublicAddress(a)),
    [],
  );
});
