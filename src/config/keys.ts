// Owns the one table of alphamail_config keys: grammar, default, range and description of each.
// It generates the commented sample file and docs/config.md; it must not read files.
import { defineKey, integerKey } from './key-spec.js';
import { opsKeys } from './ops-keys.js';
import { parseImapServers, parseSmtpServers } from './servers.js';
import { BadValue, parseChoice, parseHostPort, parseHttpUrl, parsePath } from './values.js';

export type { KeySpec } from './key-spec.js';

/** Limits people set; out-of-range values are errors, never clamped. */
const timeoutMinutesRange = { min: 1, max: 1440 } as const;
const pageSizeRange = { min: 5, max: 500 } as const;
const uploadBytesRange = { min: 0, max: 10_737_418_240 } as const;
/** Shorter secrets are guessable; 32 characters of a random string is about 190 bits. */
const minSecretChars = 32;
const maxSecretChars = 1024;

export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
const yesNo = ['yes', 'no'] as const;

const serverListNote =
  'Entries are separated by commas; after an entry, space-separated flags may follow: ' +
  '`insecure` lets a password go without TLS when the server offers none, `noverify` accepts ' +
  'a certificate that does not verify (self-signed test servers).';

/** Every key alphamail_config knows, in the order the sample and the docs list them. */
export const configKeys = {
  web_listen: defineKey({
    type: 'host:port',
    default: '127.0.0.1:8080',
    required: false,
    description: [
      'Where `alphamail web` listens for HTTP. Put a TLS-terminating proxy in front of it ' +
        'for public use. An IPv6 address is written in brackets: `[::1]:8080`.',
    ],
    example: '127.0.0.1:8080',
    parse: parseHostPort,
  }),
  public_url: defineKey({
    type: 'URL',
    default: 'http://127.0.0.1:8080',
    required: false,
    range: 'http or https, no query or fragment',
    description: [
      'The address people open in their browser. An `https` URL turns on Secure cookies and HSTS.',
    ],
    example: 'https://mail.example.edu',
    parse: parseHttpUrl,
  }),
  data_dir: defineKey({
    type: 'path',
    default: './data',
    required: false,
    description: [
      'Directory for the SQLite database, persisted folder indexes and the spool of decoded ' +
        'parts. A relative path is taken from the folder this file is in.',
    ],
    example: '/var/lib/alphamail',
    parse: parsePath,
  }),
  webcache_socket: defineKey({
    type: 'path',
    default: null,
    defaultNote: '`<data_dir>/webcache.sock`',
    required: false,
    description: [
      'Unix socket on which the webcache answers the web tier when both run on one host. ' +
        'A relative path is taken from the folder this file is in. Do not set it together ' +
        'with `webcache_listen`.',
    ],
    example: '/run/alphamail/webcache.sock',
    parse: parsePath,
  }),
  webcache_listen: defineKey({
    type: 'host:port',
    default: null,
    defaultNote: 'unset (the Unix socket is used)',
    required: false,
    description: [
      'TCP address on which the webcache answers when the web tier runs on other hosts. ' +
        'Needs `webcache_secret`; cannot be set together with `webcache_socket`.',
    ],
    example: 'cache.example.edu:7070',
    parse: parseHostPort,
  }),
  webcache_secret: defineKey({
    type: 'text',
    default: null,
    defaultNote: 'unset',
    required: false,
    range: `${minSecretChars} to ${maxSecretChars} characters`,
    description: [
      'Shared secret the web tier presents to a webcache on `webcache_listen`; required ' +
        'exactly when `webcache_listen` is set. Use a long random string and keep this file ' +
        'readable only by AlphaMail.',
    ],
    example: 'change-me-to-32-or-more-random-characters',
    parse: (text) => {
      // The secret itself never appears in a message.
      if (text.length < minSecretChars || text.length > maxSecretChars) {
        throw new BadValue(
          `the secret is ${text.length} characters long`,
          `${minSecretChars} to ${maxSecretChars} characters`,
        );
      }
      return text;
    },
  }),
  imap_servers: defineKey({
    type: 'server list',
    default: null,
    required: true,
    description: [
      'The mail domains people pick at sign-in, each with its IMAP server, written ' +
        '`domain=host:port[PREFIXSEP]`. Inside the brackets the last character is the ' +
        'folder separator and everything is the folder prefix, which is removed when folder ' +
        'names are shown: `[INBOX.]` means prefix `INBOX.` and separator `.`; `[/]` means no ' +
        'prefix and separator `/`. The separator is always required (`alphamail probe-imap` ' +
        'finds it). Port 993 is implicit TLS, any other port uses STARTTLS. The first domain ' +
        'is the default at sign-in.',
      serverListNote,
    ],
    example:
      'example.edu=imap.example.edu:993[INBOX.], cs.example.edu=mail.cs.example.edu:143[/] insecure',
    parse: parseImapServers,
  }),
  smtp_servers: defineKey({
    type: 'server list',
    default: null,
    defaultNote: 'unset (no sending)',
    required: false,
    description: [
      'The submission server for each domain of `imap_servers`, written `domain=host:port` ' +
        '(no brackets). Port 465 is implicit TLS, any other port uses STARTTLS. A domain ' +
        'without an entry cannot send mail.',
      serverListNote,
    ],
    example: 'example.edu=smtp.example.edu:587, cs.example.edu=mail.cs.example.edu:465',
    parse: parseSmtpServers,
  }),
  session_idle_timeout_minutes: integerKey(
    timeoutMinutesRange,
    30,
    ['A browser session with no request for this many minutes is signed out.'],
    60,
  ),
  imap_idle_timeout_minutes: integerKey(
    timeoutMinutesRange,
    30,
    [
      'The webcache logs out of IMAP for a user with no request for this many minutes; the ' +
        'folder index is kept, so signing in again is fast.',
    ],
    15,
  ),
  default_page_size: integerKey(
    pageSizeRange,
    50,
    ['Messages per index page for a user who has not chosen a size.'],
    100,
  ),
  max_upload_bytes: integerKey(
    uploadBytesRange,
    26_214_400,
    [
      'Largest upload accepted (an attachment, or one part of a shared file), in bytes. ' +
        '0 turns uploads off.',
    ],
    52_428_800,
  ),
  log_level: defineKey({
    type: 'word',
    default: 'info',
    required: false,
    range: logLevels.join(', '),
    description: ['How much the processes log. Passwords and secrets are never logged.'],
    example: 'debug',
    parse: (text) => parseChoice(text, logLevels),
  }),
  remote_fetch_allow_private: defineKey({
    type: 'yes or no',
    default: 'no',
    required: false,
    description: [
      'Whether the remote image proxy may fetch from loopback, private, link-local and other ' +
        'non-public addresses. Keep `no` in production: `yes` lets a message make AlphaMail ' +
        'request addresses inside your network. Only tests on one machine need `yes`.',
    ],
    example: 'no',
    parse: (text) => parseChoice(text, yesNo) === 'yes',
  }),
  ...opsKeys,
};

export type ConfigKeyName = keyof typeof configKeys;
export type ConfigKeyValue<K extends ConfigKeyName> = ReturnType<(typeof configKeys)[K]['parse']>;

export const configKeyNames = Object.keys(configKeys) as ConfigKeyName[];

export function isConfigKeyName(name: string): name is ConfigKeyName {
  return Object.hasOwn(configKeys, name);
}
