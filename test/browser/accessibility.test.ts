// Proves every page in real Chromium against axe-core's WCAG 2.2 A/AA rules and the semantics a
// screen reader relies on, in light and dark and at 375 px and 1280 px; writes screenshots.
import { test } from 'node:test';
/// <reference lib="dom" />
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import type { BrowserContext, Page } from 'playwright-core';
import { generateMailbox, type GeneratedMessage } from '../../src/ops/index.js';
import { startAlphaMail, type AlphaMailProcesses } from '../harness/alphamail.js';
import {
  axeViolations,
  describeViolations,
  startBrowser,
  viewportWidthsPx,
  type TestBrowser,
} from '../harness/browser.js';
import { startTestDovecot, testUser, type TestDovecot } from '../harness/dovecot.js';
import { manifestByUid } from '../harness/expectations.js';
import { textZoomProblems } from '../harness/text-zoom.js';

const domain = 'demo.test';
/** Small enough to index fast, large enough for several index pages at 20 per page. */
const messageCount = 90;
const pageSize = 20;
const emptyFolder = 'Empty';
const screenshotDir = join(process.cwd(), 'artifacts', 'screenshots');
const schemes = ['light', 'dark'] as const;

interface Checked {
  label: string;
  title: string;
  problems: string[];
}

/** Everything wrong with the page now: axe violations and the structural rules of the issue. */
async function checkPage(
  page: Page,
  label: string,
  opts: { width: number; scheme: string; nav: boolean; frame?: boolean },
): Promise<Checked> {
  const problems: string[] = [];
  const violations = await axeViolations(page);
  if (violations.length > 0) problems.push(`axe:\n${describeViolations(violations)}`);
  if (!opts.frame) {
    const s = await page.evaluate(() => {
      const levels = Array.from(document.querySelectorAll('h1,h2,h3,h4,h5,h6')).map((h) =>
        Number(h.tagName[1]),
      );
      const banner = document.querySelector('body > header, [role="banner"]') !== null;
      const nav = document.querySelector('nav, [role="navigation"]') !== null;
      const main = document.querySelectorAll('main, [role="main"]').length;
      const el = document.scrollingElement ?? document.documentElement;
      return {
        levels,
        banner,
        nav,
        main,
        scrollWidth: el.scrollWidth,
        clientWidth: el.clientWidth,
      };
    });
    const h1s = s.levels.filter((l) => l === 1).length;
    if (h1s !== 1) problems.push(`${h1s} h1 elements`);
    if (s.levels[0] !== 1) problems.push(`first heading is h${s.levels[0]}`);
    for (let i = 1; i < s.levels.length; i++) {
      const prev = s.levels[i - 1] ?? 1;
      const cur = s.levels[i] ?? 1;
      if (cur > prev + 1) problems.push(`heading skips from h${prev} to h${cur}`);
    }
    if (!s.banner) problems.push('no banner landmark');
    if (s.main !== 1) problems.push(`${s.main} main landmarks`);
    if (opts.nav && !s.nav) problems.push('no navigation landmark');
    if (opts.width <= 375 && s.scrollWidth > s.clientWidth)
      problems.push(`scrolls sideways: ${s.scrollWidth} > ${s.clientWidth}`);
    // Text at 200% through Chromium's font-size setting, once per page (wide, light).
    if (opts.width === 1280 && opts.scheme === 'light') {
      problems.push(
        ...(await textZoomProblems(page, join(screenshotDir, `${label}-${opts.width}-text200`))),
      );
    }
  }
  await page.screenshot({
    path: join(screenshotDir, `${label}-${opts.width}-${opts.scheme}.png`),
    fullPage: true,
  });
  return { label, title: await page.title(), problems };
}

function uidOf(byUid: Map<number, GeneratedMessage>, pick: (m: GeneratedMessage) => boolean) {
  for (const [uid, m] of byUid) if (pick(m)) return uid;
  throw new Error('the seeded INBOX has no such message');
}

async function signInThroughForm(page: Page, password: string): Promise<void> {
  await page.fill('input[name="user"]', testUser.name);
  await page.fill('input[name="password"]', password);
  await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
}

