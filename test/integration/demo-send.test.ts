// Proves the demo sends mail: `alphamail demo` (what `npm start` runs) started as the README says,
// as root with Postfix, gives its domain a private Postfix; the demo user sends the second demo
// user a message through the web tier and it arrives in that user's INBOX. Without smtp_servers
// the same send fails, says why and keeps a draft.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isPortOpen } from '../../src/ops/demo/host.js';
import { freePort, startAlphaMail, startupBudgetMs } from '../harness/alphamail.js';
import { waitForArrival } from '../harness/arrival.js';
import { composeFields, fieldValue, postCompose } from '../harness/compose-client.js';
import { FormClient } from '../harness/http-client.js';

const cliMain = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const domain = 'demo.test';
/** Seeding 300 messages, two servers and both AlphaMail processes take a few seconds. */
const demoStartBudgetMs = startupBudgetMs * 3;

interface Demo {
  child: ChildProcess;
  output: () => string;
  url: string;
}

async function startDemo(cwd: string): Promise<Demo> {
  const port = await freePort();
  // As the README: `npm start` is `node dist/src/cli/main.js demo` in the project directory.
  const child = spawn(process.execPath, [cliMain, 'demo', '--port', String(port)], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout?.on('data', (c: Buffer) => (text += c.toString('utf8')));
  child.stderr?.on('data', (c: Buffer) => (text += c.toString('utf8')));
  const deadline = Date.now() + demoStartBudgetMs;
  // Both processes start side by side; a sign-in before the webcache listens gets "restarting".
  while (!text.includes('"web ready"') || !text.includes('"webcache ready"')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the demo did not become ready:\n${text}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, output: () => text, url: `http://127.0.0.1:${port}` };
}

function bannerValue(output: string, pattern: RegExp): string {
  const value = pattern.exec(output)?.[1];
  if (value === undefined) throw new Error(`the banner has no ${String(pattern)}:\n${output}`);
  return value;
}

async function signIn(client: FormClient, user: string, password: string): Promise<void> {
  const page = await client.signIn(user, password, domain);
  assert.equal(page.status, 200, `${user} signs in`);
  assert.match(page.url, /\/f\/INBOX/);
}

void test(
  'the demo: demo sends friend a message through the web tier',
  { timeout: 120_000 },
  async (t) => {
    const cwd = mkdtempSync(join(tmpdir(), 'alphamail-demo-'));
    // Dovecot's mail user and Postfix's daemons must enter the demo's directory, as in a checkout.
    chmodSync(cwd, 0o755);
    t.after(() => rmSync(cwd, { recursive: true, force: true }));
    const demo = await startDemo(cwd);
    let hasExited = false;
    t.after(() => {
      if (!hasExited) demo.child.kill('SIGKILL');
    });
    const output = demo.output();
    const password = bannerValue(output, /Sign in as user "demo" with password "([^"]+)"/);
    const friendPassword = bannerValue(output, /Second user: "friend" with password "([^"]+)"/);
    const imapPort = Number(bannerValue(output, /Demo mail server: demo\.test=127\.0\.0\.1:(\d+)/));
    const smtpPort = Number(
      bannerValue(output, /Demo mail server for sending: demo\.test=127\.0\.0\.1:(\d+) insecure/),
    );
    const subject = `Hello from the demo ${Date.now()}`;
    const text = 'Hi friend,\n\nthis came through the demo Postfix.\n\ndemo';

    await t.test('demo sends; the page says so; friend gets it with the text', async () => {
      const client = new FormClient(demo.url);
      await signIn(client, 'demo', password);
      const form = await client.get('/compose');
      assert.equal(form.status, 200);
      const sent = await postCompose(client, {
        ...composeFields(form.body),
        to: `Friend <friend@${domain}>`,
        subject,
        text,
        action: 'send',
      });
      assert.equal(sent.status, 200, sent.body.slice(0, 2000));
      assert.match(sent.url, /\/f\/INBOX\?sent=1$/);
      assert.match(sent.body, /role="status"[^>]*>Message sent\.</);
      const mail = await waitForArrival(
        {
          host: '127.0.0.1',
          port: imapPort,
          secure: false,
          auth: { user: 'friend', pass: friendPassword },
          logger: false,
        },
        subject,
      );
      assert.equal(mail.from?.address, `demo@${domain}`);
      assert.deepEqual(
        mail.to?.map((a) => a.address),
        [`friend@${domain}`],
      );
      assert.equal(mail.subject, subject);
      assert.equal(mail.text?.trimEnd(), text);
    });

    await t.test('without smtp_servers the send fails, says why and keeps a draft', async () => {
      const app = await startAlphaMail({
        imapServers: `${domain}=127.0.0.1:${imapPort}[/] insecure`,
      });
      t.after(() => app.stop());
      const client = new FormClient(app.url);
      await signIn(client, 'demo', password);
      const form = await client.get('/compose');
      const failed = await postCompose(client, {
        ...composeFields(form.body),
        to: `friend@${domain}`,
        subject: 'Not sent',
        text: 'kept',
        action: 'send',
      });
      assert.equal(failed.status, 502);
      assert.match(failed.body, /role="alert"/);
      assert.match(failed.body, /The message was not sent/);
      assert.match(failed.body, /smtp_servers/, 'the page names the missing setting');
      assert.match(fieldValue(failed.body, 'draft'), /^Drafts\/\d+$/, 'a draft is kept');
      assert.equal(fieldValue(failed.body, 'text'), 'kept');
    });

    await t.test('Ctrl+C stops the demo, its Postfix with it', async () => {
      demo.child.kill('SIGINT');
      const code = await new Promise<number | null>((done) => demo.child.once('exit', done));
      hasExited = true;
      assert.equal(code, 0, demo.output().slice(-2000));
      assert.equal(await isPortOpen(smtpPort), false, 'the demo Postfix is stopped');
      assert.equal(await isPortOpen(imapPort), false, 'the demo Dovecot is stopped');
    });
  },
);
