// Owns a private, throwaway Debian Postfix on loopback for the demo and the tests: one submission
// listener (SMTP AUTH checked by a local Dovecot) that delivers one domain by LMTP into that
// Dovecot. Must not touch the system Postfix (/etc/postfix, port 25) nor send beyond loopback.
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { AlphaMailError, sleep } from '../../base/index.js';
import { lmtpSocketName, mtaAuthSocketName } from './dovecot-config.js';
import { freeLoopbackPort, installDebianPackages, isRoot } from './host.js';

export const postfixBinary = '/usr/sbin/postfix';
/** Dovecot's LMTP server, the other half of local delivery (Debian dovecot-lmtpd). */
export const dovecotLmtpBinary = '/usr/lib/dovecot/lmtp';
/** The Debian Postfix user: the private instance's daemons run as this user. */
export const mtaSystemUser = 'postfix';
/** The packages a local MTA needs; the exact line a non-root person runs. */
export const postfixPackages = ['postfix', 'dovecot-lmtpd'] as const;
export const postfixInstallCommand = `apt-get update && apt-get install -y ${postfixPackages.join(' ')}`;
/** Postfix's master needs this long at most to answer on the submission port. */
const startBudgetMs = 20_000;
/** `postfix start/stop/check` wait for the master; after this the start fails with the log. */
const commandBudgetMs = 20_000;

/** True when a private Postfix can run here: root, Postfix, Dovecot's LMTP and the user. */
export function isLocalMtaAvailable(): boolean {
  if (!isRoot() || !existsSync(postfixBinary) || !existsSync(dovecotLmtpBinary)) return false;
  return spawnSync('getent', ['passwd', mtaSystemUser]).status === 0;
}

/**
 * As root, installs Postfix and Dovecot's LMTP when missing, with "No configuration" (no system
 * mail setup) and without starting any service. Returns whether a local MTA can run; never
 * throws, since the demo works without sending.
 */
export function ensurePostfixInstalled(log: (line: string) => void): boolean {
  if (isLocalMtaAvailable() || !isRoot()) return isLocalMtaAvailable();
  try {
    log(`installing Debian packages for sending mail: ${postfixPackages.join(' ')}`);
    installDebianPackages(postfixPackages, [
      'postfix postfix/main_mailer_type select No configuration',
      'postfix postfix/mailname string localhost',
    ]);
  } catch (err) {
    log(`could not install ${postfixPackages.join(' ')}: ${String(err)}`);
  }
  return isLocalMtaAvailable();
}

export interface PostfixInstance {
  /** The submission port on 127.0.0.1 (plain SMTP, AUTH PLAIN/LOGIN checked by Dovecot). */
  readonly port: number;
  readonly dir: string;
  /** The smtp_servers entry for alphamail_config: 'domain=127.0.0.1:PORT insecure'. */
  readonly smtpServersLine: string;
  /** Stops Postfix (the port then refuses connections); start() brings it back on the same port. */
  readonly stop: () => Promise<void>;
  readonly start: () => Promise<void>;
  /** Postfix's own log (maillog_file), for assertions and failure messages. */
  readonly logText: () => string;
}

function run(args: string[]): Promise<string> {
  return new Promise((done, reject) => {
    execFile(postfixBinary, args, { timeout: commandBudgetMs }, (err, stdout, stderr) => {
      if (err) {
        const what = `postfix ${args.join(' ')} failed: ${stderr || err.message}`;
        reject(new AlphaMailError('AM_INTERNAL', what));
      } else done(stdout + stderr);
    });
  });
}

/** Config dirs of running instances, aborted if this process exits without stop(). */
const runningInstances = new Set<string>();
let isExitHookSet = false;

function abortOnExit(etc: string): void {
  runningInstances.add(etc);
  if (isExitHookSet) return;
  isExitHookSet = true;
  process.once('exit', () => {
    for (const dir of runningInstances) spawnSync(postfixBinary, ['-c', dir, 'abort']);
  });
}

