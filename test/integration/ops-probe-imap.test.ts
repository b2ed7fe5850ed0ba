// Proves `probe-imap` against real Dovecot in both namespace styles: the exact imap_servers
// line (which config/ parses back to the same prefix and separator), capabilities, special
// use, STARTTLS with an unverified certificate, and AM_AUTH_FAILED / AM_IMAP_UNREACHABLE /
// AM_IMAP_INSECURE, through the API and through the CLI's exit codes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestDovecot, testUser, type TestDovecot } from '../harness/dovecot.js';
import {
  guessDomain,
  inferFolderRoot,
  parseProbeTarget,
  probeImap,
  type ProbeOptions,
} from '../../src/ops/index.js';
import { parseConfig } from '../../src/config/index.js';
import { isAlphaMailError } from '../../src/base/index.js';

const cliPath = join(dirname(fileURLToPath(import.meta.url)), '../../src/cli/main.js');

let inboxDot: TestDovecot;
let slash: TestDovecot;
let withTls: TestDovecot;

before(async () => {
  inboxDot = await startTestDovecot({ namespace: 'inbox-dot', messages: [] });
  slash = await startTestDovecot({ namespace: 'slash', messages: [] });
  withTls = await startTestDovecot({ namespace: 'inbox-dot', messages: [], tlsPort: 0 });
});

after(async () => {
  await Promise.all([inboxDot?.stop(), slash?.stop(), withTls?.stop()]);
});

function options(server: TestDovecot, overrides: Partial<ProbeOptions> = {}): ProbeOptions {
  return {
    host: '127.0.0.1',
    port: server.dovecot.port,
    user: testUser.name,
    password: testUser.password,
    allowInsecure: true,
    verifyCertificate: true,
    domain: 'demo.test',
    ...overrides,
  };
}

