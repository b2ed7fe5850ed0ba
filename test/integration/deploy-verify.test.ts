// Proves deploy/ is usable as shipped: `systemd-analyze verify` prints nothing at all for the
// units (it only warns on an unknown key, so any output fails), the hardening is there, and
// nginx accepts the sample — checked with `nginx -t` and then run on loopback for real, where
// /events must stream and the body limit must sit just above max_upload_bytes.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { rmSync, writeFileSync } from 'node:fs';
import { createServer, connect, type AddressInfo } from 'node:net';
import { createServer as createHttpServer, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { daemonMallocEnv } from '../../src/cli/daemon-env.js';
import { configKeys } from '../../src/config/index.js';

const run = promisify(execFile);
const deployDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../../deploy');
const work = mkdtempSync(join(tmpdir(), 'alphamail-deploy-'));
// nginx workers run as nobody and must reach the temp paths inside.
chmodSync(work, 0o755);
/** How long the first event may take through nginx before we call the proxy buffering. */
const unbufferedBudgetMs = 5_000;
const cleanups: (() => Promise<void> | void)[] = [];

after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  rmSync(work, { recursive: true, force: true });
});

const units = readdirSync(deployDir).filter((f) => /\.(service|timer)$/.test(f));
const execCommands: Record<string, string> = {
  'alphamail-web.service': 'web',
  'alphamail-webcache.service': 'webcache',
  'alphamail-sweep.service': 'sweep',
  'alphamail-hang-detector.service': 'hang-detector',
};

/** `Key=value` lines of a unit, repeated keys kept in order. */
function directives(file: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of readFileSync(join(deployDir, file), 'utf8').split('\n')) {
    const match = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (match?.[1] === undefined) continue;
    out.set(match[1], [...(out.get(match[1]) ?? []), match[2] ?? '']);
  }
  return out;
}

/** A root with Debian's own units (targets the samples name) and a stand-in /usr/bin/node. */
function verifyRoot(name: string): string {
  const root = join(work, name);
  mkdirSync(join(root, 'usr/bin'), { recursive: true });
  mkdirSync(join(root, 'etc/systemd/system'), { recursive: true });
  cpSync('/usr/lib/systemd/system', join(root, 'usr/lib/systemd/system'), { recursive: true });
  writeFileSync(join(root, 'usr/bin/node'), '#!/bin/sh\n', { mode: 0o755 });
  return root;
}

async function verify(root: string, files: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run('systemd-analyze', ['verify', `--root=${root}`, ...files]);
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, output: (e.stdout ?? '') + (e.stderr ?? '') };
  }
}

test('systemd-analyze verify accepts every unit without a single warning', async () => {
  assert.deepEqual(units.sort(), [
    'alphamail-hang-detector.service',
    'alphamail-sweep.service',
    'alphamail-sweep.timer',
    'alphamail-web.service',
    'alphamail-webcache.service',
  ]);
  const root = verifyRoot('root-ok');
  for (const unit of units) cpSync(join(deployDir, unit), join(root, 'etc/systemd/system', unit));
  const result = await verify(
    root,
    units.map((u) => join(root, 'etc/systemd/system', u)),
  );
  assert.equal(result.output, '');
  assert.equal(result.code, 0);
});

test('the verify check can fail: a misspelled key is reported', async () => {
  const root = verifyRoot('root-bad');
  const text = readFileSync(join(deployDir, 'alphamail-web.service'), 'utf8');
  const broken = join(root, 'etc/systemd/system/alphamail-web.service');
  writeFileSync(broken, text.replace('ProtectHome=yes', 'ProtectHom=yes'));
  const result = await verify(root, [broken]);
  assert.match(result.output, /Unknown key 'ProtectHom'/);
});

test('every service runs the right command as alphamail, hardened', () => {
  for (const [unit, command] of Object.entries(execCommands)) {
    const d = directives(unit);
    assert.deepEqual(d.get('ExecStart'), [
      `/usr/bin/node /opt/alphamail/bin/alphamail.js ${command} --config /etc/alphamail/alphamail_config`,
    ]);
    for (const [key, value] of [
      ['User', 'alphamail'],
      ['NoNewPrivileges', 'yes'],
      ['ProtectSystem', 'strict'],
      ['ReadWritePaths', '/var/lib/alphamail'],
      ['PrivateTmp', 'yes'],
      ['ProtectHome', 'yes'],
      ['CapabilityBoundingSet', ''],
    ] as const) {
      assert.deepEqual(d.get(key), [value], `${unit}: ${key}=${value}`);
    }
    assert.ok(d.get('RestrictAddressFamilies') !== undefined, `${unit}: RestrictAddressFamilies`);
    assert.equal(d.get('MemoryDenyWriteExecute'), undefined, `${unit}: V8 needs W+X pages`);
  }
  // bubblewrap needs user namespaces, a fresh /proc and netlink in the webcache.
  const webcache = directives('alphamail-webcache.service');
  for (const key of [
    'RestrictNamespaces',
    'PrivateUsers',
    'ProtectKernelTunables',
    'ProtectProc',
  ]) {
    assert.equal(webcache.get(key), undefined, `webcache must not set ${key}`);
  }
  assert.match(webcache.get('RestrictAddressFamilies')?.[0] ?? '', /\bAF_NETLINK\b/);
  assert.deepEqual(webcache.get('Restart'), ['always']);
  assert.deepEqual(directives('alphamail-web.service').get('RestrictNamespaces'), ['yes']);
  // The daemons start with the malloc settings `alphamail start` gives them.
  const mallocLine = Object.entries(daemonMallocEnv)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  for (const unit of ['alphamail-web.service', 'alphamail-webcache.service']) {
    assert.deepEqual(directives(unit).get('Environment'), [mallocLine], unit);
  }
  const timer = directives('alphamail-sweep.timer');
  assert.deepEqual(timer.get('OnCalendar'), ['daily']);
  assert.deepEqual(timer.get('Unit'), ['alphamail-sweep.service']);
});

