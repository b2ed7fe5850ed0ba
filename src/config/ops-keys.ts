// Owns the operations keys of alphamail_config: alerts, the sweeper, the hang detector, metrics,
// trusted proxies, the sandbox user and file-sharing limits. Must not read files: a password
// file is named here and read by the hang detector, so the password never sits in this file.
import { isIP } from 'node:net';
import { defineKey, integerKey } from './key-spec.js';
import { BadValue, parseDomainName, parseHostPort, parsePath, quote } from './values.js';

/** A spool file older than a month is garbage whatever happens; younger than a minute is not. */
const spoolAgeMinutesRange = { min: 1, max: 43_200 } as const;
/** Faster than a second only loads the webcache; slower than an hour is no detector. */
const probeIntervalSecondsRange = { min: 1, max: 3600 } as const;
const probeFailuresRange = { min: 1, max: 100 } as const;
const probeDeadlineSecondsRange = { min: 1, max: 600 } as const;
const restartIntervalMinutesRange = { min: 1, max: 1440 } as const;
/** 0 turns file sharing off; the top is 100 GiB. */
const shareBytesRange = { min: 0, max: 107_374_182_400 } as const;
const shareDaysRange = { min: 1, max: 365 } as const;
/** A command line longer than this is not one an admin typed. */
const maxCommandChars = 1000;
/** Admin lists longer than this are mailing lists: give one address of the list instead. */
const maxAdminEmails = 20;

/** `a@example.edu, b@example.edu`: plain addresses, no display names. */
export function parseEmailList(text: string): readonly string[] {
  const expected = 'addresses separated by commas, e.g. root@example.edu, ops@example.edu';
  const list = text.split(',').map((a) => a.trim());
  if (list.length > maxAdminEmails) {
    throw new BadValue(`${list.length} addresses`, `at most ${maxAdminEmails} ${expected}`);
  }
  return list.map((address) => {
    const at = address.lastIndexOf('@');
    const local = address.slice(0, at);
    if (at < 1 || !/^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}$/.test(local)) {
      throw new BadValue(`${quote(address)} is not a mail address`, expected);
    }
    return `${local}@${parseDomainName(address.slice(at + 1), 'mail domain')}`;
  });
}

/** `127.0.0.1, 10.0.0.0/8, ::1`: addresses or CIDR blocks, as Fastify's trustProxy takes them. */
export function parseAddressBlocks(text: string): readonly string[] {
  const expected = 'IP addresses or CIDR blocks separated by commas, e.g. 127.0.0.1, 10.0.0.0/8';
  return text.split(',').map((raw) => {
    const entry = raw.trim();
    const [address = '', bits, extra] = entry.split('/');
    const family = isIP(address);
    const maxBits = family === 6 ? 128 : 32;
    const isBitsOk = bits === undefined || (/^[0-9]{1,3}$/.test(bits) && Number(bits) <= maxBits);
    if (family === 0 || !isBitsOk || extra !== undefined) {
      throw new BadValue(`${quote(entry)} is not an address or CIDR block`, expected);
    }
    return entry;
  });
}

/** A Unix user name as useradd accepts it. */
export function parseUserName(text: string): string {
  if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(text)) {
    throw new BadValue(
      `${quote(text)} is not a user name`,
      'a Unix user name like alphamail-sandbox',
    );
  }
  return text;
}

function parseCommand(text: string): string {
  if (text.length > maxCommandChars) {
    throw new BadValue(`the command is ${text.length} characters`, `at most ${maxCommandChars}`);
  }
  return text;
}

