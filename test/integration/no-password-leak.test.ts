// Proves passwords reach no log and no file: the real processes (debug logging) sign in with a
// known unique password, read mail, refuse a second known password, stop; then every log line
// and every byte under the data dir (SQLite, -wal, -shm, spool…) is searched for both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { generateMailbox } from '../../src/ops/index.js';
import { startAlphaMail } from '../harness/alphamail.js';
import { startTestDovecot } from '../harness/dovecot.js';
import { FormClient } from '../harness/http-client.js';

const domain = 'demo.test';
const user = 'leakcheck';

/** Every way a password could be written down: clear, URL-encoded, base64, SASL PLAIN. */
function needlesFor(password: string): Map<string, Buffer> {
  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
  const forms: [string, string][] = [
    ['clear', password],
    ['url-encoded', encodeURIComponent(password)],
    ['base64', b64(password)],
    ['base64url', Buffer.from(password).toString('base64url')],
    ['hex', Buffer.from(password).toString('hex')],
    ['SASL PLAIN', b64(`\0${user}\0${password}`)],
    ['SASL PLAIN with authzid', b64(`${user}\0${user}\0${password}`)],
  ];
  return new Map(forms.map(([what, text]) => [what, Buffer.from(text, 'utf8')]));
}

/** Every regular file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(path));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/** Where any needle occurs: byte search, so binary files (SQLite pages, WAL frames) count. */
function findNeedles(dir: string, needles: Map<string, Buffer>): string[] {
  const found: string[] = [];
  for (const file of filesUnder(dir)) {
    const bytes = readFileSync(file);
    for (const [what, needle] of needles) {
      if (bytes.includes(needle)) found.push(`${what} in ${file}`);
    }
  }
  return found;
}

function findInLogs(lines: readonly string[], needles: Map<string, Buffer>): string[] {
  const found: string[] = [];
  lines.forEach((line, i) => {
    for (const [what, needle] of needles) {
      if (line.includes(needle.toString('utf8'))) found.push(`${what} in log line ${i}: ${line}`);
    }
  });
  return found;
}

void test('the search finds a planted password in a binary file (so a pass means something)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'alphamail-leak-self-'));
  try {
    const planted = 'Pw-planted+/x';
    const needles = needlesFor(planted);
    writeFileSync(join(dir, 'a.bin'), Buffer.concat([randomBytes(100), Buffer.from(planted)]));
    writeFileSync(join(dir, 'b.bin'), Buffer.from(`x${Buffer.from(planted).toString('base64')}`));
    const found = findNeedles(dir, needles);
    assert.ok(found.includes(`clear in ${join(dir, 'a.bin')}`), found.join('\n'));
    assert.ok(found.includes(`base64 in ${join(dir, 'b.bin')}`), found.join('\n'));
    assert.ok(!found.some((f) => f.startsWith('clear') && f.endsWith('b.bin')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

void test('no password in any log line or data file after a session', async (t) => {
  // Unique, and with characters that change under URL encoding.
  const good = `Good-${randomBytes(12).toString('hex')}+/x`;
  const bad = `Bad-${randomBytes(12).toString('hex')}+/y`;
  const dovecot = await startTestDovecot({
    users: [{ name: user, password: good }],
    messages: generateMailbox({ seed: 7, count: 8, user: `${user}@${domain}` }),
  });
  t.after(() => dovecot.stop());
  const app = await startAlphaMail({
    imapServers: `${domain}=127.0.0.1:${dovecot.dovecot.port}[/] insecure`,
    extraConfig: { log_level: 'debug' },
  });
  const appDir = dirname(app.dataDir);
  t.after(() => rmSync(appDir, { recursive: true, force: true }));
  let stopped = false;
  t.after(async () => {
    if (!stopped) await app.stop();
  });

  const client = new FormClient(app.url);
  const inbox = await client.signIn(user, good, domain);
  assert.equal(inbox.status, 200);
  assert.match(inbox.url, /\/f\/INBOX/);
  const uid = /href="\/f\/INBOX\/(\d+)/.exec(inbox.body)?.[1];
  assert.ok(uid, 'the index lists a message');
  assert.equal((await client.get(`/f/INBOX/${uid}`)).status, 200);
  assert.equal((await client.get('/settings')).status, 200);

  const stranger = new FormClient(app.url);
  const refused = await stranger.signIn(user, bad, domain);
  assert.equal(refused.status, 401, 'the wrong password is refused');

  const needles = new Map([
    ...[...needlesFor(good)].map(([k, v]) => [`good ${k}`, v] as const),
    ...[...needlesFor(bad)].map(([k, v]) => [`bad ${k}`, v] as const),
  ]);
  // While running (WAL not yet checkpointed), then after a clean stop.
  assert.deepEqual(findNeedles(appDir, needles), [], 'files while running');
  await app.stop({ keepFiles: true });
  stopped = true;
  const files = filesUnder(appDir);
  assert.ok(
    files.some((f) => f.endsWith('.sqlite')),
    `the data dir holds SQLite files: ${files.join(', ')}`,
  );
  assert.ok(
    app.logs.some((l) => l.includes('signed in')),
    'the logs were captured',
  );
  assert.deepEqual(findNeedles(appDir, needles), [], 'files after stop');
  assert.deepEqual(findInLogs(app.logs, needles), [], 'log lines');
  t.diagnostic(`searched ${app.logs.length} log lines and ${files.join(', ')}`);
});
