// Proves alphamail_config parsing: a full valid file becomes the exact frozen config, every kind
// of mistake is AM_CONFIG_SYNTAX at its exact line, the sample round-trips, docs are current.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  configKeyNames,
  configKeys,
  loadConfig,
  parseConfig,
  renderConfigDocs,
  renderConfigFile,
  resolveConfigPath,
  type AlphaMailConfig,
} from '../../src/config/index.js';
import { AlphaMailError } from '../../src/base/index.js';

const file = '/etc/alphamail/alphamail_config';
const secret = 'x'.repeat(31) + '#';

const fullFile = [
  '# AlphaMail for the example university',
  '',
  'web_listen: [::1]:8081   # behind the proxy',
  'public_url: https://mail.example.edu/',
  '   # an indented comment',
  'data_dir: ../../var/lib/alphamail',
  'webcache_listen: 127.0.0.1:7070',
  `webcache_secret: ${secret}`,
  'imap_servers: example.edu=imap.example.edu:993[INBOX.], CS.Example.edu=10.1.2.3:143[/] insecure noverify,mail.test=[::1]:1143[INBOX/] noverify',
  'smtp_servers: example.edu=smtp.example.edu:465, cs.example.edu=smtp.cs.example.edu:587 insecure',
  'session_idle_timeout_minutes: 1440',
  'imap_idle_timeout_minutes: 1',
  'default_page_size: 5',
  'max_upload_bytes: 0',
  'log_level: trace',
  'remote_fetch_allow_private: yes',
  'admin_emails: root@Example.edu, ops@example.edu',
  'alert_smtp: localhost:25',
  'spool_max_age_minutes: 60',
  'hang_detector_interval_seconds: 5',
  'hang_detector_failures: 2',
  'hang_detector_deadline_seconds: 4',
  'hang_detector_restart_command: /usr/local/bin/restart-webcache --now',
  'hang_detector_min_restart_interval_minutes: 30',
  'hang_detector_user: probe',
  'hang_detector_domain: cs.example.edu',
  'hang_detector_password_file: probe-password',
  'metrics_listen: 127.0.0.1:9464',
  'webcache_metrics_listen: [::1]:9465',
  'trusted_proxies: 127.0.0.1, 10.0.0.0/8, ::1',
  'sandbox_user: am-sandbox',
  'share_max_bytes: 0',
  'share_max_days: 30',
].join('\r\n');

const expectedFull: AlphaMailConfig = {
  file,
  webListen: { host: '::1', port: 8081 },
  publicUrl: 'https://mail.example.edu',
  dataDir: '/var/lib/alphamail',
  webcache: { kind: 'tcp', host: '127.0.0.1', port: 7070, secret },
  domains: [
    {
      domain: 'example.edu',
      imap: {
        host: 'imap.example.edu',
        port: 993,
        tls: 'implicit',
        allowInsecure: false,
        verifyCertificate: true,
      },
      prefix: 'INBOX.',
      separator: '.',
      smtp: {
        host: 'smtp.example.edu',
        port: 465,
        tls: 'implicit',
        allowInsecure: false,
        verifyCertificate: true,
      },
    },
    {
      domain: 'cs.example.edu',
      imap: {
        host: '10.1.2.3',
        port: 143,
        tls: 'starttls',
        allowInsecure: true,
        verifyCertificate: false,
      },
      prefix: '',
      separator: '/',
      smtp: {
        host: 'smtp.cs.example.edu',
        port: 587,
        tls: 'starttls',
        allowInsecure: true,
        verifyCertificate: true,
      },
    },
    {
      domain: 'mail.test',
      imap: {
        host: '::1',
        port: 1143,
        tls: 'starttls',
        allowInsecure: false,
        verifyCertificate: false,
      },
      prefix: 'INBOX/',
      separator: '/',
      smtp: null,
    },
  ],
  sessionIdleTimeoutMinutes: 1440,
  imapIdleTimeoutMinutes: 1,
  defaultPageSize: 5,
  maxUploadBytes: 0,
  logLevel: 'trace',
  remoteFetchAllowPrivate: true,
  ops: {
    adminEmails: ['root@example.edu', 'ops@example.edu'],
    alertSmtp: { host: 'localhost', port: 25 },
    spoolMaxAgeMinutes: 60,
    metricsListen: { host: '127.0.0.1', port: 9464 },
    webcacheMetricsListen: { host: '::1', port: 9465 },
    trustedProxies: ['127.0.0.1', '10.0.0.0/8', '::1'],
    sandboxUser: 'am-sandbox',
    shareMaxBytes: 0,
    shareMaxDays: 30,
    hangDetector: {
      intervalSeconds: 5,
      failures: 2,
      deadlineSeconds: 4,
      restartCommand: '/usr/local/bin/restart-webcache --now',
      minRestartIntervalMinutes: 30,
      user: 'probe',
      domain: 'cs.example.edu',
      passwordFile: '/etc/alphamail/probe-password',
    },
  },
};

