// Owns starting and stopping a real, throwaway Dovecot on loopback inside one directory.
// Must not touch anything outside that directory (except creating the mail system user as root)
// and must never stop a process by name: only by the pid in its own master.pid.
import { execFile, execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { AlphaMailError, sleep } from '../../base/index.js';
import { renderDovecotConfig, type DemoNamespace } from './dovecot-config.js';
import { freeLoopbackPort, installDebianPackages, isRoot, waitForGreeting } from './host.js';

/** Where Debian's dovecot-core puts the daemon and the admin tool. */
export const dovecotBinary = '/usr/sbin/dovecot';
export const doveadmBinary = '/usr/bin/doveadm';
/** The exact command a non-root person runs to get Dovecot. */
const dovecotPackages = ['dovecot-imapd'] as const;
export const dovecotInstallCommand = `apt-get update && apt-get install -y ${dovecotPackages.join(' ')}`;
/** System user that owns seeded mail when we run as root. */
export const mailSystemUser = 'alphamail-mail';
/** How long Dovecot may take to accept connections (it takes ~100 ms here). */
export const dovecotStartupBudgetMs = 15_000;
/** How long a stopping Dovecot gets before SIGKILL. */
export const dovecotStopBudgetMs = 10_000;
/** How long one doveadm run may take (indexing 10,000 messages takes seconds). */
export const doveadmBudgetMs = 120_000;
/** Tries when a picked free port was taken by someone else before Dovecot bound it. */
const portPickAttempts = 5;

export interface DovecotUser {
  name: string;
  password: string;
}

export interface StartDovecotOptions {
  /** Empty directory the instance owns; everything it writes goes in here. */
  dir: string;
  users: DovecotUser[];
  namespace: DemoNamespace;
  /** 0 or absent: pick a free loopback port. */
  port?: number;
  /** Implicit-TLS listener (0 = any free port) with a self-signed certificate; false or
   * absent: none. With it, the plain port offers STARTTLS too (Dovecot's ssl is global). */
  tlsPort?: number | false;
  /** System user of a local MTA given the LMTP and auth sockets (see DovecotConfigInput). */
  mtaUser?: string | null;
}

export interface DovecotInstance {
  host: '127.0.0.1';
  port: number;
  tlsPort: number | null;
  dir: string;
  configPath: string;
  namespace: DemoNamespace;
  /** PEM of the self-signed certificate when tlsPort is set (tests trust it explicitly). */
  tlsCertificate: string | null;
  maildir(user: string): string;
  doveadm(args: string[]): Promise<string>;
  stop(): Promise<void>;
}

export function ensureDovecotInstalled(): void {
  if (existsSync(dovecotBinary) && existsSync(doveadmBinary)) return;
  if (!isRoot()) {
    throw new AlphaMailError(
      'AM_INTERNAL',
      `Dovecot is not installed. Install it as root: ${dovecotInstallCommand}`,
      { command: dovecotInstallCommand },
    );
  }
  installDebianPackages(dovecotPackages);
}

function idOf(flag: '-u' | '-g', user: string): number {
  return Number(execFileSync('id', [flag, user], { encoding: 'utf8' }).trim());
}

/** uid/gid that own the mail: a system user as root, ourselves otherwise. */
function mailOwner(): {
  uid: number;
  gid: number;
  unprivileged: { user: string; group: string } | null;
} {
  if (!isRoot()) {
    const me = userInfo();
    const group = execFileSync('id', ['-gn'], { encoding: 'utf8' }).trim();
    return { uid: me.uid, gid: me.gid, unprivileged: { user: me.username, group } };
  }
  // getent exits 2 when the user is unknown.
  const exists = spawnSync('getent', ['passwd', mailSystemUser]).status === 0;
  if (!exists) {
    execFileSync('useradd', [
      '--system',
      '--no-create-home',
      '-s',
      '/usr/sbin/nologin',
      mailSystemUser,
    ]);
  }
  return {
    uid: idOf('-u', mailSystemUser),
    gid: idOf('-g', mailSystemUser),
    unprivileged: null,
  };
}

function makeCertificate(dir: string): { certPath: string; keyPath: string } {
  const certPath = join(dir, 'tls', 'cert.pem');
  const keyPath = join(dir, 'tls', 'key.pem');
  mkdirSync(join(dir, 'tls'), { recursive: true, mode: 0o700 });
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '30',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout',
      keyPath,
      '-out',
      certPath,
    ],
    { stdio: 'ignore' },
  );
  return { certPath, keyPath };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function readLog(dir: string): string {
  const path = join(dir, 'log', 'dovecot.log');
  const stdout = join(dir, 'log', 'stdout.log');
  return [path, stdout]
    .filter((p) => existsSync(p))
    .map((p) => readFileSync(p, 'utf8'))
    .join('\n')
    .slice(-4000);
}

