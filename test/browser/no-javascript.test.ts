// Proves AlphaMail works without JavaScript: Chromium with scripts disabled signs in, opens a
// message, goes back and changes the page size; Debian's w3m reads the index and a message.
/// <reference lib="dom" />
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { generateMailbox, type GeneratedMessage } from '../../src/ops/index.js';
import { startAlphaMail } from '../harness/alphamail.js';
import { startBrowser } from '../harness/browser.js';
import { startTestDovecot, testUser } from '../harness/dovecot.js';
import { expectedOrder, manifestByUid } from '../harness/expectations.js';
import { FormClient, csrfToken } from '../harness/http-client.js';

const run = promisify(execFile);
const domain = 'demo.test';
const messageCount = 60;
const pageSize = 20;
/** Wide enough that w3m never wraps a subject inside a table cell. */
const w3mColumns = 400;

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
  const dovecot = await startTestDovecot({ messages });
  t.after(() => dovecot.stop());
  const app = await startAlphaMail({
    imapServers: `${domain}=127.0.0.1:${dovecot.dovecot.port}[/] insecure`,
    extraConfig: { default_page_size: String(pageSize) },
  });
  t.after(() => app.stop());
  const byUid = await manifestByUid(dovecot, 'INBOX');
  const order = expectedOrder(byUid, 'date', 'desc');
  const subjectOf = (uid: number): string => (byUid.get(uid) as GeneratedMessage).expect.subject;

  // First: the Chromium flow below changes the page size, a preference kept per user.
  await t.test('w3m reads the index and a message', async () => {
    const client = new FormClient(app.url);
    const login = await client.get('/login');
    const signedIn = await client.post('/login', {
      _csrf: csrfToken(login.body),
      user: testUser.name,
      password: testUser.password,
      domain,
    });
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

  await t.test('Chromium with scripts off: sign in, open, back, page size', async () => {
    const browser = await startBrowser(app.url);
    t.after(() => browser.close());
    const ctx = await browser.newContext({ javaScriptEnabled: false });
    const page = await ctx.newPage();
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
});