void test('a file using every key parses to the exact config', () => {
  assert.deepEqual(parseConfig(fullFile, file), expectedFull);
});

void test('a file with only imap_servers gets every default', () => {
  const config = parseConfig('imap_servers: example.edu=127.0.0.1:993[INBOX.]\n', '/srv/mail/cfg');
  assert.deepEqual(
    { ...config, domains: config.domains.length },
    {
      file: '/srv/mail/cfg',
      webListen: { host: '127.0.0.1', port: 8080 },
      publicUrl: 'http://127.0.0.1:8080',
      dataDir: '/srv/mail/data',
      webcache: { kind: 'unix', socketPath: '/srv/mail/data/webcache.sock' },
      domains: 1,
      sessionIdleTimeoutMinutes: 30,
      imapIdleTimeoutMinutes: 30,
      defaultPageSize: 50,
      maxUploadBytes: 26_214_400,
      logLevel: 'info',
      remoteFetchAllowPrivate: false,
      ops: {
        adminEmails: [],
        alertSmtp: null,
        spoolMaxAgeMinutes: 1440,
        metricsListen: null,
        webcacheMetricsListen: null,
        trustedProxies: [],
        sandboxUser: 'alphamail-sandbox',
        shareMaxBytes: 1_073_741_824,
        shareMaxDays: 7,
        hangDetector: {
          intervalSeconds: 15,
          failures: 3,
          deadlineSeconds: 10,
          restartCommand: 'systemctl restart alphamail-webcache',
          minRestartIntervalMinutes: 10,
          user: null,
          domain: 'example.edu',
          passwordFile: null,
        },
      },
    },
  );
});

void test('a relative webcache_socket is taken from the config folder', () => {
  const config = parseConfig(
    'webcache_socket: run/wc.sock\nimap_servers: a.test=127.0.0.1:143[/]',
    '/srv/mail/cfg',
  );
  assert.deepEqual(config.webcache, { kind: 'unix', socketPath: '/srv/mail/run/wc.sock' });
});

void test('the parsed config is deep-frozen', () => {
  const config = parseConfig(fullFile, file);
  assert.ok(Object.isFrozen(config));
  assert.ok(Object.isFrozen(config.domains));
  assert.ok(Object.isFrozen(config.domains[0]?.imap));
  assert.ok(Object.isFrozen(config.webListen));
  assert.throws(() => {
    (config.domains[0]?.imap as { port: number }).port = 1;
  }, TypeError);
});

const good = 'imap_servers: a.test=127.0.0.1:993[INBOX.]';

