// Proves `alphamail hang-detector` as a process against the real processes, a real Dovecot and
// the loopback Postfix: a healthy webcache over several intervals is never restarted; one frozen
// with SIGSTOP is detected after exactly the configured failures, the restart command (a script
// that SIGKILLs it) runs once, sign-in works again, and the alert mail lands in the admin's INBOX.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { ImapFlow } from 'imapflow';
import { generateMailbox } from '../../src/ops/index.js';
import { startAlphaMail } from '../harness/alphamail.js';
import { startTestDovecot, testUser } from '../harness/dovecot.js';
import { FormClient } from '../harness/http-client.js';
import { startTestMta } from '../harness/mta.js';

const cliMain = join(dirname(fileURLToPath(import.meta.url)), '../../src/cli/main.js');
const domain = 'demo.test';
const admin = { name: 'admin', password: 'admin-pw-9' };
const intervalSeconds = 1;
const deadlineSeconds = 2;
const failuresBeforeRestart = 3;
/** Healthy probes watched before the freeze: several intervals. */
const healthyProbes = 5;
/** Delivery through Postfix's queue into Dovecot takes well under this. */
const deliveryBudgetMs = 30_000;

interface LogLine {
  msg: string;
  [key: string]: unknown;
}

async function waitFor<T>(what: string, budgetMs: number, check: () => T | null | undefined) {
  const deadline = Date.now() + budgetMs;
  while (Date.now() < deadline) {
    const value = check();
    if (value !== null && value !== undefined && value !== false) return value;
    await sleep(100);
  }
  throw new Error(`${what} did not happen within ${budgetMs} ms`);
}

