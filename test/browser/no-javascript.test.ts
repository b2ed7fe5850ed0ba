// Proves AlphaMail works without JavaScript: Chromium with scripts disabled signs in, opens a
// message, goes back, changes the page size, replies and sends through the real loopback Postfix
// (the reply arrives with In-Reply-To), ticks a conversation of the threaded index and flags its
// messages on the server; Debian's w3m reads the index and a message.
/// <reference lib="dom" />
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { ImapFlow } from 'imapflow';
import { promisify } from 'node:util';
import { generateMailbox, type GeneratedMessage } from '../../src/ops/index.js';
import { startAlphaMail } from '../harness/alphamail.js';
import { sentByInInbox, waitForArrival } from '../harness/arrival.js';
import { startBrowser } from '../harness/browser.js';
import { startTestDovecot, testUser } from '../harness/dovecot.js';
import { expectedOrder, manifestByUid } from '../harness/expectations.js';
import { FormClient } from '../harness/http-client.js';
import { startTestMta } from '../harness/mta.js';

const run = promisify(execFile);
const domain = 'demo.test';
const messageCount = 60;
const pageSize = 20;
/** Wide enough that w3m never wraps a subject inside a table cell. */
const w3mColumns = 400;
/** The third message's sender: a user of the test domain, so the reply is delivered to them. */
const friend = { name: 'friend', password: 'friend-password' };
const friendAddress = `${friend.name}@${domain}`;

/** Collapses runs of whitespace, as a text browser's layout does. */
const squash = (s: string): string => s.replace(/\s+/g, ' ').trim();

async function w3mDump(url: string, cookie: string): Promise<string> {
  const { stdout } = await run(
    'w3m',
    ['-dump', '-cols', String(w3mColumns), '-O', 'UTF-8', '-header', `Cookie: ${cookie}`, url],
    { env: { ...process.env, HOME: process.env.HOME ?? '/tmp', LANG: 'C.UTF-8' } },
  );
  return stdout;
}

