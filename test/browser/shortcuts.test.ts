// Proves the keyboard shortcuts in Chromium: j/k/o/Enter in the index, j/k between messages,
// every data-shortcut control reached by its key, none while typing, and the ? help dialog.
/// <reference lib="dom" />
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ImapFlow } from 'imapflow';
import type { Page } from 'playwright-core';
import { generateMailbox, type GeneratedMessage } from '../../src/ops/index.js';
import { startAlphaMail } from '../harness/alphamail.js';
import { axeViolations, describeViolations, startBrowser } from '../harness/browser.js';
import { startTestDovecot, testUser } from '../harness/dovecot.js';
import { expectedOrder, manifestByUid } from '../harness/expectations.js';

const domain = 'demo.test';
const messageCount = 30;
const pageSize = 20;
/** How long an announcement or a navigation may take in a loaded test machine. */
const waitMs = 10_000;

/** The live region's text once it equals `want` (it is cleared and refilled on each change). */
async function expectAnnounced(page: Page, want: string): Promise<void> {
  try {
    await page.waitForFunction(
      (text) => document.getElementById('live-announcer')?.textContent === text,
      want,
      { timeout: waitMs },
    );
  } catch {
    const got = await page.evaluate(() => document.getElementById('live-announcer')?.textContent);
    assert.fail(`live region says ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
  }
}

async function focusedHref(page: Page): Promise<string | null> {
  return page.evaluate(() => document.activeElement?.getAttribute('href') ?? null);
}

async function currentRows(page: Page): Promise<number[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll('table.message-index tbody tr')).flatMap((row, i) =>
      row.getAttribute('aria-current') === 'true' ? [i] : [],
    ),
  );
}

function pathOf(page: Page): string {
  return new URL(page.url()).pathname;
}

/** The visible targets of `data-shortcut` on this page, as key → href (or tag for non-links). */
async function shortcutTargets(page: Page): Promise<Map<string, string>> {
  const pairs = await page.evaluate(() =>
    Array.from(document.querySelectorAll('[data-shortcut]'))
      .filter((el) => el.getClientRects().length > 0)
      .map((el) => [el.getAttribute('data-shortcut') ?? '', el.getAttribute('href') ?? el.tagName]),
  );
  const map = new Map<string, string>();
  for (const [key, target] of pairs) if (key && target && !map.has(key)) map.set(key, target);
  return map;
}

void test(
  'keyboard shortcuts in the index and the message view',
  { timeout: 150_000 },
  async (t) => {
    const messages = generateMailbox({ seed: 21, count: messageCount, user: `demo@${domain}` });
    const dovecot = await startTestDovecot({ messages });
    t.after(() => dovecot.stop());
    const app = await startAlphaMail({
      imapServers: `${domain}=127.0.0.1:${dovecot.dovecot.port}[/] insecure`,
      extraConfig: { default_page_size: String(pageSize) },
    });
    t.after(() => app.stop());
    const browser = await startBrowser(app.url);
    t.after(() => browser.close());
    const byUid = await manifestByUid(dovecot, 'INBOX');
    const order = expectedOrder(byUid, 'date', 'desc');
    const subjectOf = (uid: number | undefined): string =>
      (byUid.get(uid ?? 0) as GeneratedMessage).expect.subject.replace(/\s+/g, ' ').trim();
    const uidAt = (i: number): number => order[i] ?? 0;
    const indexUrl = `${app.url}/f/INBOX?sort=date&order=desc&page=1`;
    const rowCount = Math.min(pageSize, order.length);
    assert.ok(rowCount > 6, `INBOX has enough messages: ${order.length}`);

    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await page.goto(`${app.url}/login`);
    await page.fill('input[name="user"]', testUser.name);
    await page.fill('input[name="password"]', testUser.password);
    await Promise.all([page.waitForURL(/\/f\/INBOX/), page.click('button[type="submit"]')]);

    await t.test('the hint is shown only with JavaScript', async () => {
      await page.goto(indexUrl);
      const hint = page.locator('button.shortcut-hint');
      assert.equal((await hint.textContent())?.trim(), 'Press ? for keyboard shortcuts');
      assert.ok(await hint.isVisible());
      const noJs = await browser.newContext({ javaScriptEnabled: false });
      await noJs.addCookies(await ctx.cookies());
      const plain = await noJs.newPage();
      await plain.goto(indexUrl);
      assert.equal(await plain.getByText('for keyboard shortcuts').count(), 0);
      assert.equal(await plain.locator('.new-mail').isVisible(), false, 'the notice stays hidden');
      await noJs.close();
    });

    await t.test('j and k move the current row, announce it and focus its link', async () => {
      await page.goto(indexUrl);
      await page.keyboard.press('j');
      await expectAnnounced(page, `Message 1 of ${rowCount}: ${subjectOf(uidAt(0))}`);
      assert.equal(await focusedHref(page), `/f/INBOX/${uidAt(0)}?sort=date&order=desc`);
      assert.deepEqual(await currentRows(page), [0]);
      await page.keyboard.press('j');
      await page.keyboard.press('j');
      await expectAnnounced(page, `Message 3 of ${rowCount}: ${subjectOf(uidAt(2))}`);
      assert.deepEqual(await currentRows(page), [2]);
      await page.keyboard.press('k');
      await expectAnnounced(page, `Message 2 of ${rowCount}: ${subjectOf(uidAt(1))}`);
      assert.equal(await focusedHref(page), `/f/INBOX/${uidAt(1)}?sort=date&order=desc`);
      assert.deepEqual(await currentRows(page), [1]);
      await page.keyboard.press('k');
      await page.keyboard.press('k');
      await expectAnnounced(page, 'First message on this page');
      assert.deepEqual(await currentRows(page), [0]);
    });

    await t.test('o opens the current row', async () => {
      await page.goto(indexUrl);
      for (let i = 0; i < 3; i++) await page.keyboard.press('j');
      await Promise.all([page.waitForURL(`**/f/INBOX/${uidAt(2)}?*`), page.keyboard.press('o')]);
      assert.equal(pathOf(page), `/f/INBOX/${uidAt(2)}`);
    });

    await t.test('Enter opens the current row', async () => {
      await page.goto(indexUrl);
      await page.keyboard.press('j');
      await page.keyboard.press('j');
      await Promise.all([
        page.waitForURL(`**/f/INBOX/${uidAt(1)}?*`),
        page.keyboard.press('Enter'),
      ]);
      assert.equal(pathOf(page), `/f/INBOX/${uidAt(1)}`);
    });

    await t.test('a row reached with Tab becomes the current row', async () => {
      await page.goto(indexUrl);
      await page.locator(`a[href^="/f/INBOX/${uidAt(4)}?"]`).focus();
      assert.deepEqual(await currentRows(page), [4]);
      await page.keyboard.press('j');
      await expectAnnounced(page, `Message 6 of ${rowCount}: ${subjectOf(uidAt(5))}`);
    });

    await t.test('j and k in the message view go to the next and previous message', async () => {
      await page.goto(`${app.url}/f/INBOX/${uidAt(2)}?sort=date&order=desc`);
      await Promise.all([page.waitForURL(`**/f/INBOX/${uidAt(3)}?*`), page.keyboard.press('j')]);
      assert.equal(pathOf(page), `/f/INBOX/${uidAt(3)}`);
      await Promise.all([page.waitForURL(`**/f/INBOX/${uidAt(2)}?*`), page.keyboard.press('k')]);
      assert.equal(pathOf(page), `/f/INBOX/${uidAt(2)}`);
      await page.goto(`${app.url}/f/INBOX/${uidAt(0)}?sort=date&order=desc`);
      await page.keyboard.press('k');
      await expectAnnounced(page, 'This is the first message');
      assert.equal(pathOf(page), `/f/INBOX/${uidAt(0)}`);
    });

    await t.test('shortcuts do not fire while typing or with modifier keys', async () => {
      await page.goto(indexUrl);
      const field = page.locator('#page-size');
      await field.fill('');
      await field.focus();
      await page.keyboard.type('j?c/');
      assert.deepEqual(await currentRows(page), []);
      assert.equal(await page.locator('dialog[open]').count(), 0);
      assert.equal(pathOf(page), '/f/INBOX');
      assert.equal(
        await page.evaluate(() => document.activeElement?.id),
        'page-size',
        'focus stays in the field',
      );
      await page.locator('h1').click();
      await page.keyboard.press('Control+j');
      await page.keyboard.press('Alt+k');
      assert.deepEqual(await currentRows(page), []);
    });

    await t.test('every data-shortcut control is reached by its key', async () => {
      const tried: string[] = [];
      // Links: the key leads where the link does. c is in the banner of the index.
      for (const [where, keys] of [
        [indexUrl, ['c']],
        [`${app.url}/f/INBOX/${uidAt(5)}?sort=date&order=desc`, ['r', 'a', 'f', 'c']],
      ] as const) {
        for (const key of keys) {
          await page.goto(where);
          const href = (await shortcutTargets(page)).get(key);
          if (!href?.startsWith('/')) continue;
          tried.push(key);
          const want = new URL(href, app.url);
          await Promise.all([
            page.waitForURL((u) => u.pathname + u.search === want.pathname + want.search),
            page.keyboard.press(key),
          ]);
        }
      }
      // The search field: / puts focus in it and is not typed into it.
      for (const where of [indexUrl, `${app.url}/f/INBOX/${uidAt(5)}`]) {
        await page.goto(where);
        const search = page.locator('[data-shortcut="/"]').first();
        if ((await search.count()) === 0 || !(await search.isVisible())) continue;
        tried.push('/');
        const before = await search.inputValue();
        await page.keyboard.press('/');
        assert.equal(
          await page.evaluate(() => document.activeElement?.getAttribute('data-shortcut')),
          '/',
        );
        assert.equal(await search.inputValue(), before);
      }
      assert.ok(
        tried.includes('c'),
        `the compose link has data-shortcut="c" (tried ${tried.join(' ')})`,
      );
      t.diagnostic(`shortcuts exercised: ${tried.join(' ')}`);
    });

    await t.test('# deletes the open message (moved out of INBOX)', async (st) => {
      const uid = uidAt(6);
      await page.goto(`${app.url}/f/INBOX/${uid}?sort=date&order=desc`);
      if ((await page.locator('[data-shortcut="#"]').count()) === 0) {
        st.skip('no control carries data-shortcut="#" yet');
        return;
      }
      await Promise.all([
        page.waitForURL((u) => u.pathname !== `/f/INBOX/${uid}`),
        page.keyboard.press('#'),
      ]);
      const imap = new ImapFlow(dovecot.imapOptions());
      await imap.connect();
      const lock = await imap.getMailboxLock('INBOX');
      try {
        const found = await imap.search({ uid: String(uid) }, { uid: true });
        assert.deepEqual(found, [], 'the message left INBOX');
      } finally {
        lock.release();
        await imap.logout();
      }
    });

    await t.test(
      '? opens a help dialog that traps focus, passes axe and gives focus back',
      async () => {
        await page.goto(indexUrl);
        await page.keyboard.press('j');
        const before = await focusedHref(page);
        await page.keyboard.press('?');
        const dialog = page.locator('dialog#shortcut-help[open]');
        await dialog.waitFor({ timeout: waitMs });
        assert.equal(await dialog.locator('h2').textContent(), 'Keyboard shortcuts');
        assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Close');
        const listed = await dialog.locator('dt').allTextContents();
        const expected = ['j', 'k', 'o or Enter'];
        for (const key of (await shortcutTargets(page)).keys())
          if (key !== 'j' && key !== 'k') expected.push(key);
        expected.push('?');
        assert.deepEqual(listed, expected);
        for (const key of ['Tab', 'Shift+Tab', 'Tab']) {
          await page.keyboard.press(key);
          assert.ok(
            await page.evaluate(() => document.activeElement?.closest('dialog') !== null),
            `focus stays in the dialog after ${key}`,
          );
        }
        const violations = await axeViolations(page);
        assert.deepEqual(violations, [], describeViolations(violations));
        await page.keyboard.press('Escape');
        assert.equal(await dialog.count(), 0);
        assert.equal(await focusedHref(page), before, 'focus returns to the current row');
      },
    );

    await t.test('the hint button opens the same dialog; Close returns focus to it', async () => {
      await page.goto(`${app.url}/f/INBOX/${uidAt(1)}`);
      await page.locator('button.shortcut-hint').focus();
      await page.keyboard.press('Enter');
      const dialog = page.locator('dialog#shortcut-help[open]');
      await dialog.waitFor({ timeout: waitMs });
      const listed = await dialog.locator('dt').allTextContents();
      assert.ok(
        listed.includes('j') && listed.includes('k'),
        `message view lists j/k: ${listed.join(' ')}`,
      );
      assert.ok(!listed.includes('o or Enter'), 'no row to open in the message view');
      await page.keyboard.press('Enter');
      assert.equal(await dialog.count(), 0);
      assert.equal(await page.evaluate(() => document.activeElement?.className), 'shortcut-hint');
    });

    await t.test('nothing left the AlphaMail origin', () => {
      assert.deepEqual(browser.blocked, []);
    });
  },
);