void test(
  'hang detector: healthy never restarted; frozen webcache restarted once, admins mailed',
  { timeout: 240_000 },
  async (t) => {
    const dovecot = await startTestDovecot({
      users: [testUser, admin],
      messages: generateMailbox({ seed: 3, count: 12, user: `${testUser.name}@${domain}` }),
    });
    t.after(() => dovecot.stop());
    const mta = await startTestMta({ dovecot, domain });
    t.after(() => mta.remove());
    const dir = mkdtempSync(join(tmpdir(), 'alphamail-hang-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const marker = join(dir, 'restarts');
    const script = join(dir, 'restart-webcache.sh');
    // Until the freeze the script only records that it ran: a healthy webcache must never see it.
    writeFileSync(script, `echo run >> '${marker}'\n`, { mode: 0o700 });
    const passwordFile = join(dir, 'probe-password');
    writeFileSync(passwordFile, `${testUser.password}\n`, { mode: 0o600 });
    const app = await startAlphaMail({
      imapServers: `${domain}=127.0.0.1:${dovecot.dovecot.port}[/] insecure`,
      extraConfig: {
        smtp_servers: `${domain}=127.0.0.1:${mta.port} insecure`,
        admin_emails: `${admin.name}@${domain}`,
        hang_detector_user: testUser.name,
        hang_detector_password_file: passwordFile,
        hang_detector_interval_seconds: String(intervalSeconds),
        hang_detector_deadline_seconds: String(deadlineSeconds),
        hang_detector_failures: String(failuresBeforeRestart),
        hang_detector_min_restart_interval_minutes: '1',
        hang_detector_restart_command: `/bin/sh ${script}`,
        log_level: 'debug',
      },
    });
    t.after(() => app.stop());

    const lines: LogLine[] = [];
    const raw: string[] = [];
    const detector: ChildProcess = spawn(
      process.execPath,
      [cliMain, 'hang-detector', '--config', app.configPath],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let pending = '';
    const collect = (chunk: Buffer): void => {
      pending += chunk.toString('utf8');
      const parts = pending.split('\n');
      pending = parts.pop() ?? '';
      for (const line of parts) {
        raw.push(line);
        try {
          lines.push(JSON.parse(line) as LogLine);
        } catch {
          lines.push({ msg: line });
        }
      }
    };
    detector.stdout?.on('data', collect);
    detector.stderr?.on('data', collect);
    t.after(async () => {
      detector.kill('SIGTERM');
      if (detector.exitCode === null) await new Promise((r) => detector.once('exit', r));
    });
    const count = (msg: string): number => lines.filter((l) => l.msg === msg).length;

    await t.test('a healthy webcache over several intervals is never restarted', async () => {
      await waitFor(
        'healthy probes',
        30_000,
        () => count('hang detector probe ok') >= healthyProbes,
      );
      assert.equal(count('hang detector probe failed'), 0, raw.join('\n'));
      assert.equal(existsSync(marker), false, 'the restart command never ran');
    });

    await t.test(
      'a frozen webcache is detected, restarted once, and sign-in works again',
      async () => {
        const webcache = app.webcacheProcess();
        assert.ok(webcache?.pid !== undefined);
        writeFileSync(script, `kill -KILL ${webcache.pid}\necho run >> '${marker}'\n`, {
          mode: 0o700,
        });
        const frozenAt = Date.now();
        webcache.kill('SIGSTOP');
        // Each failed probe takes at most its deadline, and the next starts an interval after.
        const detectBudgetMs =
          failuresBeforeRestart * Math.max(intervalSeconds, deadlineSeconds) * 1000 + 3000;
        await waitFor('the restart command', detectBudgetMs, () => existsSync(marker));
        const detectedMs = Date.now() - frozenAt;
        await waitFor('the restart logged', 10_000, () => count('restart command done') >= 1);
        assert.ok(detectedMs <= detectBudgetMs, `detected after ${detectedMs} ms`);
        // Probes go on after the restart command: count the failures logged before it ran
        // (a probe may already fail again while the harness starts the next webcache).
        const restartAt = lines.findIndex((l) => l.msg === 'restart command done');
        const failed = lines
          .slice(0, restartAt === -1 ? lines.length : restartAt)
          .filter((l) => l.msg === 'hang detector probe failed');
        assert.deepEqual(
          failed.map((l) => l.inARow),
          [1, 2, 3],
          'restarted after exactly the configured failures in a row',
        );
        assert.ok(
          failed.every((l) => l.step === 'login' && l.code === 'AM_TIMEOUT'),
          raw.join('\n'),
        );
        // The script killed the frozen process; the test's harness starts the next one.
        await app.killWebcache('SIGKILL');
        await app.startWebcache();
        const client = new FormClient(app.url);
        const signedIn = await client.signIn(testUser.name, testUser.password, domain);
        assert.equal(signedIn.status, 200);
        assert.match(signedIn.url, /\/f\/INBOX/);
        await waitFor('a good probe after the restart', 20_000, () =>
          count('webcache answers again'),
        );
        // Several more intervals: the command ran exactly once.
        const probesBefore = count('hang detector probe ok');
        await waitFor('healthy probes after the restart', 20_000, () =>
          count('hang detector probe ok') >= probesBefore + 3 ? true : null,
        );
        assert.equal(readFileSync(marker, 'utf8'), 'run\n');
        assert.equal(count('restart command done'), 1);
      },
    );

    await t.test('the alert mail arrives in the admin INBOX, without the password', async () => {
      const imap = new ImapFlow(dovecot.imapOptions(admin));
      await imap.connect();
      t.after(() => imap.logout());
      const mail = await (async () => {
        const deadline = Date.now() + deliveryBudgetMs;
        while (Date.now() < deadline) {
          const lock = await imap.getMailboxLock('INBOX');
          try {
            for await (const m of imap.fetch('1:*', { envelope: true, source: true })) {
              if (m.envelope?.subject?.startsWith('AlphaMail webcache hang')) return m;
            }
          } catch {
            // An empty INBOX has no 1:*.
          } finally {
            lock.release();
          }
          await sleep(500);
        }
        throw new Error(`no alert mail in ${deliveryBudgetMs} ms:\n${mta.logText().slice(-2000)}`);
      })();
      assert.equal(
        mail.envelope?.subject,
        `AlphaMail webcache hang: restarted after ${failuresBeforeRestart} failed probes`,
      );
      assert.deepEqual(
        mail.envelope?.to?.map((a) => a.address),
        [`${admin.name}@${domain}`],
      );
      const source = mail.source?.toString('utf8') ?? '';
      assert.match(source, /The restart command succeeded\./);
      assert.ok(source.includes(`/bin/sh ${script}`), 'names the command it ran');
      assert.ok(!source.includes(testUser.password), 'no password in the mail');
      assert.ok(!raw.join('\n').includes(testUser.password), 'no password in the log');
      assert.equal(count('alert mail sent'), 1);
    });
  },
);
