// Proves `alphamail sweep` as a child process on a data dir seeded with old, new, in-use,
// orphaned and linked-out spool files, with a real webcache (on a real Dovecot) naming the live
// session: exactly the right entries go, link targets outside the data dir survive, --dry-run
// lists the same and removes nothing, and a webcache that is down skips the orphan class.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  lutimesSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { renderConfigFile } from '../../src/config/index.js';
import { sessionSpoolDir } from '../../src/webcache/compose/spool.js';
import { startTestDovecot } from '../harness/dovecot.js';
import {
  loginTestUser,
  startTestWebcache,
  testDomain,
  testDomainConfig,
} from '../harness/webcache.js';

const cliMain = join(dirname(fileURLToPath(import.meta.url)), '../../src/cli/main.js');
const spoolMaxAgeMinutes = 60;
const minuteMs = 60_000;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runSweep(configPath: string, extra: string[] = []): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliMain, 'sweep', '--config', configPath, ...extra], {
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

/** Every path under `root` (links not followed), relative, sorted; directories end in "/". */
function tree(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        out.push(`${relative(root, path)}/`);
        walk(path);
      } else out.push(relative(root, path));
    }
  };
  walk(root);
  return out.sort();
}

function ageFile(path: string, ageMs: number): void {
  const when = new Date(Date.now() - ageMs);
  utimesSync(path, when, when);
}

function ageLink(path: string, ageMs: number): void {
  const when = new Date(Date.now() - ageMs);
  lutimesSync(path, when, when);
}

function writeAged(path: string, ageMs: number): void {
  writeFileSync(path, `bytes of ${basename(path)}\n`, { mode: 0o600 });
  ageFile(path, ageMs);
}

function sortedLines(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => l !== '')
    .sort();
}

void test('sweep removes old, orphaned and linked-out entries, keeps new, live, in-use files and every link target', async (t) => {
  const dovecot = await startTestDovecot({ messages: [] });
  t.after(() => dovecot.stop());
  const webcache = await startTestWebcache({
    domains: [testDomainConfig(dovecot.dovecot.port, 'slash')],
  });
  t.after(() => webcache.stop());
  const session = await loginTestUser(webcache);
  const dataDir = webcache.config.dataDir;
  const live = sessionSpoolDir(dataDir, session);
  const orphan = join(dataDir, 'spool', 'a'.repeat(32));
  const young = join(dataDir, 'spool', 'b'.repeat(32));
  mkdirSync(live, { recursive: true });
  mkdirSync(orphan);
  mkdirSync(young);

  // Outside the data dir: targets that must survive whatever points at them.
  const outside = mkdtempSync(join(tmpdir(), 'alphamail-sweep-outside-'));
  t.after(() => rmSync(outside, { recursive: true, force: true }));
  const outsideFile = join(outside, 'precious.txt');
  const outsideDir = join(outside, 'dir');
  mkdirSync(outsideDir);
  writeAged(outsideFile, 100 * 24 * 60 * minuteMs);
  writeAged(join(outsideDir, 'old-inside.txt'), 100 * 24 * 60 * minuteMs);
  const before = { outside: tree(outside) };

  const old = 2 * spoolMaxAgeMinutes * minuteMs;
  const recent = 5 * minuteMs;
  // Live session: old goes, new stays, in-use (held open below) stays with its sidecar.
  writeAged(join(live, 'old1'), old);
  writeAged(join(live, 'old1.json'), old);
  writeAged(join(live, 'new1'), recent);
  writeAged(join(live, 'new1.json'), recent);
  writeAged(join(live, 'busy'), old);
  writeAged(join(live, 'busy.json'), old);
  symlinkSync(outsideFile, join(live, 'old-link'));
  ageLink(join(live, 'old-link'), old);
  symlinkSync(outsideDir, join(live, 'old-dir-link'));
  ageLink(join(live, 'old-dir-link'), old);
  symlinkSync(outsideFile, join(live, 'new-link'));
  // Ended session: everything past the grace goes, then the directory itself.
  writeAged(join(orphan, 'up1'), recent);
  writeAged(join(orphan, 'up1.json'), recent);
  symlinkSync(outsideDir, join(orphan, 'dir-link'));
  ageLink(join(orphan, 'dir-link'), recent);
  ageFile(orphan, recent);
  // A session that ended a moment ago (or logged in after we asked): kept for now.
  writeAged(join(young, 'just-now'), 0);

  const busy = openSync(join(live, 'busy'), 'r');
  t.after(() => closeSync(busy));

  const configPath = join(webcache.dir, 'alphamail_config');
  writeFileSync(
    configPath,
    renderConfigFile({
      data_dir: dataDir,
      webcache_socket: join(webcache.dir, 'webcache.sock'),
      imap_servers: `${testDomain}=127.0.0.1:${dovecot.dovecot.port}[/] insecure`,
      spool_max_age_minutes: String(spoolMaxAgeMinutes),
    }),
  );

  const expectedRemoved = [
    `${join(live, 'old1')} (old)`,
    `${join(live, 'old1.json')} (old)`,
    `${join(live, 'old-link')} (old)`,
    `${join(live, 'old-dir-link')} (old)`,
    `${join(orphan, 'up1')} (orphaned)`,
    `${join(orphan, 'up1.json')} (orphaned)`,
    `${join(orphan, 'dir-link')} (orphaned)`,
    `${orphan}/ (orphaned)`,
  ].sort();
  const spoolBefore = tree(join(dataDir, 'spool'));

  const dry = await runSweep(configPath, ['--dry-run']);
  assert.equal(dry.code, 0, dry.stderr);
  assert.deepEqual(sortedLines(dry.stdout), expectedRemoved.map((l) => `would remove ${l}`).sort());
  assert.deepEqual(tree(join(dataDir, 'spool')), spoolBefore, 'a dry run removes nothing');
  assert.match(dry.stderr, /kept .*\/busy \(in use\)/);

  const real = await runSweep(configPath);
  assert.equal(real.code, 0, real.stderr);
  assert.deepEqual(sortedLines(real.stdout), expectedRemoved.map((l) => `removed ${l}`).sort());
  assert.deepEqual(
    tree(join(dataDir, 'spool')),
    [
      `${basename(live)}/`,
      `${basename(live)}/busy`,
      `${basename(live)}/busy.json`,
      `${basename(live)}/new-link`,
      `${basename(live)}/new1`,
      `${basename(live)}/new1.json`,
      `${basename(young)}/`,
      `${basename(young)}/just-now`,
    ].sort(),
  );
  assert.deepEqual(tree(outside), before.outside, 'nothing outside the data dir was touched');
  assert.ok(existsSync(outsideFile));

  // Nothing left to do: a second run removes nothing.
  const again = await runSweep(configPath);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(again.stdout, '');
});