void test('AlphaMail without JavaScript', { timeout: 120_000 }, async (t) => {
  const messages = generateMailbox({ seed: 8, count: messageCount, user: `demo@${domain}` });
  const original = sentByInInbox(messages, 2, { name: 'Friend', address: friendAddress });
  const dovecot = await startTestDovecot({ messages, users: [testUser, friend] });
  t.after(() => dovecot.stop());
  const mta = await startTestMta({ dovecot, domain });
  t.after(() => mta.remove());
  const app = await startAlphaMail({
    imapServers: `${domain}=127.0.0.1:${dovecot.dovecot.port}[/] insecure`,
    extraConfig: {
      default_page_size: String(pageSize),
      smtp_servers: `${domain}=127.0.0.1:${mta.port} insecure`,
    },
  });
  t.after(() => app.stop());
  const byUid = await manifestByUid(dovecot, 'INBOX');
  const order = expectedOrder(byUid, 'date', 'desc');
  const subjectOf = (uid: number): string => (byUid.get(uid) as GeneratedMessage).expect.subject;
  assert.equal(byUid.get(order[2] ?? 0)?.expect.messageId, original.expect.messageId);

  // First: the Chromium flow below changes the page size, a preference kept per user.
  await t.test('w3m reads the index and a message', async () => {
    const client = new FormClient(app.url);
    const signedIn = await client.signIn(testUser.name, testUser.password, domain);
    assert.equal(signedIn.status, 200);
    const cookie = client.cookieHeader();

    const index = squash(await w3mDump(`${app.url}/f/INBOX?sort=date&order=desc&page=1`, cookie));
    assert.match(index, /Inbox/);
    const firstPage = order
      .slice(0, pageSize)
      .map(subjectOf)
      .filter((s) => s.trim() !== '');
    const missing = firstPage.filter((s) => !index.includes(squash(s)));
    assert.deepEqual(missing, [], 'every subject of the first page is in the dump');

    const plain = order.find((uid) => {
      const m = byUid.get(uid) as GeneratedMessage;
      return m.kind === 'plain' && m.expect.subject.trim() !== '';
    });
    assert.ok(plain !== undefined, 'the mailbox has a plain message');
    const message = byUid.get(plain) as GeneratedMessage;
    const dump = squash(await w3mDump(`${app.url}/f/INBOX/${plain}`, cookie));
    assert.ok(dump.includes(squash(message.expect.subject)), 'the subject is in the dump');
    const lines = (message.expect.text ?? '').split('\n').filter((l) => l.trim().length > 8);
    assert.ok(lines.length > 0);
    for (const line of lines.slice(0, 3))
      assert.ok(
        dump.includes(squash(line)),
        `the text line ${JSON.stringify(line)} is in the dump`,
      );
  });

  const browser = await startBrowser(app.url);
  t.after(() => browser.close());
  const ctx = await browser.newContext({ javaScriptEnabled: false });
  const page = await ctx.newPage();

  await t.test('Chromium with scripts off: sign in, open, back, page size', async () => {
    await page.setContent('<title>off</title><script>document.title = "on"</script>');
    assert.equal(await page.title(), 'off', 'page scripts do not run');

    await page.goto(`${app.url}/login`);
    await page.fill('input[name="user"]', testUser.name);
    await page.fill('input[name="password"]', testUser.password);
    await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
    assert.match(page.url(), /\/f\/INBOX/);
    const rows = page.locator('table tbody tr');
    assert.equal(await rows.count(), pageSize);

    const third = order[2] ?? 0;
    const indexUrl = page.url();
    await Promise.all([page.waitForNavigation(), rows.nth(2).locator('td.col-subject a').click()]);
    assert.equal(new URL(page.url()).pathname, `/f/INBOX/${third}`);
    const h1 = squash((await page.locator('h1').textContent()) ?? '');
    assert.equal(h1, squash(subjectOf(third)), 'the message page shows its subject');

    await page.goBack();
    assert.equal(page.url(), indexUrl);
    assert.equal(await page.locator('table tbody tr').count(), pageSize);

    const newSize = 7;
    await page.fill('#page-size', String(newSize));
    await Promise.all([page.waitForNavigation(), page.click('form.page-size button')]);
    assert.match(new URL(page.url()).pathname, /^\/f\/INBOX/);
    assert.equal(await page.locator('table tbody tr').count(), newSize);
    const shown = await page.locator('table tbody td.col-subject a').allTextContents();
    assert.deepEqual(
      shown.map(squash),
      order.slice(0, newSize).map((uid) => squash(subjectOf(uid))),
    );
    assert.deepEqual(browser.blocked, []);
  });

  await t.test('Chromium with scripts off: reply, send, "Message sent."', async () => {
    const typed = 'Thanks, sent without JavaScript.';
    // "Re:" is not stacked on a subject that has one already.
    const subject = original.expect.subject.replace(/^(?!re:)/i, 'Re: ');
    await Promise.all([
      page.waitForNavigation(),
      page.locator('table tbody tr').nth(2).locator('td.col-subject a').click(),
    ]);
    assert.equal(new URL(page.url()).pathname, `/f/INBOX/${order[2] ?? 0}`);
    await Promise.all([page.waitForNavigation(), page.click('a[data-shortcut="r"]')]);
    assert.equal(await page.locator('h1').textContent(), 'Reply');
    assert.match(await page.inputValue('input[name="to"]'), new RegExp(friendAddress));
    assert.equal(await page.inputValue('input[name="subject"]'), subject);
    const quoted = await page.inputValue('textarea[name="text"]');
    await page.fill('textarea[name="text"]', `${typed}\n\n${quoted}`);
    await Promise.all([
      page.waitForNavigation(),
      page.click('button[name="action"][value="send"]'),
    ]);
    const url = new URL(page.url());
    assert.equal(`${url.pathname}${url.search}`, '/f/INBOX?sent=1');
    assert.equal(
      squash((await page.locator('.status-notice').textContent()) ?? ''),
      'Message sent.',
    );
    const focusedText = await page.evaluate(() => document.activeElement?.textContent ?? '');
    assert.equal(squash(focusedText), 'Message sent.', 'the notice has focus, without scripts too');

    const mail = await waitForArrival(dovecot.imapOptions(friend), subject);
    assert.equal(mail.inReplyTo, original.expect.messageId);
    assert.equal(mail.from?.address, `${testUser.name}@${domain}`);
    assert.equal(mail.text?.split('\n')[0], typed);
    assert.deepEqual(browser.blocked, []);
  });

  await t.test(
    'Chromium with scripts off: tick a conversation, flag all its messages; select all, read',
    async () => {
      await page.goto(`${app.url}/settings`);
      await page.check('#threaded');
      await Promise.all([page.waitForNavigation(), page.click('form.settings [type="submit"]')]);
      await page.goto(`${app.url}/f/INBOX`);
      // A conversation with several INBOX messages, none of them flagged yet.
      const boxes = page.locator('input[type="checkbox"][name="conversation"]');
      const values = await Promise.all(
        (await boxes.all()).map(async (box) => (await box.getAttribute('value')) ?? ''),
      );
      const flagged = new Set(
        [...byUid].filter(([, m]) => m.flags.includes('\\Flagged')).map(([uid]) => uid),
      );
      const value = values.find((v) => {
        const uids = v.split(' ').map(Number);
        return uids.length >= 2 && uids.every((uid) => !flagged.has(uid));
      });
      assert.ok(value, 'the first page has an unflagged conversation of several INBOX messages');
      const uids = value.split(' ').map(Number);
      await page.check(`input[name="conversation"][value="${value}"]`);
      await Promise.all([
        page.waitForNavigation(),
        page.click('button[name="action"][value="flag"]'),
      ]);
      assert.equal(
        squash((await page.locator('.organise-notice p').textContent()) ?? ''),
        `Flagged ${uids.length} messages.`,
      );
      const imap = new ImapFlow(dovecot.imapOptions());
      await imap.connect();
      try {
        const lock = await imap.getMailboxLock('INBOX');
        try {
          for await (const m of imap.fetch(uids.join(','), { flags: true }, { uid: true })) {
            assert.ok(m.flags?.has('\\Flagged'), `INBOX ${m.uid} is flagged on the server`);
          }
          const others = await imap.search({ flagged: true }, { uid: true });
          assert.deepEqual(
            (others || []).filter((uid) => !flagged.has(uid)).sort((a, b) => a - b),
            [...uids].sort((a, b) => a - b),
            'only the ticked conversation was flagged',
          );
        } finally {
          lock.release();
        }
      } finally {
        await imap.logout();
      }

      // "Select all on this page" is a link: the page comes back with every row ticked.
      await Promise.all([page.waitForNavigation(), page.click('text=Select all on this page')]);
      const all = page.locator('input[type="checkbox"][name="conversation"]');
      const ticked = page.locator('input[type="checkbox"][name="conversation"]:checked');
      assert.ok((await all.count()) > 1);
      assert.equal(await ticked.count(), await all.count());
      const everyUid = (
        await Promise.all(
          (await all.all()).map(async (box) => (await box.getAttribute('value')) ?? ''),
        )
      ).flatMap((v) => v.split(' ').map(Number));
      await Promise.all([
        page.waitForNavigation(),
        page.click('button[name="action"][value="read"]'),
      ]);
      assert.equal(
        squash((await page.locator('.organise-notice p').textContent()) ?? ''),
        `Marked ${everyUid.length} messages as read.`,
      );
      assert.equal(await ticked.count(), 0, 'the page after the action has nothing ticked');
      const reader = new ImapFlow(dovecot.imapOptions());
      await reader.connect();
      try {
        const lock = await reader.getMailboxLock('INBOX');
        try {
          const unseen = (await reader.search({ seen: false }, { uid: true })) || [];
          assert.deepEqual(
            unseen.filter((uid) => everyUid.includes(uid)),
            [],
            'every message of the page is read on the server',
          );
        } finally {
          lock.release();
        }
      } finally {
        await reader.logout();
      }
      assert.deepEqual(browser.blocked, []);
    },
  );
});