test('systemd-analyze security rates the units (web tightest, webcache loosest)', async () => {
  const levels: Record<string, number> = {};
  for (const unit of Object.keys(execCommands)) {
    const { stdout } = await run('systemd-analyze', [
      'security',
      '--offline=true',
      '--no-pager',
      join(deployDir, unit),
    ]);
    const match = /Overall exposure level for \S+: ([0-9.]+)/.exec(stdout);
    assert.ok(match?.[1] !== undefined, `${unit}: exposure level printed`);
    levels[unit] = Number(match[1]);
  }
  assert.ok((levels['alphamail-web.service'] ?? 10) <= 2, JSON.stringify(levels));
  assert.ok((levels['alphamail-sweep.service'] ?? 10) <= 2, JSON.stringify(levels));
  assert.ok((levels['alphamail-hang-detector.service'] ?? 10) <= 2.5, JSON.stringify(levels));
  assert.ok((levels['alphamail-webcache.service'] ?? 10) <= 5, JSON.stringify(levels));
});

// ---- nginx -------------------------------------------------------------------------------

const nginxSample = readFileSync(join(deployDir, 'nginx-alphamail.conf'), 'utf8');

/** Replaces one exact line, failing when the sample no longer has it exactly once. */
function replaceLine(text: string, line: string, by: string): string {
  const parts = text.split(`\n${line}\n`);
  assert.equal(parts.length, 2, `the sample has the line ${JSON.stringify(line)} once`);
  return parts.join(`\n${by}\n`);
}

async function selfSignedCertificate(): Promise<{ cert: string; key: string }> {
  const cert = join(work, 'cert.pem');
  const key = join(work, 'key.pem');
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '1',
    '-subj',
    '/CN=mail.example.edu',
  ]);
  chmodSync(key, 0o600);
  return { cert, key };
}

function nginxConf(prefix: string, sample: string): string {
  mkdirSync(prefix, { recursive: true });
  writeFileSync(join(prefix, 'alphamail.conf'), sample);
  const conf = join(prefix, 'nginx.conf');
  writeFileSync(
    conf,
    [
      `pid ${prefix}/nginx.pid;`,
      `error_log ${prefix}/error.log;`,
      'worker_processes 1;',
      'events { worker_connections 64; }',
      'http {',
      '  access_log off;',
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(
        (t) => `  ${t}_temp_path ${prefix}/${t};`,
      ),
      `  include ${prefix}/alphamail.conf;`,
      '}',
      '',
    ].join('\n'),
  );
  return conf;
}

function withCertificate(sample: string, cert: { cert: string; key: string }): string {
  let text = replaceLine(
    sample,
    '    ssl_certificate /etc/letsencrypt/live/mail.example.edu/fullchain.pem;',
    `    ssl_certificate ${cert.cert};`,
  );
  text = replaceLine(
    text,
    '    ssl_certificate_key /etc/letsencrypt/live/mail.example.edu/privkey.pem;',
    `    ssl_certificate_key ${cert.key};`,
  );
  return text;
}

test('nginx -t accepts the sample (only the certificate paths replaced)', async () => {
  const cert = await selfSignedCertificate();
  const prefix = join(work, 'nginx-t');
  const conf = nginxConf(prefix, withCertificate(nginxSample, cert));
  const { stderr } = await run('nginx', [
    '-t',
    '-p',
    prefix,
    '-c',
    conf,
    '-e',
    `${prefix}/error.log`,
  ]);
  assert.match(stderr, /syntax is ok/);
  assert.match(stderr, /test is successful/);
  assert.doesNotMatch(stderr, /\[(warn|emerg|alert|crit)\]/);
});

