// Proves the live new-mail notice end to end: a message appended to the INBOX in Dovecot while
// the index is open in Chromium is announced and linked within a bounded time, also after the
// webcache restarts. Real processes, real Dovecot (IDLE), real server-sent events.
/// <reference lib="dom" />
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ImapFlow } from 'imapflow';
import type { Page } from 'playwright-core';
import { generateMailbox } from '../../src/ops/index.js';
import { startAlphaMail } from '../harness/alphamail.js';
import { startBrowser } from '../harness/browser.js';
import { startTestDovecot, testUser, type TestDovecot } from '../harness/dovecot.js';

const domain = 'demo.test';
const messageCount = 12;
/** From the append to the announcement: IDLE, the webcache's fetch, the stream, the script. */
const noticeBudgetMs = 15_000;
/** A killed and restarted webcache is found again by the script's backoff within this. */
const reconnectBudgetMs = 40_000;

function rawMessage(fromName: string, fromAddress: string, subject: string): string {
  return [
    `From: ${fromName} <${fromAddress}>`,
    `To: ${testUser.name}@${domain}`,
    `Subject: ${subject}`,
    `Date: ${new Date().toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${Date.now()}.${Math.random().toString(36).slice(2)}@live.test>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Arrived while the index was open.',
    '',
  ].join('\r\n');
}

async function appendToInbox(dovecot: TestDovecot, raw: string): Promise<void> {
  const imap = new ImapFlow(dovecot.imapOptions());
  await imap.connect();
  try {
    await imap.append('INBOX', raw);
  } finally {
    await imap.logout();
  }
}

async function waitForLive(page: Page, state: string, timeoutMs: number): Promise<void> {
  await page.waitForSelector(`.new-mail[data-live="${state}"]`, {
    state: 'attached',
    timeout: timeoutMs,
  });
}

async function announced(page: Page, want: string, timeoutMs: number): Promise<void> {
  try {
    await page.waitForFunction(
      (text) => document.getElementById('live-announcer')?.textContent === text,
      want,
      { timeout: timeoutMs },
    );
  } catch {
    const got = await page.evaluate(() => document.getElementById('live-announcer')?.textContent);
    assert.fail(`live region says ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
  }
}

void test('new mail is announced and shown on the open index', { timeout: 150_000 }, async (t) => {
  const messages = generateMailbox({ seed: 3, count: messageCount, user: `demo@${domain}` });
  const dovecot = await startTestDovecot({ messages });
  t.after(() => dovecot.stop());
  const app = await startAlphaMail({
    imapServers: `${domain}=127.0.0.1:${dovecot.dovecot.port}[/] insecure`,
  });
  t.after(() => app.stop());
  const browser = await startBrowser(app.url);
  t.after(() => browser.close());
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await page.goto(`${app.url}/login`);
  await page.fill('input[name="user"]', testUser.name);
  await page.fill('input[name="password"]', testUser.password);
  await Promise.all([page.waitForURL(/\/f\/INBOX/), page.click('button[type="submit"]')]);

  await t.test('the events route needs a signed-in session', async () => {
    const res = await fetch(`${app.url}/events?folder=INBOX`, { redirect: 'manual' });
    assert.notEqual(res.status, 200);
    assert.ok(!(res.headers.get('content-type') ?? '').startsWith('text/event-stream'));
    await res.body?.cancel();
  });

  await t.test('a message appended in Dovecot is announced and linked', async () => {
    await page.goto(`${app.url}/f/INBOX?sort=date&order=desc&page=1`);
    assert.equal(await page.locator('.new-mail').isVisible(), false, 'nothing to show yet');
    await waitForLive(page, 'connected', noticeBudgetMs);
    const subject = 'Live notice: the first arrival';
    const started = Date.now();
    await appendToInbox(dovecot, rawMessage('Ada Lovelace', 'ada@example.org', subject));
    await announced(page, `1 new message from Ada Lovelace: ${subject}`, noticeBudgetMs);
    t.diagnostic(`announced ${Date.now() - started} ms after the append`);
    const link = page.locator('.new-mail a');
    assert.ok(await link.isVisible(), 'the notice is shown');
    assert.equal(await link.textContent(), 'New mail: 1 new message — show');
    await Promise.all([page.waitForLoadState('load'), link.click()]);
    await page.waitForURL(/page=1/);
    const firstSubject = await page
      .locator('table.message-index tbody tr')
      .first()
      .locator('td.col-subject a')
      .textContent();
    assert.equal(firstSubject?.trim(), subject, 'the new message heads page 1');
  });

  await t.test('after the webcache restarts the page reconnects and hears new mail', async () => {
    await waitForLive(page, 'connected', noticeBudgetMs);
    await app.killWebcache();
    await waitForLive(page, 'reconnecting', noticeBudgetMs);
    await app.startWebcache();
    await waitForLive(page, 'connected', reconnectBudgetMs);
    const subject = 'Live notice: after the restart';
    await appendToInbox(dovecot, rawMessage('Grace Hopper', 'grace@example.org', subject));
    await announced(page, `1 new message from Grace Hopper: ${subject}`, noticeBudgetMs);
    assert.equal(await page.locator('.new-mail a').textContent(), 'New mail: 1 new message — show');
  });

  await t.test('the web tier logged no stack trace', () => {
    const traces = app.logs.filter((l) => l.startsWith('web:') && l.includes('"stack"'));
    assert.deepEqual(traces, []);
  });

  await t.test('nothing left the AlphaMail origin', () => {
    assert.deepEqual(browser.blocked, []);
  });
});