export async function startDovecot(opts: StartDovecotOptions): Promise<DovecotInstance> {
  const dir = resolve(opts.dir);
  const owner = mailOwner();
  mkdirSync(join(dir, 'log'), { recursive: true });
  mkdirSync(join(dir, 'state'), { recursive: true });
  mkdirSync(join(dir, 'mail'), { recursive: true });
  // Dovecot's imap processes run as the mail user and must reach mail/ and run/ below `dir`.
  chmodSync(dir, 0o755);
  const mailRoot = join(dir, 'mail');
  chownSync(mailRoot, owner.uid, owner.gid);

  const passwdPath = join(dir, 'passwd');
  const passwd = opts.users
    .map((u) => {
      if (/[:\n]/.test(u.name + u.password)) {
        throw new AlphaMailError('AM_INTERNAL', `user ${u.name}: ':' or newline not allowed`);
      }
      return `${u.name}:{PLAIN}${u.password}:${owner.uid}:${owner.gid}::${mailRoot}/${u.name}::`;
    })
    .join('\n');
  writeFileSync(passwdPath, passwd + '\n', { mode: 0o640 });
  if (isRoot()) chownSync(passwdPath, 0, idOf('-g', 'dovecot'));
  for (const user of opts.users) {
    mkdirSync(join(mailRoot, user.name, 'Maildir'), { recursive: true });
    chownSync(join(mailRoot, user.name), owner.uid, owner.gid);
    chownSync(join(mailRoot, user.name, 'Maildir'), owner.uid, owner.gid);
  }

  const tls = opts.tlsPort === undefined || opts.tlsPort === false ? null : makeCertificate(dir);
  const configPath = join(dir, 'dovecot.conf');
  const instanceName = `alphamail-${randomBytes(6).toString('hex')}`;
  const autoPort = opts.port === undefined || opts.port === 0;
  const autoTlsPort = opts.tlsPort === 0;

  for (let attempt = 1; ; attempt++) {
    const port = autoPort ? await freeLoopbackPort() : (opts.port as number);
    const tlsPort =
      tls === null ? null : autoTlsPort ? await freeLoopbackPort() : (opts.tlsPort as number);
    writeFileSync(
      configPath,
      renderDovecotConfig({
        dir,
        instanceName,
        port,
        tlsPort,
        namespace: opts.namespace,
        passwdPath,
        mailRoot,
        mailUid: owner.uid,
        unprivileged: owner.unprivileged,
        tls,
        mtaUser: opts.mtaUser ?? null,
      }),
    );
    const logFd = openSync(join(dir, 'log', 'stdout.log'), 'a');
    // Foreground mode, output to a file and stdin from /dev/null: Dovecot keeps an inherited
    // pipe open forever, so whoever reads a pipe from it hangs.
    const child = spawn(dovecotBinary, ['-F', '-c', configPath], {
      stdio: ['ignore', logFd, logFd],
    });
    closeSync(logFd);
    let exited = false;
    const exit = new Promise<void>((done) => {
      child.once('exit', () => {
        exited = true;
        done();
      });
      child.once('error', () => {
        exited = true;
        done();
      });
    });
    const ready = await waitForGreeting(port, '* OK', dovecotStartupBudgetMs, () => exited);
    if (!ready) {
      if (!exited && child.pid !== undefined) {
        child.kill('SIGKILL');
        await exit;
      }
      const log = readLog(dir);
      if (log.includes('Address already in use') && (autoPort || autoTlsPort)) {
        if (attempt < portPickAttempts) continue;
      }
      throw new AlphaMailError('AM_INTERNAL', `Dovecot did not start in ${dir}:\n${log}`);
    }
    return makeInstance({ dir, configPath, port, tlsPort, tls, namespace: opts.namespace, exit });
  }
}

/** Masters still running, so a test runner that exits without stop() leaves no Dovecot behind. */
const runningMasters = new Set<number>();
let isExitHookSet = false;

function stopOnExit(pid: number): void {
  runningMasters.add(pid);
  if (isExitHookSet) return;
  isExitHookSet = true;
  process.once('exit', () => {
    for (const master of runningMasters) {
      try {
        process.kill(master, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  });
}

function makeInstance(args: {
  dir: string;
  configPath: string;
  port: number;
  tlsPort: number | null;
  tls: { certPath: string } | null;
  namespace: DemoNamespace;
  exit: Promise<void>;
}): DovecotInstance {
  const { dir, configPath } = args;
  let stopped: Promise<void> | null = null;
  const pidPath = join(dir, 'run', 'master.pid');
  const masterPid = existsSync(pidPath) ? Number(readFileSync(pidPath, 'utf8').trim()) : NaN;
  if (Number.isInteger(masterPid) && masterPid > 1) stopOnExit(masterPid);
  const stopOnce = async (): Promise<void> => {
    const pid = existsSync(pidPath) ? Number(readFileSync(pidPath, 'utf8').trim()) : NaN;
    runningMasters.delete(masterPid);
    if (!Number.isInteger(pid) || pid <= 1 || !isAlive(pid)) return;
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + dovecotStopBudgetMs;
    while (isAlive(pid) && Date.now() < deadline) await sleep(20);
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    await args.exit;
  };
  return {
    host: '127.0.0.1',
    port: args.port,
    tlsPort: args.tlsPort,
    dir,
    configPath,
    namespace: args.namespace,
    tlsCertificate: args.tls ? readFileSync(args.tls.certPath, 'utf8') : null,
    maildir: (user) => join(dir, 'mail', user, 'Maildir'),
    doveadm: (doveadmArgs) =>
      new Promise((done, reject) => {
        execFile(
          doveadmBinary,
          ['-c', configPath, ...doveadmArgs],
          { timeout: doveadmBudgetMs, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
          (err, stdout, stderr) => {
            if (err) {
              const what = `doveadm ${doveadmArgs.join(' ')}`;
              reject(new AlphaMailError('AM_INTERNAL', `${what} failed: ${stderr.trim()}`));
            } else done(stdout);
          },
        );
      }),
    stop: () => (stopped ??= stopOnce()),
  };
}