/** True once the port answers with an SMTP greeting. */
async function waitForBanner(port: number): Promise<boolean> {
  const deadline = Date.now() + startBudgetMs;
  while (Date.now() < deadline) {
    const greeted = await new Promise<boolean>((done) => {
      const socket = connect({ host: '127.0.0.1', port });
      const finish = (ok: boolean): void => {
        socket.destroy();
        done(ok);
      };
      socket.setTimeout(1000, () => finish(false));
      socket.once('error', () => finish(false));
      socket.once('data', (chunk: Buffer) => finish(chunk.toString('latin1').startsWith('220')));
    });
    if (greeted) return true;
    await sleep(50);
  }
  return false;
}

function isPortOpen(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

export function renderPostfixMainCf(input: {
  dir: string;
  dovecotRunDir: string;
  domain: string;
  users: readonly string[];
}): string {
  const { dir, dovecotRunDir: runDir, domain } = input;
  const mailboxes = input.users.map((u) => `${u}@${domain}=ok`).join(', ');
  return [
    '# Generated by AlphaMail: a private loopback Postfix for the demo and the tests.',
    'compatibility_level = 3.6',
    `queue_directory = ${dir}/queue`,
    `data_directory = ${dir}/data`,
    `mail_owner = ${mtaSystemUser}`,
    `myhostname = mta.${domain}`,
    `mydomain = ${domain}`,
    'myorigin = $myhostname',
    'mydestination =',
    'inet_interfaces = 127.0.0.1',
    'inet_protocols = ipv4',
    'mynetworks = 127.0.0.1/32',
    'alias_maps =',
    'alias_database =',
    'local_recipient_maps =',
    'biff = no',
    'smtputf8_enable = no',
    `maillog_file = ${dir}/log/maillog`,
    `maillog_file_prefixes = ${dir}`,
    // The domain goes to Dovecot; unknown users are refused at RCPT, like a real server.
    `virtual_mailbox_domains = ${domain}`,
    `virtual_mailbox_maps = inline:{ ${mailboxes} }`,
    `virtual_transport = lmtp:unix:${runDir}/${lmtpSocketName}`,
    // Nothing leaves loopback: mail to other domains bounces at once.
    'default_transport = error:this private Postfix delivers nowhere else',
    'relay_transport = error:this private Postfix delivers nowhere else',
    'local_transport = error:no local delivery',
    'smtpd_sasl_type = dovecot',
    `smtpd_sasl_path = ${runDir}/${mtaAuthSocketName}`,
    'smtpd_sasl_auth_enable = no',
    'smtpd_tls_security_level = none',
    'smtp_tls_security_level = none',
    'lmtp_tls_security_level = none',
    'maximal_queue_lifetime = 1h',
    'bounce_queue_lifetime = 1h',
    'delay_warning_time = 0',
    '',
  ].join('\n');
}

/** The standard services with chroot off, and one submission listener instead of port 25. */
export function renderPostfixMasterCf(port: number): string {
  return [
    `127.0.0.1:${port} inet n - n - - smtpd`,
    '  -o syslog_name=postfix/submission',
    '  -o smtpd_sasl_auth_enable=yes',
    '  -o smtpd_tls_auth_only=no',
    '  -o smtpd_client_restrictions=',
    '  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject',
    '  -o smtpd_recipient_restrictions=reject_unlisted_recipient,permit_sasl_authenticated,reject',
    'pickup unix n - n 60 1 pickup',
    'cleanup unix n - n - 0 cleanup',
    'qmgr unix n - n 300 1 qmgr',
    'tlsmgr unix - - n 1000? 1 tlsmgr',
    'rewrite unix - - n - - trivial-rewrite',
    'bounce unix - - n - 0 bounce',
    'defer unix - - n - 0 bounce',
    'trace unix - - n - 0 bounce',
    'verify unix - - n - 1 verify',
    'flush unix n - n 1000? 0 flush',
    'proxymap unix - - n - - proxymap',
    'proxywrite unix - - n - 1 proxymap',
    'smtp unix - - n - - smtp',
    'relay unix - - n - - smtp',
    'showq unix n - n - - showq',
    'error unix - - n - - error',
    'retry unix - - n - - error',
    'discard unix - - n - - discard',
    'lmtp unix - - n - - lmtp',
    'anvil unix - - n - 1 anvil',
    'scache unix - - n - 1 scache',
    'postlog unix-dgram n - n - 1 postlogd',
    '',
  ].join('\n');
}

/**
 * Starts Postfix in `dir` (empty, created if missing, reachable by the postfix user) for
 * `domain`, whose users live in the Dovecot whose base_dir is `dovecotRunDir`; that Dovecot must
 * have been started with `mtaUser: mtaSystemUser` (it then opens the LMTP and auth sockets).
 */
export async function startPostfix(opts: {
  dir: string;
  dovecotRunDir: string;
  domain: string;
  users: readonly string[];
}): Promise<PostfixInstance> {
  if (!isLocalMtaAvailable()) {
    throw new AlphaMailError(
      'AM_INTERNAL',
      `a private Postfix needs root and Debian packages: ${postfixInstallCommand}`,
    );
  }
  if (!existsSync(join(opts.dovecotRunDir, lmtpSocketName))) {
    throw new AlphaMailError(
      'AM_INTERNAL',
      `Dovecot has no LMTP socket in ${opts.dovecotRunDir}: was it started with mtaUser?`,
    );
  }
  const dir = resolve(opts.dir);
  mkdirSync(dir, { recursive: true });
  // Postfix's daemons run as the postfix user and must reach the queue below this dir.
  chmodSync(dir, 0o755);
  for (const path of [dir, opts.dovecotRunDir]) {
    // A parent such as a mode-700 home directory would let Postfix start but never deliver.
    if (spawnSync('runuser', ['-u', mtaSystemUser, '--', 'test', '-x', path]).status !== 0) {
      throw new AlphaMailError(
        'AM_INTERNAL',
        `the ${mtaSystemUser} user cannot reach ${path}: put it below a directory others may enter`,
      );
    }
  }
  const etc = join(dir, 'etc');
  for (const sub of ['etc', 'log', 'queue', 'data']) mkdirSync(join(dir, sub), { recursive: true });
  // Postfix keeps its locks and caches in data_directory as the postfix user.
  const id = (flag: string): number =>
    Number(execFileSync('id', [flag, mtaSystemUser], { encoding: 'utf8' }).trim());
  chownSync(join(dir, 'data'), id('-u'), id('-g'));
  const port = await freeLoopbackPort();
  writeFileSync(
    join(etc, 'main.cf'),
    renderPostfixMainCf({
      dir,
      dovecotRunDir: opts.dovecotRunDir,
      domain: opts.domain,
      users: opts.users,
    }),
  );
  writeFileSync(join(etc, 'master.cf'), renderPostfixMasterCf(port));
  const logPath = join(dir, 'log', 'maillog');
  const logText = (): string => (existsSync(logPath) ? readFileSync(logPath, 'utf8') : '');
  let isRunning = false;

  const start = async (): Promise<void> => {
    if (isRunning) return;
    // `check` creates the queue's subdirectories with the right owners on the first start.
    await run(['-c', etc, 'check']);
    await run(['-c', etc, 'start']).catch((err: unknown) => {
      throw new AlphaMailError('AM_INTERNAL', `${String(err)}\n${logText().slice(-4000)}`);
    });
    isRunning = true;
    abortOnExit(etc);
    if (!(await waitForBanner(port))) {
      const log = logText().slice(-4000);
      throw new AlphaMailError(
        'AM_INTERNAL',
        `Postfix did not answer on 127.0.0.1:${port}:\n${log}`,
      );
    }
  };
  const stop = async (): Promise<void> => {
    if (!isRunning) return;
    isRunning = false;
    await run(['-c', etc, 'stop']);
    runningInstances.delete(etc);
    // The master has exited when the port refuses connections.
    const deadline = Date.now() + commandBudgetMs;
    while (Date.now() < deadline && (await isPortOpen(port))) await sleep(50);
  };

  try {
    await start();
  } catch (err) {
    await run(['-c', etc, 'abort']).catch(() => undefined);
    runningInstances.delete(etc);
    throw err;
  }
  return {
    port,
    dir,
    smtpServersLine: `${opts.domain}=127.0.0.1:${port} insecure`,
    start,
    stop,
    logText,
  };
}
