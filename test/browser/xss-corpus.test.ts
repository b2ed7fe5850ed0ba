// Proves the hostile-HTML path end to end: every vector of ../shared/corpus/xss is seeded into a
// real Dovecot (as text/html and inside multipart/alternative), opened through the real web tier
// in Chromium with the product's CSP in force, and checked for script, requests and escapes.
/// <reference lib="dom" />
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { startAlphaMail } from '../harness/alphamail.js';
import { startBrowser } from '../harness/browser.js';
import { startTestDovecot, testUser } from '../harness/dovecot.js';
import { base64Lines, rawMail, seedRawMessages } from '../harness/raw-mail.js';
import { frameProblems, watchContext, type ContextWatch } from '../harness/hostile-checks.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const vectorsFile = join(repoRoot, '../shared/corpus/xss/vectors.json');
const domain = 'demo.test';
/** Pages open at once in the one browser context: enough to overlap server round trips. */
const parallelPages = 4;
/** Per message page: load, frame load and the checks. A deadline, not a benchmark. */
const perMessageBudgetMs = 15_000;

interface Vector {
  id: string;
  html: string;
}

const variants = ['html', 'alternative'] as const;

function vectorMail(vector: Vector, variant: (typeof variants)[number]): Buffer {
  const common = {
    from: 'Hostile Sender <attacker@xss.test>',
    to: `${testUser.name}@${domain}`,
    subject: `XSS ${vector.id} (${variant})`,
  };
  const htmlPart = base64Lines(vector.html);
  if (variant === 'html') {
    return rawMail({
      ...common,
      contentType: 'text/html; charset=utf-8',
      extraHeaders: ['Content-Transfer-Encoding: base64'],
      body: htmlPart,
    });
  }
  const boundary = `=_alt_${vector.id}_boundary`;
  return rawMail({
    ...common,
    contentType: `multipart/alternative; boundary="${boundary}"`,
    body: [
      `--${boundary}`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      `Plain text of ${vector.id}.`,
      `--${boundary}`,
      'Content-Type: text/html; charset=utf-8',
      'Content-Transfer-Encoding: base64',
      '',
      htmlPart,
      `--${boundary}--`,
      '',
    ].join('\r\n'),
  });
}

async function signIn(page: Page, url: string): Promise<void> {
  await page.goto(`${url}/login`);
  await page.fill('input[name="user"]', testUser.name);
  await page.fill('input[name="password"]', testUser.password);
  await Promise.all([page.waitForURL(/\/f\/INBOX/), page.click('button[type="submit"]')]);
}

/** Opens one message page, waits for its frame, hovers the frame and returns what is wrong. */
async function checkMessage(page: Page, url: string, uid: number, subject: string) {
  await page.goto(`${url}/f/INBOX/${uid}`, { waitUntil: 'load', timeout: perMessageBudgetMs });
  const heading = (await page.locator('h1').first().textContent())?.trim();
  if (heading !== subject) return [`page shows ${JSON.stringify(heading)}, not the vector`];
  const frame = page.locator('iframe.message-frame');
  if ((await frame.count()) === 1) {
    // Hover states are where CSS tries to load things (:hover backgrounds).
    const box = await frame.boundingBox();
    if (box) await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  }
  return page.evaluate(frameProblems);
}

void test('every XSS corpus vector opens inert in Chromium', { timeout: 1_800_000 }, async (t) => {
  assert.ok(existsSync(vectorsFile), `XSS corpus missing: expected ${vectorsFile}`);
  const vectors = JSON.parse(readFileSync(vectorsFile, 'utf8')) as Vector[];
  assert.equal(vectors.length, 589, 'the corpus README lists 589 vectors');
  const jobs = vectors.flatMap((vector) =>
    variants.map((variant) => ({ vector, variant, subject: `XSS ${vector.id} (${variant})` })),
  );

  const dovecot = await startTestDovecot({ messages: [] });
  t.after(() => dovecot.stop());
  await seedRawMessages(
    dovecot,
    testUser.name,
    jobs.map((j) => vectorMail(j.vector, j.variant)),
  );
  const app = await startAlphaMail({
    imapServers: `${domain}=127.0.0.1:${dovecot.dovecot.port}[/] insecure`,
  });
  t.after(() => app.stop());
  const browser = await startBrowser(app.url);
  t.after(() => browser.close());

  const context: BrowserContext = await browser.browser.newContext({
    // No serviceWorkers: 'block' here: Playwright does that with an init script in every frame,
    // and any script in a message frame must count as the mail's.
    viewport: { width: 1280, height: 800 },
  });
  const watch: ContextWatch = await watchContext(context, app.url);
  const first = await context.newPage();
  await watch.attach(first);
  await signIn(first, app.url);
  const pages = [first];
  for (let i = 1; i < parallelPages; i++) {
    const page = await context.newPage();
    await watch.attach(page);
    pages.push(page);
  }

  const problems: string[] = [];
  let next = 0;
  await Promise.all(
    pages.map(async (page) => {
      for (let i = next++; i < jobs.length; i = next++) {
        const job = jobs[i];
        if (job === undefined) break;
        const found = await checkMessage(page, app.url, i + 1, job.subject).catch(
          (err: unknown) => [`failed to open: ${err instanceof Error ? err.message : String(err)}`],
        );
        for (const p of found) problems.push(`${job.vector.id} (${job.variant}): ${p}`);
      }
    }),
  );
  // Late timers and animations get a moment to misbehave before the final count.
  await new Promise((r) => setTimeout(r, 500));
  t.diagnostic(`${jobs.length} message pages opened; ${watch.requests.length} requests seen`);

  assert.deepEqual(problems, [], 'inside the frames');
  assert.deepEqual(watch.outside, [], 'requests to other origins');
  assert.deepEqual(watch.scriptsInFrames, [], 'scripts compiled in message frames');
  assert.deepEqual(watch.canaries, [], 'alert/confirm/prompt/print or dialogs');
  assert.deepEqual(watch.securityLogs, [], 'CSP or sandbox reports');
  assert.deepEqual(watch.popups, [], 'new windows');
  assert.ok(
    watch.requests.some((u) => /\/f\/INBOX\/\d+\/body$/.test(u)),
    'the frames were loaded (so the checks saw something)',
  );
});
