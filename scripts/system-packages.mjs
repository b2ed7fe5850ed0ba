// Makes sure the Debian packages the demo and the tests use are installed. As root it runs
// `apt-get update && apt-get install -y …` for what is missing; otherwise it names them.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';

/** binary that proves the package is there → Debian package */
export const testPackages = {
  '/usr/sbin/dovecot': 'dovecot-imapd',
  '/usr/bin/doveadm': 'dovecot-core',
  '/usr/lib/dovecot/lmtp': 'dovecot-lmtpd',
  '/usr/bin/openssl': 'openssl',
  '/usr/bin/chromium': 'chromium',
  '/usr/bin/w3m': 'w3m',
  '/usr/bin/bwrap': 'bubblewrap',
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf': 'fonts-dejavu-core',
  '/usr/bin/systemd-analyze': 'systemd',
  '/usr/sbin/nginx': 'nginx',
  '/usr/sbin/postfix': 'postfix',
};

/**
 * debconf answers given before installing, so no package asks a question. Postfix gets "No
 * configuration": no main.cf, no system mail setup; the tests run private instances.
 */
const preseeds = {
  postfix: [
    'postfix postfix/main_mailer_type select No configuration',
    'postfix postfix/mailname string localhost',
  ],
};

export function ensurePackages(wanted) {
  const missing = [
    ...new Set(
      Object.entries(wanted)
        .filter(([bin]) => !existsSync(bin))
        .map(([, pkg]) => pkg),
    ),
  ];
  if (missing.length === 0) return;
  const isRoot = process.getuid?.() === 0;
  if (!isRoot) {
    console.error(
      `AlphaMail needs these Debian packages: ${missing.join(' ')}\n` +
        `Install them as root:  apt-get update && apt-get install -y ${missing.join(' ')}`,
    );
    process.exit(2);
  }
  console.log(`installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const answers = missing.flatMap((pkg) => preseeds[pkg] ?? []);
  if (answers.length > 0) {
    execFileSync('debconf-set-selections', [], { input: answers.join('\n') + '\n', env });
  }
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  // Installing a server package (nginx, dovecot) must not start it on all addresses: tests
  // start their own instances on loopback. policy-rc.d exit 101 tells Debian not to start them.
  const policy = '/usr/sbin/policy-rc.d';
  const ownPolicy = !existsSync(policy);
  if (ownPolicy) writeFileSync(policy, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  const r = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], {
    stdio: 'inherit',
    env,
  });
  if (ownPolicy) rmSync(policy, { force: true });
  if (r.status !== 0) {
    console.error(`apt-get install failed for: ${missing.join(' ')}`);
    process.exit(2);
  }
}
