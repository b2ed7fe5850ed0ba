// Owns what the demo needs from the host it runs on: root or not, a free loopback port, and
// installing Debian packages without starting their system services.
// Must not start, stop or configure any system service.
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Longest time apt-get may take to install packages on a slow mirror. */
const installBudgetMs = 600_000;
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