export const opsKeys = {
  admin_emails: defineKey({
    type: 'address list',
    default: null,
    defaultNote: 'unset (no alert mail)',
    required: false,
    description: [
      "Who gets the hang detector's alert mail, separated by commas. Unset: alerts are only " +
        'logged.',
    ],
    example: 'root@example.edu, ops@example.edu',
    parse: parseEmailList,
  }),
  alert_smtp: defineKey({
    type: 'host:port',
    default: null,
    defaultNote: 'the first server of `smtp_servers`, signed in as `hang_detector_user`',
    required: false,
    description: [
      'The mail server alert mail goes through, unauthenticated, as a relay for local ' +
        'senders (port 25 or 587 of the site MTA). Port 465 is implicit TLS, any other ' +
        'port uses STARTTLS when offered.',
    ],
    example: 'localhost:25',
    parse: parseHostPort,
  }),
  spool_max_age_minutes: integerKey(
    spoolAgeMinutesRange,
    1440,
    [
      '`alphamail sweep` removes uploaded and decoded spool files older than this many ' +
        'minutes, even of sessions that still exist.',
    ],
    720,
  ),
  hang_detector_interval_seconds: integerKey(
    probeIntervalSecondsRange,
    15,
    ['How often `alphamail hang-detector` runs its full query through the webcache.'],
    30,
  ),
  hang_detector_failures: integerKey(
    probeFailuresRange,
    3,
    ['The hang detector restarts the webcache after this many failed queries in a row.'],
    5,
  ),
  hang_detector_deadline_seconds: integerKey(
    probeDeadlineSecondsRange,
    10,
    [
      'A query of the hang detector (sign in, folders, index, newest message) that takes ' +
        'longer than this many seconds has failed.',
    ],
    20,
  ),
  hang_detector_restart_command: defineKey({
    type: 'command',
    default: 'systemctl restart alphamail-webcache',
    required: false,
    description: [
      'Shell command the hang detector runs to restart a hung webcache. It runs as the ' +
        "hang detector's user: allow exactly this command (polkit or sudoers).",
    ],
    example: 'sudo -n /usr/bin/systemctl restart alphamail-webcache',
    parse: parseCommand,
  }),
  hang_detector_min_restart_interval_minutes: integerKey(
    restartIntervalMinutesRange,
    10,
    [
      'The hang detector restarts the webcache, and mails the admins, at most once in ' +
        'this many minutes; failures in between are only logged.',
    ],
    30,
  ),
  hang_detector_user: defineKey({
    type: 'text',
    default: null,
    defaultNote: 'unset (the hang detector does not start)',
    required: false,
    description: [
      'The IMAP user the hang detector signs in as: a test account with a few messages in ' +
        "its INBOX, never a person's. Needs `hang_detector_password_file`.",
    ],
    example: 'alphamail-probe',
    parse: (text) => text,
  }),
  hang_detector_domain: defineKey({
    type: 'domain name',
    default: null,
    defaultNote: 'the first domain of `imap_servers`',
    required: false,
    description: ["The domain of `imap_servers` the hang detector's user belongs to."],
    example: 'example.edu',
    parse: (text) => parseDomainName(text, 'domain'),
  }),
  hang_detector_password_file: defineKey({
    type: 'path',
    default: null,
    defaultNote: 'unset',
    required: false,
    description: [
      'File holding the password of `hang_detector_user` (one line, readable only by the ' +
        "hang detector's user). The password itself never goes into this file. A relative " +
        'path is taken from the folder this file is in.',
    ],
    example: '/etc/alphamail/probe-password',
    parse: parsePath,
  }),
  metrics_listen: defineKey({
    type: 'host:port',
    default: null,
    defaultNote: 'unset (no metrics from the web tier)',
    required: false,
    description: [
      'A second listener of `alphamail web` that serves only Prometheus `/metrics`, ' +
        '`/healthz` and `/readyz`. Keep it on loopback or an internal address: the public ' +
        'listener never serves `/metrics`.',
    ],
    example: '127.0.0.1:9464',
    parse: parseHostPort,
  }),
  webcache_metrics_listen: defineKey({
    type: 'host:port',
    default: null,
    defaultNote: 'unset (no metrics from the webcache)',
    required: false,
    description: [
      'Where `alphamail webcache` serves Prometheus `/metrics` over HTTP. Keep it on loopback ' +
        'or an internal address.',
    ],
    example: '127.0.0.1:9465',
    parse: parseHostPort,
  }),
  trusted_proxies: defineKey({
    type: 'address list',
    default: null,
    defaultNote: 'unset (no proxy is trusted)',
    required: false,
    description: [
      'Reverse proxies whose `X-Forwarded-For` header is believed, as addresses or CIDR ' +
        'blocks. The sign-in rate limit and the logs then use the client address the proxy ' +
        'gives; from any other peer the header is ignored.',
    ],
    example: '127.0.0.1, ::1',
    parse: parseAddressBlocks,
  }),
  sandbox_user: defineKey({
    type: 'user name',
    default: 'alphamail-sandbox',
    required: false,
    description: [
      'The Unix user attachment viewers run as inside the sandbox; it must own nothing and ' +
        'differ from the user AlphaMail runs as.',
    ],
    example: 'alphamail-sandbox',
    parse: parseUserName,
  }),
  share_max_bytes: integerKey(
    shareBytesRange,
    1_073_741_824,
    ['Largest file a user may share by link, in bytes. 0 turns file sharing off.'],
    0,
  ),
  share_max_days: integerKey(
    shareDaysRange,
    7,
    ['A shared file is removed this many days after it was shared, or earlier when used up.'],
    14,
  ),
};