/** A loopback port nobody listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  assert.ok(address !== null && typeof address === 'object');
  return address.port;
}

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(isAlphaMailError(err), `an AlphaMailError, got ${String(err)}`);
    assert.equal(err.code, code);
    return true;
  });
}

test('inbox-dot server: prefix INBOX. with separator ".", exact config line, capabilities', async () => {
  const port = inboxDot.dovecot.port;
  const result = await probeImap(options(inboxDot));
  assert.equal(result.configLine, `demo.test=127.0.0.1:${port}[INBOX.] insecure`);
  assert.equal(result.separator, '.');
  assert.equal(result.prefix, 'INBOX.');
  assert.equal(result.prefixSource, 'namespace');
  assert.equal(result.transport, 'plain');
  assert.equal(result.certificateVerified, null);
  assert.deepEqual(
    result.topLevel.map((f) => [f.wireName, f.delimiter, f.flags.includes('\\HasChildren')]),
    [['INBOX', '.', true]],
  );
  assert.equal(result.capabilities.IDLE, true);
  assert.equal(result.capabilities.CONDSTORE, true);
  assert.equal(result.capabilities.QRESYNC, true);
  assert.equal(result.capabilities['SPECIAL-USE'], true);
  assert.ok(result.specialUse.some((s) => s.use === '\\Sent' && s.folder === 'INBOX.Sent'));
  // LIST "" "%" alone (no NAMESPACE) leads to the same answer on this server.
  assert.deepEqual(inferFolderRoot(result.topLevel), { prefix: 'INBOX.', separator: '.' });

  const config = parseConfig(`imap_servers: ${result.configLine}\n`, '/probe/alphamail_config');
  const domain = config.domains[0];
  assert.equal(domain?.domain, 'demo.test');
  assert.equal(domain?.prefix, 'INBOX.');
  assert.equal(domain?.separator, '.');
  assert.equal(domain?.imap.allowInsecure, true);
  assert.equal(domain?.imap.port, port);
});

test('slash server: no prefix with separator "/", exact config line', async () => {
  const port = slash.dovecot.port;
  const result = await probeImap(options(slash));
  assert.equal(result.configLine, `demo.test=127.0.0.1:${port}[/] insecure`);
  assert.equal(result.separator, '/');
  assert.equal(result.prefix, '');
  assert.equal(result.capabilities.IDLE, true);
  assert.equal(result.capabilities.CONDSTORE, true);
  assert.ok(result.topLevel.some((f) => f.wireName === 'INBOX'));
  assert.ok(result.topLevel.some((f) => f.wireName === 'Sent' && f.flags.includes('\\Sent')));
  assert.deepEqual(inferFolderRoot(result.topLevel), { prefix: '', separator: '/' });
  const config = parseConfig(`imap_servers: ${result.configLine}\n`, '/probe/alphamail_config');
  assert.equal(config.domains[0]?.prefix, '');
  assert.equal(config.domains[0]?.separator, '/');
});

test('STARTTLS is used when offered: a self-signed certificate needs noverify', async () => {
  const port = withTls.dovecot.port;
  await rejectsWith(
    probeImap(options(withTls, { allowInsecure: false, verifyCertificate: true })),
    'AM_IMAP_INSECURE',
  );
  const result = await probeImap(
    options(withTls, { allowInsecure: false, verifyCertificate: false }),
  );
  assert.equal(result.transport, 'starttls');
  assert.equal(result.certificateVerified, false);
  assert.equal(result.configLine, `demo.test=127.0.0.1:${port}[INBOX.] noverify`);
});

test('a plain port without STARTTLS is refused unless insecure is allowed', async () => {
  await rejectsWith(probeImap(options(slash, { allowInsecure: false })), 'AM_IMAP_INSECURE');
});

test('a wrong password is AM_AUTH_FAILED', async () => {
  await rejectsWith(probeImap(options(slash, { password: 'not-the-password' })), 'AM_AUTH_FAILED');
});

test('a closed loopback port is AM_IMAP_UNREACHABLE', async () => {
  const port = await closedPort();
  await rejectsWith(probeImap(options(slash, { port, host: '127.0.0.1' })), 'AM_IMAP_UNREACHABLE');
});

test('targets and domain guesses', () => {
  assert.deepEqual(parseProbeTarget('imap.example.edu'), { host: 'imap.example.edu', port: 993 });
  assert.deepEqual(parseProbeTarget('127.0.0.1:1143'), { host: '127.0.0.1', port: 1143 });
  assert.deepEqual(parseProbeTarget('[::1]:143'), { host: '::1', port: 143 });
  assert.throws(() => parseProbeTarget('imap.example.edu:99999'));
  assert.throws(() => parseProbeTarget('a b'));
  assert.equal(guessDomain('imap.example.edu'), 'example.edu');
  assert.equal(guessDomain('mail.cs.example.edu'), 'cs.example.edu');
  assert.equal(guessDomain('example.edu'), 'example.edu');
  assert.equal(guessDomain('127.0.0.1'), null);
});

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], password: string | null): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env['ALPHAMAIL_PROBE_PASSWORD'];
  if (password !== null) env['ALPHAMAIL_PROBE_PASSWORD'] = password;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('CLI: report with the config line last, exit 0', async () => {
  const port = inboxDot.dovecot.port;
  const run = await runCli(
    [
      'probe-imap',
      `127.0.0.1:${port}`,
      '--user',
      testUser.name,
      '--insecure',
      '--domain',
      'demo.test',
    ],
    testUser.password,
  );
  assert.equal(run.code, 0, run.stderr);
  const lines = run.stdout.trimEnd().split('\n');
  assert.equal(lines.at(-1), `imap_servers: demo.test=127.0.0.1:${port}[INBOX.] insecure`);
  assert.ok(lines.includes('separator:     .'));
  assert.ok(lines.includes('  IDLE         yes'));
  assert.ok(lines.includes('  CONDSTORE    yes'));
  assert.ok(!run.stdout.includes(testUser.password), 'the password is never printed');
});

test('CLI: wrong password and unreachable exit 1 with the code', async () => {
  const wrong = await runCli(
    ['probe-imap', `127.0.0.1:${slash.dovecot.port}`, '--user', testUser.name, '--insecure'],
    'not-the-password',
  );
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /AM_AUTH_FAILED/);
  assert.ok(!wrong.stderr.includes('not-the-password'));
  const port = await closedPort();
  const unreachable = await runCli(
    ['probe-imap', `127.0.0.1:${port}`, '--user', testUser.name, '--insecure'],
    testUser.password,
  );
  assert.equal(unreachable.code, 1);
  assert.match(unreachable.stderr, /AM_IMAP_UNREACHABLE/);
});

test('CLI: bad usage exits 2 (no user, a password flag, no password, bad target)', async () => {
  const target = `127.0.0.1:${slash.dovecot.port}`;
  const noUser = await runCli(['probe-imap', target, '--insecure'], testUser.password);
  assert.equal(noUser.code, 2);
  const passwordFlag = await runCli(
    ['probe-imap', target, '--user', testUser.name, '--password', 'x'],
    testUser.password,
  );
  assert.equal(passwordFlag.code, 2);
  // stdin is /dev/null and the variable is unset: no password at all.
  const noPassword = await runCli(['probe-imap', target, '--user', testUser.name], null);
  assert.equal(noPassword.code, 2);
  const badTarget = await runCli(['probe-imap', 'a:b:c', '--user', 'x'], 'x');
  assert.equal(badTarget.code, 2);
});