void test('with the webcache down, sweep keeps session directories, still removes old files, and says so', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'alphamail-sweep-down-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const dataDir = join(dir, 'data');
  const session = join(dataDir, 'spool', 'c'.repeat(32));
  mkdirSync(session, { recursive: true });
  writeAged(join(session, 'old'), 3 * spoolMaxAgeMinutes * minuteMs);
  writeAged(join(session, 'newer'), 10 * minuteMs);
  ageFile(session, 10 * minuteMs);
  const configPath = join(dir, 'alphamail_config');
  writeFileSync(
    configPath,
    renderConfigFile({
      data_dir: dataDir,
      imap_servers: 'example.edu=127.0.0.1:993[/]',
      spool_max_age_minutes: String(spoolMaxAgeMinutes),
    }),
  );
  const run = await runSweep(configPath);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(sortedLines(run.stdout), [`removed ${join(session, 'old')} (old)`]);
  assert.match(run.stderr, /webcache did not answer/);
  assert.deepEqual(tree(join(dataDir, 'spool')), [`${'c'.repeat(32)}/`, `${'c'.repeat(32)}/newer`]);
});

void test('sweep exit codes: 2 for a bad flag, 1 when an entry cannot be swept', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'alphamail-sweep-codes-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const dataDir = join(dir, 'data');
  mkdirSync(dataDir);
  const configPath = join(dir, 'alphamail_config');
  writeFileSync(
    configPath,
    renderConfigFile({ data_dir: dataDir, imap_servers: 'example.edu=127.0.0.1:993[/]' }),
  );
  assert.equal((await runSweep(configPath, ['--now'])).code, 2);
  // The spool replaced by a link: refused (never followed), and reported as a failure.
  const elsewhere = join(dir, 'elsewhere');
  mkdirSync(elsewhere);
  writeAged(join(elsewhere, 'ancient'), 1000 * 24 * 60 * minuteMs);
  symlinkSync(elsewhere, join(dataDir, 'spool'));
  const run = await runSweep(configPath);
  assert.equal(run.code, 1);
  assert.equal(run.stdout, '');
  assert.ok(existsSync(join(elsewhere, 'ancient')));
});