test('/events is proxied unbuffered with an hour-long read timeout', () => {
  const block = /location \/events \{([^}]*)\}/.exec(nginxSample)?.[1] ?? '';
  const lines = block.split('\n').map((l) => l.trim());
  assert.ok(lines.includes('proxy_pass http://127.0.0.1:8080;'));
  assert.ok(lines.includes('proxy_buffering off;'));
  assert.ok(lines.includes('proxy_read_timeout 1h;'));
});

test('the body limit is max_upload_bytes plus at most 1 MiB for the form around it', () => {
  const match = /^\s*client_max_body_size (\d+)m;$/m.exec(nginxSample);
  const limit = Number(match?.[1]) * 1_048_576;
  const upload = Number(configKeys.max_upload_bytes.default);
  assert.equal(upload, 26_214_400);
  assert.ok(limit > upload && limit - upload <= 1_048_576, `limit ${limit}`);
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

async function waitForPort(port: number, budgetMs: number): Promise<void> {
  const until = Date.now() + budgetMs;
  for (;;) {
    const ok = await new Promise<boolean>((r) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), r(true)));
      socket.once('error', () => r(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`nothing listens on 127.0.0.1:${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Upstream {
  server: Server;
  port: number;
  /** Resolved with the first event's arrival, so the stream can go on. */
  releaseSecondEvent: () => void;
}

async function startUpstream(): Promise<Upstream> {
  let release = (): void => {};
  const second = new Promise<void>((r) => (release = r));
  const server = createHttpServer((req, res) => {
    if (req.url === '/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.write('data: first\n\n');
      void second.then(() => res.end('data: second\n\n'));
      return;
    }
    let bytes = 0;
    req.on('data', (chunk: Buffer) => (bytes += chunk.length));
    req.on('end', () => res.end(`received ${bytes}`));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port, releaseSecondEvent: release };
}

function httpsCall(
  port: number,
  path: string,
  body: Buffer | null,
  onChunk?: (text: string) => void,
): Promise<{ status: number; text: string }> {
  return new Promise((resolvePromise, reject) => {
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port,
        path,
        method: body === null ? 'GET' : 'POST',
        rejectUnauthorized: false,
        headers: { host: 'mail.example.edu', ...(body ? { 'content-length': body.length } : {}) },
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => {
          text += d.toString('utf8');
          onChunk?.(text);
        });
        res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end(body ?? undefined);
  });
}

// nginx 1.22 happens to pass an event on even with buffering on when the upstream pauses, so
// this run proves the path streams end to end; the test above pins `proxy_buffering off`.
test('nginx running the sample on loopback: /events streams, body limit enforced', async () => {
  const cert = await selfSignedCertificate();
  const upstream = await startUpstream();
  cleanups.push(() => new Promise<void>((r) => upstream.server.close(() => r())));
  const [httpsPort, httpPort] = [await freePort(), await freePort()];
  let sample = withCertificate(nginxSample, cert);
  // Loopback only: the public listeners become 127.0.0.1 ports, the [::] ones go.
  sample = replaceLine(
    sample,
    '    listen 443 ssl http2;',
    `    listen 127.0.0.1:${httpsPort} ssl http2;`,
  );
  sample = replaceLine(sample, '    listen [::]:443 ssl http2;', '');
  sample = replaceLine(sample, '    listen 80;', `    listen 127.0.0.1:${httpPort};`);
  sample = replaceLine(sample, '    listen [::]:80;', '');
  sample = sample.replaceAll('http://127.0.0.1:8080', `http://127.0.0.1:${upstream.port}`);
  const prefix = join(work, 'nginx-run');
  const conf = nginxConf(prefix, sample);
  const nginx: ChildProcess = spawn(
    'nginx',
    ['-p', prefix, '-c', conf, '-e', `${prefix}/error.log`, '-g', 'daemon off;'],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((r) => nginx.once('exit', () => r()));
  cleanups.push(async () => {
    if (nginx.exitCode === null) nginx.kill('SIGTERM');
    await exited;
  });
  await waitForPort(httpsPort, 10_000);

  // The first event arrives while the upstream still holds the stream open.
  let sawFirstAlone = false;
  const giveUp = setTimeout(() => upstream.releaseSecondEvent(), unbufferedBudgetMs);
  const events = await httpsCall(httpsPort, '/events', null, (text) => {
    if (text === 'data: first\n\n') {
      sawFirstAlone = true;
      upstream.releaseSecondEvent();
    }
  });
  clearTimeout(giveUp);
  assert.equal(events.status, 200);
  assert.equal(events.text, 'data: first\n\ndata: second\n\n');
  assert.ok(sawFirstAlone, 'the first event came through before the stream ended');

  const upload = Number(configKeys.max_upload_bytes.default);
  const fits = await httpsCall(httpsPort, '/compose', Buffer.alloc(upload + 65_536));
  assert.equal(fits.status, 200);
  assert.equal(fits.text, `received ${upload + 65_536}`);
  const tooBig = await httpsCall(httpsPort, '/compose', Buffer.alloc(27 * 1_048_576 + 1));
  assert.equal(tooBig.status, 413);
});