/** [what is wrong, file text, line the error must name, key it must name] */
const mistakes: readonly (readonly [string, string, number, string | null])[] = [
  ['unknown key', `${good}\n# ok\nweb_lisen: 127.0.0.1:80`, 3, 'web_lisen'],
  ['duplicate key', `log_level: info\n${good}\n\nlog_level: warn`, 4, 'log_level'],
  ['line without key', `${good}\njust some words`, 2, null],
  ['line with only a colon', `${good}\n: value`, 2, null],
  ['empty value', `${good}\nlog_level:   # nothing`, 2, 'log_level'],
  ['quoted value', `${good}\ndata_dir: "/var/lib/x"`, 2, 'data_dir'],
  ['integer of wrong type', `${good}\n\ndefault_page_size: fifty`, 3, 'default_page_size'],
  ['negative integer', `${good}\nmax_upload_bytes: -1`, 2, 'max_upload_bytes'],
  [
    'integer below range',
    `${good}\nsession_idle_timeout_minutes: 0`,
    2,
    'session_idle_timeout_minutes',
  ],
  [
    'integer above range',
    `imap_idle_timeout_minutes: 1441\n${good}`,
    1,
    'imap_idle_timeout_minutes',
  ],
  ['upload above range', `${good}\nmax_upload_bytes: 10737418241`, 2, 'max_upload_bytes'],
  ['unknown log level', `${good}\nlog_level: verbose`, 2, 'log_level'],
  ['listen without port', `${good}\nweb_listen: localhost`, 2, 'web_listen'],
  ['port out of range', `${good}\nweb_listen: 127.0.0.1:65536`, 2, 'web_listen'],
  ['bare IPv6 host', `${good}\nweb_listen: ::1:8080`, 2, 'web_listen'],
  ['bad IPv4 host', `${good}\nweb_listen: 300.1.1.1:80`, 2, 'web_listen'],
  ['public_url not http', `${good}\npublic_url: ftp://mail.example.edu`, 2, 'public_url'],
  ['public_url not a URL', `${good}\npublic_url: mail.example.edu`, 2, 'public_url'],
  ['missing brackets', 'log_level: info\nimap_servers: a.test=h.test:993', 2, 'imap_servers'],
  ['empty brackets', 'imap_servers: a.test=h.test:993[]', 1, 'imap_servers'],
  ['letter as separator', 'imap_servers: a.test=h.test:993[INBOX]', 1, 'imap_servers'],
  [
    'separator missing in 2nd entry',
    'imap_servers: a.test=h:993[/], b.test=h:993',
    1,
    'imap_servers',
  ],
  ['imap entry without port', 'imap_servers: a.test=h.test[/]', 1, 'imap_servers'],
  ['imap entry without domain', 'imap_servers: h.test:993[/]', 1, 'imap_servers'],
  ['bad domain name', 'imap_servers: -a.test=h.test:993[/]', 1, 'imap_servers'],
  ['unknown flag', 'imap_servers: a.test=h.test:993[/] insecure fast', 1, 'imap_servers'],
  ['empty entry', 'imap_servers: a.test=h.test:993[/],', 1, 'imap_servers'],
  ['duplicate domain', 'imap_servers: a.test=h:993[/], A.test=g:143[.]', 1, 'imap_servers'],
  ['required key missing', 'log_level: info\n# no servers\n\n', 3, 'imap_servers'],
  ['required key missing, empty file', '', 0, 'imap_servers'],
  ['smtp with brackets', `${good}\nsmtp_servers: a.test=s.test:587[/]`, 2, 'smtp_servers'],
  ['smtp for unknown domain', `smtp_servers: b.test=s.test:587\n${good}`, 1, 'smtp_servers'],
  [
    'socket and listen both set',
    `webcache_socket: /run/wc.sock\n${good}\nwebcache_listen: 127.0.0.1:7070\nwebcache_secret: ${secret}`,
    3,
    'webcache_listen',
  ],
  ['listen without secret', `${good}\nwebcache_listen: 127.0.0.1:7070`, 2, 'webcache_secret'],
  ['secret without listen', `${good}\n\nwebcache_secret: ${secret}`, 3, 'webcache_secret'],
  [
    'secret too short',
    `${good}\nwebcache_listen: 127.0.0.1:7070\nwebcache_secret: short`,
    3,
    'webcache_secret',
  ],
  ['socket path too long', `${good}\nwebcache_socket: /${'s'.repeat(120)}`, 2, 'webcache_socket'],
];

for (const [what, text, line, key] of mistakes) {
  void test(`${what}: AM_CONFIG_SYNTAX at line ${line}`, () => {
    assert.throws(
      () => parseConfig(text, '/etc/alphamail_config'),
      (err: unknown) => {
        assert.ok(err instanceof AlphaMailError, String(err));
        assert.equal(err.code, 'AM_CONFIG_SYNTAX');
        assert.equal(err.details['file'], '/etc/alphamail_config');
        assert.equal(err.details['line'], line);
        assert.equal(err.details['key'], key);
        assert.equal(typeof err.details['expected'], 'string');
        return true;
      },
    );
  });
}

void test('the secret never appears in an error message', () => {
  const leaked = 'tooShortButSecret';
  assert.throws(
    () => parseConfig(`${good}\nwebcache_listen: 127.0.0.1:1\nwebcache_secret: ${leaked}`, 'c'),
    (err: unknown) => err instanceof AlphaMailError && !err.message.includes(leaked),
  );
});

void test('renderConfigFile output parses back to the values given', () => {
  const text = renderConfigFile({
    web_listen: '127.0.0.1:9090',
    public_url: 'http://127.0.0.1:9090',
    data_dir: '/tmp/am-data',
    imap_servers: 'demo.test=127.0.0.1:10143[INBOX.] insecure',
    smtp_servers: 'demo.test=127.0.0.1:10025 insecure',
    default_page_size: '25',
  });
  for (const name of configKeyNames) assert.ok(text.includes(`\n# ${name} (`), name);
  const config = parseConfig(text, '/x/alphamail_config');
  assert.deepEqual(config.webListen, { host: '127.0.0.1', port: 9090 });
  assert.equal(config.publicUrl, 'http://127.0.0.1:9090');
  assert.equal(config.dataDir, '/tmp/am-data');
  assert.deepEqual(config.webcache, { kind: 'unix', socketPath: '/tmp/am-data/webcache.sock' });
  assert.equal(config.defaultPageSize, 25);
  assert.equal(config.maxUploadBytes, 26_214_400);
  assert.deepEqual(
    config.domains.map((d) => [d.domain, d.imap.port, d.prefix, d.separator, d.smtp?.port]),
    [['demo.test', 10143, 'INBOX.', '.', 10025]],
  );
});

