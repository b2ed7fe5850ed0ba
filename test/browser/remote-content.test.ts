// Proves remote content end to end in Chromium: a tracking pixel causes no request while blocked;
// "Load remote images" and a per-sender "Always load from" fetch only through AlphaMail's proxy,
// seen at a loopback "remote" server that only the proxy (never the browser) can reach.
/// <reference lib="dom" />
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { startAlphaMail } from '../harness/alphamail.js';
import { startBrowser } from '../harness/browser.js';
import { startTestDovecot, testUser } from '../harness/dovecot.js';
import { watchContext } from '../harness/hostile-checks.js';
import { rawMail, seedRawMessages } from '../harness/raw-mail.js';

const domain = 'demo.test';
/** From a click to the proxy's request arriving at the remote server. */
const fetchBudgetMs = 10_000;
/** The remote-image route's neutral User-Agent: what the sender sees instead of the reader. */
const proxyUserAgent = 'Mozilla/5.0 (compatible; AlphaMail image proxy)';
/** A 1×1 transparent GIF: the classic tracking pixel. */
const pixelGif = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

interface Hit {
  url: string;
  headers: IncomingHttpHeaders;
}

async function startRemote(): Promise<{ server: Server; origin: string; hits: Hit[] }> {
  const hits: Hit[] = [];
  const server = createServer((req, res) => {
    hits.push({ url: req.url ?? '', headers: req.headers });
    res.writeHead(200, { 'content-type': 'image/gif', 'content-length': pixelGif.length });
    res.end(pixelGif);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, origin: `http://127.0.0.1:${port}`, hits };
}

function trackerMail(origin: string, sender: string, n: number): Buffer {
  return rawMail({
    from: `Newsletter <${sender}>`,
    to: `${testUser.name}@${domain}`,
    subject: `Newsletter ${n}`,
    contentType: 'text/html; charset=utf-8',
    body: [
      `<p>Issue ${n}.</p>`,
      `<img src="${origin}/pixel.gif?m=${n}" width="1" height="1" alt="">`,
      `<div style="background-image: url(${origin}/bg.gif?m=${n})">Styled</div>`,
    ].join('\r\n'),
  });
}

async function waitForHits(hits: Hit[], n: number, want: number): Promise<Hit[]> {
  const deadline = Date.now() + fetchBudgetMs;
  const mine = () => hits.filter((h) => h.url.endsWith(`?m=${n}`));
  while (mine().length < want && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return mine();
}

async function openMessage(page: Page, url: string): Promise<void> {
  await page.goto(url, { waitUntil: 'load' });
}

void test('remote content: blocked, per message, per sender', { timeout: 180_000 }, async (t) => {
  const remote = await startRemote();
  t.after(() => new Promise<void>((resolve) => remote.server.close(() => resolve())));
  const dovecot = await startTestDovecot({ messages: [] });
  t.after(() => dovecot.stop());
  // UIDs 1..5: one tracker, then four from a sender that will be allowed and later removed.
  const tracker = 'tracker@remote.test';
  const friend = 'News@Friend.Test';
  await seedRawMessages(dovecot, testUser.name, [
    trackerMail(remote.origin, tracker, 1),
    trackerMail(remote.origin, friend, 2),
    trackerMail(remote.origin, friend, 3),
    trackerMail(remote.origin, friend, 4),
    trackerMail(remote.origin, friend, 5),
  ]);
  const app = await startAlphaMail({
    imapServers: `${domain}=127.0.0.1:${dovecot.dovecot.port}[/] insecure`,
    extraConfig: { remote_fetch_allow_private: 'yes' },
  });
  t.after(() => app.stop());
  const browser = await startBrowser(app.url);
  t.after(() => browser.close());
  const context = await browser.browser.newContext();
  const watch = await watchContext(context, app.url);
  const page = await context.newPage();
  await watch.attach(page);
  await page.goto(`${app.url}/login`);
  await page.fill('input[name="user"]', testUser.name);
  await page.fill('input[name="password"]', testUser.password);
  await Promise.all([page.waitForURL(/\/f\/INBOX/), page.click('button[type="submit"]')]);
  const proxied = () => watch.requests.filter((u) => u.startsWith(`${app.url}/remote-image?`));

  await t.test('blocked: a tracking pixel causes no request at all', async () => {
    await openMessage(page, `${app.url}/f/INBOX/1`);
    await page.waitForTimeout(300);
    assert.equal(await page.locator('h1').textContent(), 'Newsletter 1');
    assert.ok(await page.getByText('Remote images were blocked').isVisible());
    assert.deepEqual(remote.hits, [], 'the remote server saw nothing');
    assert.deepEqual(watch.outside, [], 'the browser asked no other origin');
    assert.deepEqual(proxied(), [], 'not even the proxy was asked');
  });

  await t.test('"Load remote images" fetches through the proxy only', async () => {
    await Promise.all([
      page.waitForURL(/remote=1/),
      page.getByRole('link', { name: 'Load remote images' }).click(),
    ]);
    const hits = await waitForHits(remote.hits, 1, 2);
    assert.deepEqual(hits.map((h) => h.url).sort(), ['/bg.gif?m=1', '/pixel.gif?m=1']);
    for (const hit of hits) {
      assert.equal(hit.headers['user-agent'], proxyUserAgent, 'the proxy asked, not Chromium');
      assert.equal(hit.headers.cookie, undefined);
      assert.equal(hit.headers.referer, undefined);
    }
    assert.equal(proxied().length, 2, 'the browser asked AlphaMail for both');
    assert.deepEqual(watch.outside, []);
    const loaded = await page.evaluate(() => {
      const doc =
        document.querySelector<HTMLIFrameElement>('iframe.message-frame')?.contentDocument;
      const img = doc?.querySelector('img');
      return img ? { complete: img.complete, width: img.naturalWidth } : null;
    });
    assert.deepEqual(loaded, { complete: true, width: 1 }, 'the proxied pixel rendered');
  });

  await t.test('"Always load from" a sender loads its next message on first open', async () => {
    await openMessage(page, `${app.url}/f/INBOX/2`);
    const button = page.getByRole('button', { name: `Always load from ${friend}` });
    assert.ok(await button.isVisible());
    await Promise.all([page.waitForURL(/\/f\/INBOX\/2(?:\?|$)/), button.click()]);
    assert.equal((await waitForHits(remote.hits, 2, 2)).length, 2, 'this message, now');
    const before = proxied().length;
    await openMessage(page, `${app.url}/f/INBOX/3`);
    const hits = await waitForHits(remote.hits, 3, 2);
    assert.deepEqual(hits.map((h) => h.url).sort(), ['/bg.gif?m=3', '/pixel.gif?m=3']);
    assert.ok(hits.every((h) => h.headers['user-agent'] === proxyUserAgent));
    assert.equal(proxied().length, before + 2);
    assert.equal(await page.getByText('Remote images were blocked').count(), 0);
    assert.deepEqual(watch.outside, []);
  });

  await t.test('the settings page lists the sender and can remove it', async () => {
    await openMessage(page, `${app.url}/settings`);
    const item = page.locator('ul.remote-senders li');
    assert.deepEqual(await item.allTextContents().then((l) => l.map((s) => s.split(/\s+/)[1])), [
      friend.toLowerCase(),
    ]);
    await Promise.all([
      page.waitForURL(/saved=1/),
      page.getByRole('button', { name: `Remove ${friend.toLowerCase()}` }).click(),
    ]);
    assert.equal(await page.locator('ul.remote-senders li').count(), 0);
    await openMessage(page, `${app.url}/f/INBOX/4`);
    await page.waitForTimeout(300);
    assert.ok(await page.getByText('Remote images were blocked').isVisible());
    assert.deepEqual(await waitForHits(remote.hits, 4, 0), [], 'blocked again');
    assert.deepEqual(watch.outside, []);
  });

  await t.test('the "Always load" POST needs the CSRF token', async () => {
    const cookies = await context.cookies(app.url);
    const res = await fetch(`${app.url}/settings/remote-senders`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        cookie: cookies.map((c) => `${c.name}=${c.value}`).join('; '),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ sender: tracker, next: '/f/INBOX/5' }).toString(),
    });
    assert.equal(res.status, 403);
    await openMessage(page, `${app.url}/f/INBOX/1`);
    assert.ok(await page.getByText('Remote images were blocked').isVisible(), 'not allowed');
  });
});