void test('every page passes axe and the semantics rules', { timeout: 240_000 }, async (t) => {
  mkdirSync(screenshotDir, { recursive: true });
  const messages = generateMailbox({ seed: 5, count: messageCount, user: `demo@${domain}` });
  const dovecot: TestDovecot = await startTestDovecot({ messages });
  t.after(() => dovecot.stop());
  const imap = new ImapFlow(dovecot.imapOptions());
  await imap.connect();
  await imap.mailboxCreate(emptyFolder);
  await imap.logout();
  const app: AlphaMailProcesses = await startAlphaMail({
    imapServers: `${domain}=127.0.0.1:${dovecot.dovecot.port}[/] insecure`,
    extraConfig: { default_page_size: String(pageSize) },
  });
  t.after(() => app.stop());
  const browser: TestBrowser = await startBrowser(app.url);
  t.after(() => browser.close());

  await t.test('the axe runner reports violations it is shown', async () => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await page.setContent('<html><body><img src="data:,"><a href="#x"></a></body></html>');
    const ids = (await axeViolations(page)).map((v) => v.id).sort();
    assert.deepEqual(ids, ['document-title', 'html-has-lang', 'image-alt', 'link-name']);
    await ctx.close();
  });

  await t.test('the 200% text check reports what it is shown', async () => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    const fits =
      '<p>Short text</p><div style="width:30em;overflow:hidden">Grows with the text</div>';
    await page.setContent(`<html lang="en"><body>${fits}</body></html>`);
    assert.deepEqual(await textZoomProblems(page), []);
    // 300 px holds these words at 16 px but not at 32 px; 50em is 800 px, then 1600 px.
    const breaks =
      '<div class="cut" style="width:300px;overflow:hidden;white-space:nowrap">Twenty-five letters wide</div>' +
      '<p style="width:50em">Fixed in em</p>';
    await page.setContent(`<html lang="en"><body>${breaks}</body></html>`);
    const problems = await textZoomProblems(page);
    const kinds = problems.map((p) => p.replace(/ (\d+ > \d+|"[^"]*")$/, ''));
    assert.deepEqual(kinds, ['text 200%: scrolls sideways', 'text 200%: clipped div.cut']);
    await ctx.close();
  });

  const byUid = await manifestByUid(dovecot, 'INBOX');
  const plainUid = uidOf(byUid, (m) => m.kind === 'plain');
  const htmlUid = uidOf(byUid, (m) => m.kind === 'html');
  const attachUid = uidOf(byUid, (m) => m.expect.attachments.length > 0 && m.kind === 'mixed');
  const lastPage = Math.ceil(byUid.size / pageSize);
  assert.ok(lastPage > 1, 'the index has more than one page');

  const contexts: { ctx: BrowserContext; width: number; scheme: string }[] = [];
  const titles = new Map<string, string>();

  for (const width of viewportWidthsPx) {
    for (const scheme of schemes) {
      await t.test(`${width} px, ${scheme}`, async () => {
        const ctx = await browser.newContext({ width, colorScheme: scheme });
        contexts.push({ ctx, width, scheme });
        const page = await ctx.newPage();
        const results: Checked[] = [];
        const check = async (label: string, nav: boolean, frame = false) => {
          results.push(await checkPage(page, label, { width, scheme, nav, frame }));
        };
        const visit = async (path: string, status: number) => {
          const res = await page.goto(`${app.url}${path}`);
          assert.equal(res?.status(), status, path);
        };

        await visit('/login', 200);
        await check('sign-in', false);
        await signInThroughForm(page, 'not-the-password');
        assert.ok(await page.locator('[role="alert"]').isVisible(), 'the error is shown');
        await check('sign-in-error', false);
        await signInThroughForm(page, testUser.password);
        assert.match(page.url(), /\/f\/INBOX/);

        await visit('/f/INBOX?sort=date&order=desc&page=1', 200);
        await check('index-first', true);
        const table = await page.evaluate(() => ({
          caption: document.querySelector('table caption')?.textContent?.trim() ?? '',
          colHeaders: document.querySelectorAll('table thead th[scope="col"]').length,
          rows: document.querySelectorAll('table tbody tr').length,
        }));
        assert.ok(table.caption.length > 0, 'the index table has a caption');
        assert.ok(table.colHeaders >= 3, `column headers: ${table.colHeaders}`);
        assert.equal(table.rows, pageSize);
        await visit(`/f/INBOX?sort=date&order=desc&page=${lastPage}`, 200);
        await check('index-last', true);
        assert.equal(
          await page.locator('table tbody tr').count(),
          byUid.size - (lastPage - 1) * pageSize,
        );
        await visit(`/f/${encodeURIComponent(emptyFolder)}`, 200);
        await check('index-empty', true);
        await visit(`/f/INBOX/${plainUid}`, 200);
        await check('message-plain', true);
        await visit(`/f/INBOX/${htmlUid}`, 200);
        await check('message-html', true);
        await visit(`/f/INBOX/${htmlUid}/body`, 200);
        await check('message-html-frame', false, true);
        await visit(`/f/INBOX/${attachUid}`, 200);
        await check('message-attachments', true);
        await visit('/compose', 200);
        await check('compose', true);
        // A bad address: the error summary and the invalid field, the form kept as typed.
        await page.fill('#compose-to', 'Ann <ann@example.org>, not-an-address');
        await Promise.all([page.waitForNavigation(), page.click('button[value="save"]')]);
        assert.ok(await page.locator('[role="alert"]').isVisible(), 'the compose error is shown');
        await check('compose-error', true);
        await visit(`/compose?mode=reply&message=INBOX%2F${plainUid}&back=INBOX`, 200);
        await check('reply', true);
        await visit(`/compose?mode=replyAll&message=INBOX%2F${plainUid}&back=INBOX`, 200);
        await check('reply-all', true);
        await visit(`/compose?mode=forward&message=INBOX%2F${attachUid}&back=INBOX`, 200);
        await check('forward', true);
        await visit(`/compose?mode=forwardAsAttachment&message=INBOX%2F${htmlUid}&back=INBOX`, 200);
        await check('forward-as-attachment', true);
        await visit(`/f/INBOX?sort=date&order=desc&page=2&done=deleted&n=2&to=Trash&undo=1`, 200);
        await check('index-undo-notice', true);
        await visit(
          `/organise/confirm?action=delete&folder=INBOX&uid=${plainUid}&uid=${htmlUid}`,
          200,
        );
        await check('organise-confirm', true);
        await visit('/folders/manage', 200);
        await check('folders-manage', true);
        await visit(`/folders/delete?folder=${encodeURIComponent(emptyFolder)}`, 200);
        await check('folder-delete-confirm', true);
        await visit('/settings', 200);
        await check('settings', false);
        // Conversations: switched on in settings, then the threaded index and one conversation.
        const saveSettings = () =>
          Promise.all([page.waitForNavigation(), page.click('form.settings [type="submit"]')]);
        await page.check('#threaded');
        await saveSettings();
        await visit('/f/INBOX', 200);
        await check('index-threads', true);
        // A conversation of several messages (the seeded threads span INBOX and Sent).
        const thread = await page
          .locator('tbody tr')
          .filter({ has: page.locator('td.col-count', { hasText: /^\s*([2-9]|\d\d+) messages/ }) })
          .first()
          .locator('a[href$="/thread"]')
          .getAttribute('href');
        assert.ok(thread, 'a conversation row of several messages links to its conversation');
        await visit(thread, 200);
        await check('conversation', true);
        await visit('/settings', 200);
        await page.uncheck('#threaded');
        await saveSettings();
        await visit('/search', 200);
        await check('search', true);
        await visit('/search?scope=folder&folder=INBOX&since=31.03.2025', 400);
        await check('search-error', true);
        await visit('/search?scope=all&text=the', 200);
        await check('search-results', true);
        await visit('/search?scope=folder&folder=INBOX&subject=no-such-subject-anywhere', 200);
        await check('search-empty', true);
        await visit('/no/such/page', 404);
        await check('not-found', false);

        if (width === 1280 && scheme === 'light')
          for (const r of results)
            if (r.label !== 'message-html-frame') titles.set(r.label, r.title);
        const bad = results.filter((r) => r.problems.length > 0);
        assert.deepEqual(
          bad.map((r) => `${r.label}: ${r.problems.join('\n')}`),
          [],
          'pages with problems',
        );
      });
    }
  }

  await t.test('titles say where the user is and are unique', () => {
    // The error state is the sign-in page again and the last index page is the same folder.
    const distinct = [...titles]
      .filter(([label]) => label !== 'sign-in-error' && label !== 'index-last')
      .map(([, title]) => title);
    assert.equal(new Set(distinct).size, distinct.length, distinct.join(' | '));
    for (const title of distinct) assert.match(title, /^.+ — AlphaMail$/);
  });

  await t.test('the "restarting" page, in every width and scheme', async () => {
    await app.killWebcache();
    const bad: string[] = [];
    for (const { ctx, width, scheme } of contexts) {
      const page = await ctx.newPage();
      const res = await page.goto(`${app.url}/f/INBOX`);
      assert.equal(res?.status(), 503);
      const r = await checkPage(page, 'restarting', { width, scheme, nav: false });
      if (r.problems.length > 0) bad.push(`${width} ${scheme}: ${r.problems.join('\n')}`);
      const otherTitles = [...titles.values()];
      assert.ok(!otherTitles.includes(r.title), `restarting title ${r.title} is its own`);
    }
    assert.deepEqual(bad, []);
  });

  await t.test('nothing left the AlphaMail origin', () => {
    assert.deepEqual(browser.blocked, []);
  });
});
