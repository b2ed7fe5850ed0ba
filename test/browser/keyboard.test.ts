// Proves AlphaMail is usable with the keyboard alone in Chromium: from one page load a user signs
// in, opens the third message, replies and sends through the real loopback Postfix, and is back
// on the index. The skip link comes first and moves focus to main, focus is always visible, and
// after each navigation focus starts at the top (skip link next) or on the result to read.
/// <reference lib="dom" />
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { generateMailbox } from '../../src/ops/index.js';
import { startAlphaMail } from '../harness/alphamail.js';
import { sentByInInbox, waitForArrival } from '../harness/arrival.js';
import { startBrowser } from '../harness/browser.js';
import { startTestDovecot, testUser } from '../harness/dovecot.js';
import { expectedOrder, manifestByUid } from '../harness/expectations.js';
import { startTestMta } from '../harness/mta.js';

const domain = 'demo.test';
const messageCount = 40;
/** More Tab presses than any page here has stops before the wanted control. */
const maxTabs = 120;
/** The third message's sender: a user of the test domain, so the reply is delivered to them. */
const friend = { name: 'friend', password: 'friend-password' };
const friendAddress = `${friend.name}@${domain}`;

interface Focused {
  tag: string;
  name: string | null;
  id: string;
  href: string | null;
  value: string | null;
  shortcut: string | null;
  role: string | null;
  text: string;
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
      value: el.getAttribute('value'),
      shortcut: el.getAttribute('data-shortcut'),
      role: el.getAttribute('role'),
      text: (el.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 200),
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

/** Presses Tab until the focused element matches, checking the focus ring on every stop. */
async function tabTo(page: Page, want: (f: Focused) => boolean, what: string): Promise<Focused> {
  for (let i = 0; i < maxTabs; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    assert.ok(focusVisible(f), `focus is visible on ${f.tag} ${f.href ?? f.name ?? f.id}`);
    if (want(f)) return f;
  }
  throw new Error(`Tab never reached ${what}`);
}

/** Presses a key that navigates and waits for the next page. */
async function navigateWith(page: Page, key: string): Promise<void> {
  await Promise.all([page.waitForNavigation(), page.keyboard.press(key)]);
}

/**
 * After a plain navigation focus is at the top of the new page (nothing stole it), the first Tab
 * shows the skip link and Enter on it puts a visible focus on main.
 */
async function skipToMain(page: Page): Promise<void> {
  assert.equal((await focused(page)).tag, 'body', 'focus starts at the top of the page');
  await page.keyboard.press('Tab');
  const skip = await focused(page);
  assert.equal(skip.href, '#main', 'the skip link is the first stop');
  assert.ok(focusVisible(skip), 'the skip link shows its focus');
  assert.ok(await page.locator('a.skip-link').isVisible(), 'the skip link is visible on focus');
  await page.keyboard.press('Enter');
  const main = await focused(page);
  assert.equal(main.id, 'main');
  assert.ok(focusVisible(main), 'main shows its focus');
}

void test('AlphaMail with the keyboard only', { timeout: 120_000 }, async (t) => {
  const messages = generateMailbox({ seed: 9, count: messageCount, user: `demo@${domain}` });
  const original = sentByInInbox(messages, 2, { name: 'Friend', address: friendAddress });
  const dovecot = await startTestDovecot({ messages, users: [testUser, friend] });
  t.after(() => dovecot.stop());
  const mta = await startTestMta({ dovecot, domain });
  t.after(() => mta.remove());
  const app = await startAlphaMail({
    imapServers: `${domain}=127.0.0.1:${dovecot.dovecot.port}[/] insecure`,
    extraConfig: { smtp_servers: `${domain}=127.0.0.1:${mta.port} insecure` },
  });
  t.after(() => app.stop());
  const browser = await startBrowser(app.url);
  t.after(() => browser.close());
  const byUid = await manifestByUid(dovecot, 'INBOX');
  const third = expectedOrder(byUid, 'date', 'desc')[2] ?? 0;
  assert.equal(byUid.get(third)?.expect.messageId, original.expect.messageId);
  const subject = original.expect.subject;
  const typed = 'Thanks, typed with the keyboard alone.';

  const ctx = await browser.newContext();
  const page = await ctx.newPage();

  await t.test('the skip link is the first stop and moves focus to main', async () => {
    await page.goto(`${app.url}/login`);
    await skipToMain(page);
  });

  await t.test('sign in with the keyboard', async () => {
    await tabTo(page, (f) => f.name === 'user', 'the user field');
    await page.keyboard.type(testUser.name);
    await tabTo(page, (f) => f.name === 'password', 'the password field');
    await page.keyboard.type(testUser.password);
    await navigateWith(page, 'Enter');
    assert.match(new URL(page.url()).pathname, /^\/f\/INBOX/);
  });

  await t.test('open the third message with the keyboard, focus visible on the way', async () => {
    await skipToMain(page);
    const link = `/f/INBOX/${third}`;
    await tabTo(page, (f) => f.href?.startsWith(link) === true, `the link to ${link}`);
    await navigateWith(page, 'Enter');
    assert.equal(new URL(page.url()).pathname, link);
    assert.equal(
      ((await page.locator('h1').textContent()) ?? '').replace(/\s+/g, ' ').trim(),
      subject,
    );
  });

  await t.test('open Reply, type above the quote, send with the keyboard', async () => {
    await skipToMain(page);
    await tabTo(page, (f) => f.shortcut === 'r', 'the Reply link');
    await navigateWith(page, 'Enter');
    assert.equal(new URL(page.url()).pathname, '/compose');
    assert.equal(await page.locator('h1').textContent(), 'Reply');
    await skipToMain(page);
    await tabTo(page, (f) => f.name === 'text', 'the message field');
    await page.keyboard.press('Control+Home');
    await page.keyboard.type(`${typed}\n\n`);
    await tabTo(page, (f) => f.name === 'action' && f.value === 'send', 'the Send button');
    await navigateWith(page, 'Space');
  });

  await t.test('back on the index, focus is on the visible "Message sent." notice', async () => {
    const url = new URL(page.url());
    assert.equal(url.pathname, '/f/INBOX');
    assert.equal(url.search, '?sent=1');
    const notice = await focused(page);
    assert.equal(notice.role, 'status');
    assert.equal(notice.text, 'Message sent.');
    assert.ok(focusVisible(notice), 'the notice shows its focus');
    // From the notice the keyboard goes on into the index.
    await tabTo(page, (f) => f.href?.startsWith(`/f/INBOX/${third}`) === true, 'the message');
  });

  await t.test('the reply reached the friend through Postfix, In-Reply-To set', async () => {
    const mail = await waitForArrival(dovecot.imapOptions(friend), `Re: ${subject}`);
    assert.equal(mail.subject, `Re: ${subject}`);
    assert.equal(mail.inReplyTo, original.expect.messageId);
    assert.equal(mail.from?.address, `${testUser.name}@${domain}`);
    assert.deepEqual(
      mail.to?.map((a) => a.address),
      [friendAddress],
    );
    assert.equal(mail.text?.split('\n')[0], typed);
  });

  await t.test('nothing left the AlphaMail origin', () => {
    assert.deepEqual(browser.blocked, []);
  });
});
