// Proves `alphamail configure` as a child process: flags alone (--non-interactive) and answers
// piped to stdin both give a file loadConfig accepts with exactly those values; every key of the
// table is asked; an existing file, a missing required key or a bad value exits 2.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configKeyNames, loadConfig } from '../../src/config/index.js';
import { configureQuestions } from '../../src/ops/index.js';

const cliPath = join(dirname(fileURLToPath(import.meta.url)), '../../src/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'alphamail-configure-'));

after(() => rmSync(dir, { recursive: true, force: true }));

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runConfigure(args: string[], stdin = ''): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, 'configure', ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

const scripted = {
  web_listen: '127.0.0.1:9090',
  public_url: 'https://mail.example.edu',
  data_dir: '/var/lib/alphamail',
  imap_servers:
    'example.edu=imap.example.edu:993[INBOX.], cs.example.edu=mail.cs.example.edu:143[/]',
  smtp_servers: 'example.edu=smtp.example.edu:587',
  max_upload_bytes: '1048576',
  session_idle_timeout_minutes: '45',
  log_level: 'debug',
};

function flagsOf(values: Record<string, string>): string[] {
  return Object.entries(values).flatMap(([key, value]) => [`--${key.replace(/_/g, '-')}`, value]);
}

test('--non-interactive: the flags become a file loadConfig reads back exactly', async () => {
  const out = join(dir, 'scripted');
  const run = await runConfigure(['--non-interactive', '--out', out, ...flagsOf(scripted)]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, `wrote ${out}\n`);
  assert.equal(statSync(out).mode & 0o777, 0o600);
  const config = loadConfig(out);
  assert.deepEqual(config.webListen, { host: '127.0.0.1', port: 9090 });
  assert.equal(config.publicUrl, 'https://mail.example.edu');
  assert.equal(config.dataDir, '/var/lib/alphamail');
  assert.deepEqual(
    config.domains.map((d) => [d.domain, d.imap.host, d.imap.port, d.prefix, d.separator]),
    [
      ['example.edu', 'imap.example.edu', 993, 'INBOX.', '.'],
      ['cs.example.edu', 'mail.cs.example.edu', 143, '', '/'],
    ],
  );
  assert.deepEqual(config.domains[0]?.smtp, {
    host: 'smtp.example.edu',
    port: 587,
    tls: 'starttls',
    allowInsecure: false,
    verifyCertificate: true,
  });
  assert.equal(config.domains[1]?.smtp, null);
  assert.equal(config.maxUploadBytes, 1_048_576);
  assert.equal(config.sessionIdleTimeoutMinutes, 45);
  assert.equal(config.logLevel, 'debug');
  // Keys not given keep their defaults and stay in the file as comments.
  assert.equal(config.defaultPageSize, 50);
  const text = readFileSync(out, 'utf8');
  for (const key of configKeyNames) assert.match(text, new RegExp(`^#? ?${key}: `, 'm'));
});

test('an existing file is kept unless --force', async () => {
  const out = join(dir, 'existing');
  writeFileSync(out, 'keep me\n');
  const refused = await runConfigure([
    '--non-interactive',
    '--out',
    out,
    '--imap-servers',
    'example.edu=imap.example.edu:993[/]',
  ]);
  assert.equal(refused.code, 2);
  assert.equal(readFileSync(out, 'utf8'), 'keep me\n');
  const forced = await runConfigure([
    '--non-interactive',
    '--force',
    '--out',
    out,
    '--imap-servers',
    'example.edu=imap.example.edu:993[/]',
  ]);
  assert.equal(forced.code, 0, forced.stderr);
  assert.equal(loadConfig(out).domains[0]?.separator, '/');
});

test('bad usage exits 2 and writes nothing', async () => {
  const out = join(dir, 'never');
  const cases = [
    ['--non-interactive', '--out', out],
    ['--non-interactive', '--out', out, '--imap-servers', 'example.edu=imap.example.edu:993'],
    ['--non-interactive', '--out', out, '--imap-servers', 'a=b.c:993[/]', '--web-listen', 'x'],
    ['--non-interactive', '--out', out, '--imap-servers', 'a=b.c:993[/]', '--no-such-key', '1'],
    // smtp_servers may only name domains of imap_servers: a cross-key rule of the parser.
    [
      '--non-interactive',
      '--out',
      out,
      '--imap-servers',
      'a.b=b.c:993[/]',
      '--smtp-servers',
      'x.y=s.t:587',
    ],
  ];
  for (const args of cases) {
    const run = await runConfigure(args);
    assert.equal(run.code, 2, `exit 2 for ${args.join(' ')}: ${run.stderr}`);
    assert.equal(existsSync(out), false);
  }
});

test('interactive: every key is asked; piped answers (one re-asked) give the same file', async () => {
  const out = join(dir, 'interactive');
  const questions = configureQuestions();
  assert.deepEqual(
    questions.map((q) => q.key),
    configKeyNames,
  );
  const answers: Record<string, string> = {
    web_listen: '127.0.0.1:9191',
    public_url: 'http://127.0.0.1:9191',
    data_dir: '/srv/alphamail',
    imap_servers: 'example.edu=imap.example.edu:993[INBOX.]',
    log_level: 'warn',
  };
  const lines = questions.flatMap((q) =>
    // A wrong imap_servers first: it is asked again, and the second answer counts.
    q.key === 'imap_servers' ? ['not a server list', answers[q.key]] : [answers[q.key] ?? ''],
  );
  const run = await runConfigure(['--out', out], `${lines.join('\n')}\n`);
  assert.equal(run.code, 0, run.stderr);
  for (const q of questions) {
    assert.ok(run.stdout.includes(`${q.key} [`), `asked ${q.key}`);
  }
  assert.equal(run.stdout.split('imap_servers [required]: ').length - 1, 2, 'asked twice');
  assert.ok(run.stdout.trimEnd().endsWith(`wrote ${out}`));
  const config = loadConfig(out);
  assert.deepEqual(config.webListen, { host: '127.0.0.1', port: 9191 });
  assert.equal(config.publicUrl, 'http://127.0.0.1:9191');
  assert.equal(config.dataDir, '/srv/alphamail');
  assert.equal(config.domains[0]?.prefix, 'INBOX.');
  assert.equal(config.logLevel, 'warn');
  assert.equal(config.maxUploadBytes, 26_214_400);
});

test('interactive: flags are not asked again; input ending before a required key exits 2', async () => {
  const out = join(dir, 'preset');
  const run = await runConfigure(
    ['--out', out, '--imap-servers', 'example.edu=imap.example.edu:993[/]'],
    '',
  );
  assert.equal(run.code, 0, run.stderr);
  assert.ok(!run.stdout.includes('imap_servers ['));
  assert.equal(loadConfig(out).domains[0]?.domain, 'example.edu');
  const early = await runConfigure(['--out', join(dir, 'early')], '\n\n');
  assert.equal(early.code, 2);
  assert.equal(existsSync(join(dir, 'early')), false);
});

test('operations keys: admin addresses, hang detector, sandbox user and sharing limits as flags and answers', async () => {
  const ops = {
    admin_emails: 'root@example.edu, ops@example.edu',
    hang_detector_user: 'probe',
    hang_detector_password_file: '/etc/alphamail/probe-password',
    hang_detector_failures: '4',
    sandbox_user: 'am-viewer',
    share_max_bytes: '0',
    trusted_proxies: '127.0.0.1',
  };
  const flagged = join(dir, 'ops-flags');
  const run = await runConfigure([
    '--non-interactive',
    '--out',
    flagged,
    '--imap-servers',
    'example.edu=imap.example.edu:993[/]',
    ...flagsOf(ops),
  ]);
  assert.equal(run.code, 0, run.stderr);
  const expectOps = (file: string): void => {
    const config = loadConfig(file);
    assert.deepEqual(config.ops.adminEmails, ['root@example.edu', 'ops@example.edu']);
    assert.equal(config.ops.hangDetector.user, 'probe');
    assert.equal(config.ops.hangDetector.domain, 'example.edu');
    assert.equal(config.ops.hangDetector.passwordFile, '/etc/alphamail/probe-password');
    assert.equal(config.ops.hangDetector.failures, 4);
    assert.equal(config.ops.sandboxUser, 'am-viewer');
    assert.equal(config.ops.shareMaxBytes, 0);
    assert.deepEqual(config.ops.trustedProxies, ['127.0.0.1']);
  };
  expectOps(flagged);
  // The same answers piped to the questions, in the table's order.
  const answered = join(dir, 'ops-answers');
  const answers: Record<string, string> = {
    imap_servers: 'example.edu=imap.example.edu:993[/]',
    ...ops,
  };
  const lines = configureQuestions().map((q) => answers[q.key] ?? '');
  const piped = await runConfigure(['--out', answered], `${lines.join('\n')}\n`);
  assert.equal(piped.code, 0, piped.stderr);
  expectOps(answered);
  // A user without the password file is refused: the password never goes into a flag.
  const lonely = await runConfigure([
    '--non-interactive',
    '--out',
    join(dir, 'ops-lonely'),
    '--imap-servers',
    'example.edu=imap.example.edu:993[/]',
    '--hang-detector-user',
    'probe',
  ]);
  assert.equal(lonely.code, 2);
});
