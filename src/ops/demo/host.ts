// Owns what the demo needs from the host it runs on: root or not, a free loopback port, and
// installing Debian packages without starting their system services.
// Must not start, stop or configure any system service.
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { sleep } from '../../base/index.js';

/** Longest time apt-get may take to install packages on a slow mirror. */
const installBudgetMs = 600_000;
/** One connection attempt waits this long for a greeting. */
const greetingTryMs = 1000;
/** Pause between attempts while a server starts. */
const greetingRetryMs = 25;
/** policy-rc.d answering 101 tells Debian's maintainer scripts not to start services. */
const policyRcPath = '/usr/sbin/policy-rc.d';

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** A port on 127.0.0.1 free right now (the caller binds it soon after; races are retried). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/**
 * As root, `apt-get update && apt-get install -y` the packages, non-interactively, with the
 * given debconf answers, and with services kept stopped (our own instances run on loopback;
 * a system Dovecot or Postfix must not start listening). Throws what apt-get threw.
 */
export function installDebianPackages(
  packages: readonly string[],
  debconfAnswers: readonly string[] = [],
): void {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const isOwnPolicy = !existsSync(policyRcPath);
  try {
    if (debconfAnswers.length > 0) {
      execFileSync('debconf-set-selections', [], {
        input: debconfAnswers.join('\n') + '\n',
        env,
      });
    }
    if (isOwnPolicy) writeFileSync(policyRcPath, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env, timeout: installBudgetMs });
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], {
      stdio: 'inherit',
      env,
      timeout: installBudgetMs,
    });
  } finally {
    if (isOwnPolicy) rmSync(policyRcPath, { force: true });
  }
}

/** One try: the server on 127.0.0.1:port sends a first line starting with `greeting`. */
function greets(port: number, greeting: string): Promise<boolean> {
  return new Promise<boolean>((done) => {
    const socket = connect({ host: '127.0.0.1', port });
    const finish = (ok: boolean): void => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(greetingTryMs, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('data', (chunk: Buffer) => finish(chunk.toString('latin1').startsWith(greeting)));
  });
}

/** Whether something accepts TCP connections on 127.0.0.1:`port` (a server still up). */
export function isPortOpen(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

/**
 * Waits until a freshly started server on loopback greets (e.g. "* OK" for IMAP, "220" for
 * SMTP); false after budgetMs or as soon as hasExited says the server is gone.
 */
export async function waitForGreeting(
  port: number,
  greeting: string,
  budgetMs: number,
  hasExited: () => boolean = () => false,
): Promise<boolean> {
  const deadline = Date.now() + budgetMs;
  while (Date.now() < deadline) {
    if (hasExited()) return false;
    if (await greets(port, greeting)) return true;
    await sleep(greetingRetryMs);
  }
  return false;
}