void test('every key example is a valid value (sample with examples round-trips)', () => {
  const examples = Object.fromEntries(
    configKeyNames
      .filter((name) => name !== 'webcache_socket')
      .map((name) => [name, configKeys[name].example]),
  );
  const config = parseConfig(renderConfigFile(examples), '/x/cfg');
  assert.equal(config.webcache.kind, 'tcp');
  assert.equal(config.domains.length, 2);
});

void test('commented-out defaults in the sample equal the parsed defaults', () => {
  const text = renderConfigFile({ imap_servers: 'a.test=127.0.0.1:993[/]' });
  const optionalWithoutDefault = [
    'webcache_listen',
    'webcache_secret',
    'webcache_socket',
    'smtp_servers',
    'admin_emails',
    'alert_smtp',
    'hang_detector_user',
    'hang_detector_domain',
    'hang_detector_password_file',
    'metrics_listen',
    'webcache_metrics_listen',
    'trusted_proxies',
  ];
  const uncommented = text.replace(/^# ([a-z_]+): /gm, (line, name: string) =>
    configKeyNames.some((k) => k === name) && !optionalWithoutDefault.includes(name)
      ? `${name}: `
      : line,
  );
  assert.notEqual(uncommented, text);
  assert.deepEqual(
    parseConfig(uncommented, '/x/cfg'),
    parseConfig('imap_servers: a.test=127.0.0.1:993[/]', '/x/cfg'),
  );
});

void test('renderConfigFile refuses values the file cannot carry', () => {
  for (const values of [
    { log_level: 'info\nweb_listen: 0.0.0.0:80' },
    { webcache_secret: 'abc #def' },
    { data_dir: '' },
    { no_such_key: 'x' } as Record<string, string>,
  ]) {
    assert.throws(
      () => renderConfigFile(values),
      (err: unknown) => err instanceof AlphaMailError && err.code === 'AM_BAD_REQUEST',
      JSON.stringify(values),
    );
  }
});

void test('docs/config.md is the generated reference', () => {
  const doc = readFileSync(new URL('../../../docs/config.md', import.meta.url), 'utf8');
  assert.equal(doc, renderConfigDocs());
  for (const name of configKeyNames) assert.ok(doc.includes(`### \`${name}\``), name);
});

void test('loadConfig reads the file and names a missing one', () => {
  const dir = mkdtempSync(join(tmpdir(), 'alphamail-config-'));
  try {
    const path = join(dir, 'alphamail_config');
    writeFileSync(path, `\uFEFF${good}\n`);
    assert.equal(loadConfig(path).dataDir, join(dir, 'data'));
    assert.throws(
      () => loadConfig(join(dir, 'absent')),
      (err: unknown) =>
        err instanceof AlphaMailError &&
        err.code === 'AM_CONFIG_MISSING' &&
        err.details['file'] === join(dir, 'absent'),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

void test('resolveConfigPath: --config, then ALPHAMAIL_CONFIG, then ./alphamail_config', () => {
  assert.equal(resolveConfigPath('/a', { ALPHAMAIL_CONFIG: '/b' }), '/a');
  assert.equal(resolveConfigPath(undefined, { ALPHAMAIL_CONFIG: '/b' }), '/b');
  assert.equal(resolveConfigPath(undefined, { ALPHAMAIL_CONFIG: '' }), './alphamail_config');
  assert.equal(resolveConfigPath(undefined, {}), './alphamail_config');
});

const onlyConfigErrors = (text: string): boolean => {
  try {
    parseConfig(text, 'fuzz');
  } catch (err) {
    const lineCount = text.split(/\r\n|\r|\n/).length;
    return (
      err instanceof AlphaMailError &&
      err.code === 'AM_CONFIG_SYNTAX' &&
      typeof err.details['line'] === 'number' &&
      err.details['line'] >= 0 &&
      err.details['line'] <= lineCount
    );
  }
  return true;
};

void test('parseConfig on arbitrary text throws nothing but AM_CONFIG_SYNTAX', () => {
  fc.assert(fc.property(fc.string({ unit: 'binary' }), onlyConfigErrors), { numRuns: 2000 });
  const valueish = fc.string({
    unit: fc.constantFrom(
      'a',
      '.',
      ':',
      '[',
      ']',
      '/',
      '=',
      ',',
      ' ',
      '#',
      '9',
      '3',
      '-',
      'x',
      '\t',
    ),
    maxLength: 40,
  });
  const line = fc.oneof(
    fc.tuple(fc.constantFrom(...configKeyNames), valueish).map(([k, v]) => `${k}: ${v}`),
    fc
      .tuple(fc.constantFrom(...configKeyNames), fc.constantFrom(...configKeyNames))
      .map(([k, other]) => `${k}: ${configKeys[other].example}`),
    valueish,
  );
  fc.assert(
    fc.property(fc.array(line, { maxLength: 8 }), (lines) => onlyConfigErrors(lines.join('\n'))),
    { numRuns: 3000 },
  );
});
