// Proves AlphaMail is usable with the keyboard alone in Chromium: the skip link comes first and
// moves focus to main, sign-in and opening a message need only Tab/typing/Enter, focus is visible.
/// <reference lib="dom" />
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { generateMailbox, type GeneratedMessage } from '../../src/ops/index.js';
import { startAlphaMail } from '../harness/alphamail.js';
import { startBrowser } from '../harness/browser.js';
import { startTestDovecot, testUser } from '../harness/dovecot.js';
import { expectedOrder, manifestByUid } from '../harness/expectations.js';

const domain = 'demo.test';
const messageCount = 40;
/** More Tab presses than any page here has stops before the wanted control. */
const maxTabs = 120;

interface Focused {
  tag: string;
  name: string | null;
  id: string;
  href: string | null;
  className: string;
  outlineStyle: string;
  outlineWidth: string;
  boxShadow: string;
}

async function focused(page: Page): Promise<Focused> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement;
    const style = getComputedStyle(el);
    return {
      tag: el.tagName.toLowerCase(),
      name: el.getAttribute('name'),
      id: el.id,
      href: el.getAttribute('href'),
      className: el.className,
      outlineStyle: style.outlineStyle,
      outlineWidth: style.outlineWidth,
      boxShadow: style.boxShadow,
    };
  });
}

function focusVisible(f: Focused): boolean {
  const outline = f.outlineStyle !== 'none' && f.outlineWidth !== '0px';
  return outline || (f.boxShadow !== 'none' && f.boxShadow !== '');
}

/** Presses Tab until the focused element matches, checking the focus ring on every link. */
async function tabTo(page: Page, want: (f: Focused) => boolean, what: string): Promise<Focused> {
  for (let i = 0; i < maxTabs; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    if (f.tag === 'a' || f.tag === 'button' || f.tag === 'input')
      assert.ok(focusVisible(f), `focus is visible on ${f.tag} ${f.href ?? f.name ?? f.id}`);
    if (want(f)) return f;
  }
  throw new Error(`Tab never reached ${what}`);
}

void test('AlphaMail with the keyboard only', { timeout: 90_000 }, async (t) => {
  const messages = generateMailbox({ seed: 9, count: messageCount, user: `demo@${domain}` });
  const dovecot = await startTestDovecot({ messages });
  t.after(() => dovecot.stop());
  const app = await startAlphaMail({
    imapServers: `${domain}=127.0.0.1:${dovecot.dovecot.port}[/] insecure`,
  });
  t.after(() => app.stop());
  const browser = await startBrowser(app.url);
  t.after(() => browser.close());
  const byUid = await manifestByUid(dovecot, 'INBOX');
  const third = expectedOrder(byUid, 'date', 'desc')[2] ?? 0;

  const ctx = await browser.newContext();
  const page = await ctx.newPage();

  await t.test('the skip link is the first stop and moves focus to main', async () => {
    await page.goto(`${app.url}/login`);
    await page.keyboard.press('Tab');
    const first = await focused(page);
    assert.equal(first.href, '#main');
    assert.ok(focusVisible(first), 'the skip link shows its focus');
    assert.ok(await page.locator('a.skip-link').isVisible(), 'the skip link is visible on focus');
    await page.keyboard.press('Enter');
    assert.equal((await focused(page)).id, 'main');
  });

  await t.test('sign in with the keyboard', async () => {
    await page.goto(`${app.url}/login`);
    await tabTo(page, (f) => f.name === 'user', 'the user field');
    await page.keyboard.type(testUser.name);
    await tabTo(page, (f) => f.name === 'password', 'the password field');
    await page.keyboard.type(testUser.password);
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    assert.match(new URL(page.url()).pathname, /^\/f\/INBOX/);
  });

  await t.test('open the third message with the keyboard, focus visible on the way', async () => {
    const first = await tabTo(page, () => true, 'anything');
    assert.equal(first.href, '#main', 'the skip link comes first on the index too');
    const link = `/f/INBOX/${third}`;
    await tabTo(page, (f) => f.href?.startsWith(link) === true, `the link to ${link}`);
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    assert.equal(new URL(page.url()).pathname, link);
    const subject = (byUid.get(third) as GeneratedMessage).expect.subject;
    assert.equal(
      ((await page.locator('h1').textContent()) ?? '').replace(/\s+/g, ' ').trim(),
      subject,
    );
  });

  await t.test('nothing left the AlphaMail origin', () => {
    assert.deepEqual(browser.blocked, []);
  });
});
