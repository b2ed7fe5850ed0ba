// Proves trusted_proxies: the sign-in rate limit keys on X-Forwarded-For only when the peer is a
// trusted proxy; from any other peer (or with no proxy trusted) the header is ignored.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { defaultOpsConfig } from '../../src/config/index.js';
import { silentLogger } from '../../src/base/index.js';
import { buildWebApp } from '../../src/web/index.js';
import { maxLoginFailures } from '../../src/web/rate-limit.js';
import { csrfToken } from '../harness/http-client.js';
import { cookieHeader, startScriptedWebcache, tempDir, testConfig } from './web-fixtures.js';

const proxy = '127.0.0.1';
const temp = tempDir();
const webcache = await startScriptedWebcache(join(temp.dir, 'webcache.sock'));
after(async () => {
  await webcache.close();
  temp.remove();
});

function appTrusting(trustedProxies: string[]): FastifyInstance {
  return buildWebApp({
    config: testConfig(temp.dir, { ops: { ...defaultOpsConfig, trustedProxies } }),
    logger: silentLogger(),
    client: webcache.client,
  });
}

let attempt = 0;
/** A failed sign-in for a fresh user name (so only the address can be limited): its status. */
async function failedSignIn(
  app: FastifyInstance,
  peer: string,
  forwardedFor: string,
): Promise<number> {
  attempt += 1;
  const headers = { 'x-forwarded-for': forwardedFor };
  const page = await app.inject({ method: 'GET', url: '/login', remoteAddress: peer, headers });
  const cookie = cookieHeader(page.headers['set-cookie']);
  const res = await app.inject({
    method: 'POST',
    url: '/login',
    remoteAddress: peer,
    headers: { ...headers, cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({
      _csrf: csrfToken(page.body),
      user: `someone${attempt}`,
      password: 'wrong',
    }).toString(),
  });
  return res.statusCode;
}

void test('behind a trusted proxy each forwarded client address is limited on its own', async () => {
  const app = appTrusting([proxy]);
  for (let i = 0; i < maxLoginFailures; i++) {
    assert.equal(await failedSignIn(app, proxy, '127.0.0.2'), 401, `attempt ${i + 1}`);
  }
  assert.equal(await failedSignIn(app, proxy, '127.0.0.2'), 429, 'that client is limited');
  // Another client through the same proxy is not: the key is the forwarded address.
  assert.equal(await failedSignIn(app, proxy, '127.0.0.3'), 401);
  // A client that forges a chain: the address the proxy saw (the last hop) counts.
  assert.equal(await failedSignIn(app, proxy, '127.0.0.3, 127.0.0.2'), 429);
  await app.close();
});

void test('from a peer that is not trusted, X-Forwarded-For is ignored', async () => {
  const app = appTrusting([proxy]);
  const peer = '127.0.0.9';
  for (let i = 0; i < maxLoginFailures; i++) {
    // A different forwarded address each time does not escape the limit of the real peer.
    assert.equal(await failedSignIn(app, peer, `127.0.1.${i}`), 401, `attempt ${i + 1}`);
  }
  assert.equal(await failedSignIn(app, peer, '127.0.2.1'), 429);
  await app.close();
});

void test('with no proxy trusted (the default) even loopback cannot forward an address', async () => {
  const app = appTrusting([]);
  for (let i = 0; i < maxLoginFailures; i++) {
    assert.equal(await failedSignIn(app, proxy, `127.0.3.${i}`), 401, `attempt ${i + 1}`);
  }
  assert.equal(await failedSignIn(app, proxy, '127.0.4.1'), 429);
  await app.close();
});
