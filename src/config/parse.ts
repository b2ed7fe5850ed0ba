// Owns turning the text of alphamail_config into a validated, deep-frozen AlphaMailConfig.
// Pure but for path arithmetic: it never reads files (load.ts does) or the environment.
import { Buffer } from 'node:buffer';
import { dirname, join, resolve } from 'node:path';
import { AlphaMailError } from '../base/index.js';
import {
  configKeyNames,
  configKeys,
  isConfigKeyName,
  type ConfigKeyName,
  type ConfigKeyValue,
} from './keys.js';
import { CrossKeyProblem, readOpsConfig } from './ops-config.js';
import { BadValue, quote } from './values.js';
import type { AlphaMailConfig, DomainConfig, WebcacheEndpointConfig } from './types.js';

/** Linux sun_path holds 108 bytes with the closing NUL: a longer socket path cannot be bound. */
const maxSocketPathBytes = 107;

function syntaxError(
  file: string,
  line: number,
  key: string | null,
  problem: string,
  expected: string,
): AlphaMailError {
  return new AlphaMailError(
    'AM_CONFIG_SYNTAX',
    `${file}:${line}: ${problem}; expected ${expected}`,
    {
      file,
      line,
      key,
      expected,
    },
  );
}

/** Edit distance, for "did you mean" on unknown keys. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

function nearestKey(name: string): ConfigKeyName {
  const lower = name.toLowerCase();
  let best = configKeyNames[0] as ConfigKeyName;
  for (const key of configKeyNames) {
    if (editDistance(lower, key) < editDistance(lower, best)) best = key;
  }
  return best;
}

/** Drops a full-line comment or a "#" comment that follows whitespace; trims the rest. */
function withoutComment(line: string): string {
  if (/^\s*#/.test(line)) return '';
  const hash = line.search(/\s#/);
  return (hash < 0 ? line : line.slice(0, hash)).trim();
}

const linePattern = /^([A-Za-z_][\w.-]*)\s*:(.*)$/;

interface Setting {
  value: unknown;
  line: number;
}

/** The values read from the file, keyed by name; a value's type is its key's parse result. */
class Settings {
  constructor(
    private readonly set: ReadonlyMap<ConfigKeyName, Setting>,
    readonly lastLine: number,
  ) {}

  line(key: ConfigKeyName): number | undefined {
    return this.set.get(key)?.line;
  }

  /** The value the file gives, else the key's literal default, else undefined. */
  get<K extends ConfigKeyName>(key: K): ConfigKeyValue<K> | undefined {
    const setting = this.set.get(key);
    const spec = configKeys[key];
    if (setting) return setting.value as ConfigKeyValue<K>;
    return spec.default === null ? undefined : (spec.parse(spec.default) as ConfigKeyValue<K>);
  }
}

function readSettings(text: string, file: string): Settings {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  if (lines.at(-1) === '') lines.pop();
  const set = new Map<ConfigKeyName, Setting>();
  lines.forEach((raw, index) => {
    const line = index + 1;
    const content = withoutComment(raw);
    if (content === '') return;
    const match = linePattern.exec(content);
    if (!match) {
      throw syntaxError(
        file,
        line,
        null,
        'this line is not "key: value"',
        '"key: value", a "#" comment or a blank line',
      );
    }
    const name = match[1] ?? '';
    const value = (match[2] ?? '').trim();
    if (!isConfigKeyName(name)) {
      const nearest = nearestKey(name);
      throw syntaxError(
        file,
        line,
        name,
        `unknown key ${quote(name)}`,
        `a known key (did you mean ${nearest}?)`,
      );
    }
    const first = set.get(name);
    if (first) {
      throw syntaxError(
        file,
        line,
        name,
        `key ${name} is set again (first on line ${first.line})`,
        'each key once',
      );
    }
    const spec = configKeys[name];
    const shape = `${name}: ${spec.type}, e.g. ${spec.example}`;
    if (value === '') {
      throw syntaxError(
        file,
        line,
        name,
        `key ${name} has no value`,
        `${shape} (or comment the line out)`,
      );
    }
    if (value.length >= 2 && /^(["']).*\1$/.test(value)) {
      throw syntaxError(
        file,
        line,
        name,
        `the value of ${name} is in quotes`,
        `${shape}, without quotes`,
      );
    }
    try {
      set.set(name, { value: spec.parse(value), line });
    } catch (err) {
      if (err instanceof BadValue)
        throw syntaxError(file, line, name, `${name}: ${err.problem}`, err.expected);
      throw err;
    }
  });
  const settings = new Settings(set, lines.length);
  for (const name of configKeyNames) {
    const spec = configKeys[name];
    if (spec.required && !set.has(name)) {
      throw syntaxError(
        file,
        lines.length,
        name,
        `missing key ${name}`,
        `a line ${name}: ${spec.type}, e.g. ${spec.example}`,
      );
    }
  }
  return settings;
}

function webcacheEndpoint(
  settings: Settings,
  file: string,
  baseDir: string,
  dataDir: string,
): WebcacheEndpointConfig {
  const listen = settings.get('webcache_listen');
  const socket = settings.get('webcache_socket');
  const secret = settings.get('webcache_secret');
  const listenLine = settings.line('webcache_listen') ?? 0;
  const socketLine = settings.line('webcache_socket') ?? 0;
  if (listen && socket !== undefined) {
    const later = listenLine > socketLine ? 'webcache_listen' : 'webcache_socket';
    throw syntaxError(
      file,
      Math.max(listenLine, socketLine),
      later,
      'webcache_socket and webcache_listen are both set',
      'only one: webcache_socket on one host, or webcache_listen with webcache_secret',
    );
  }
  if (listen) {
    if (secret === undefined) {
      throw syntaxError(
        file,
        listenLine,
        'webcache_secret',
        'missing key webcache_secret, which webcache_listen needs',
        'a line webcache_secret: a random string of 32 or more characters',
      );
    }
    return { kind: 'tcp', host: listen.host, port: listen.port, secret };
  }
  if (secret !== undefined) {
    throw syntaxError(
      file,
      settings.line('webcache_secret') ?? 0,
      'webcache_secret',
      'webcache_secret is set but webcache_listen is not',
      'webcache_listen: host:port as well, or no webcache_secret',
    );
  }
  const socketPath =
    socket === undefined ? join(dataDir, 'webcache.sock') : resolve(baseDir, socket);
  if (Buffer.byteLength(socketPath) > maxSocketPathBytes) {
    const key = socket === undefined ? 'data_dir' : 'webcache_socket';
    throw syntaxError(
      file,
      settings.line(key) ?? settings.lastLine,
      key,
      `the webcache socket path ${quote(socketPath)} is longer than ${maxSocketPathBytes} bytes`,
      'a shorter webcache_socket or data_dir',
    );
  }
  return { kind: 'unix', socketPath };
}

function mailDomains(settings: Settings, file: string): DomainConfig[] {
  const imap = settings.get('imap_servers') ?? [];
  const smtp = settings.get('smtp_servers') ?? [];
  for (const entry of smtp) {
    if (!imap.some((d) => d.domain === entry.domain)) {
      throw syntaxError(
        file,
        settings.line('smtp_servers') ?? 0,
        'smtp_servers',
        `smtp_servers names domain ${quote(entry.domain)}, which imap_servers does not list`,
        'only domains of imap_servers',
      );
    }
  }
  return imap.map((entry) => {
    const submission = smtp.find((s) => s.domain === entry.domain);
    return {
      domain: entry.domain,
      imap: {
        host: entry.host,
        port: entry.port,
        tls: entry.tls,
        allowInsecure: entry.allowInsecure,
        verifyCertificate: entry.verifyCertificate,
      },
      prefix: entry.prefix,
      separator: entry.separator,
      smtp: submission
        ? {
            host: submission.host,
            port: submission.port,
            tls: submission.tls,
            allowInsecure: submission.allowInsecure,
            verifyCertificate: submission.verifyCertificate,
          }
        : null,
    };
  });
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** A default the table holds; only reached for keys that have one. */
function withDefault<T>(value: T | undefined, key: ConfigKeyName): T {
  if (value === undefined)
    throw new AlphaMailError('AM_INTERNAL', `config key ${key} has no default`);
  return value;
}

/**
 * Parses the text of an alphamail_config. `file` names it in messages and anchors relative
 * paths. Every problem throws AM_CONFIG_SYNTAX with details { file, line, key, expected }.
 */
export function parseConfig(text: string, file: string): AlphaMailConfig {
  const absoluteFile = resolve(file);
  const settings = readSettings(text, file);
  const baseDir = dirname(absoluteFile);
  const dataDir = resolve(baseDir, withDefault(settings.get('data_dir'), 'data_dir'));
  const domains = mailDomains(settings, file);
  let ops;
  try {
    ops = readOpsConfig(
      settings,
      baseDir,
      domains.map((d) => d.domain),
    );
  } catch (err) {
    if (!(err instanceof CrossKeyProblem)) throw err;
    const line = settings.line(err.key) ?? settings.lastLine;
    throw syntaxError(file, line, err.key, err.problem, err.expected);
  }
  return deepFreeze({
    file: absoluteFile,
    webListen: withDefault(settings.get('web_listen'), 'web_listen'),
    publicUrl: withDefault(settings.get('public_url'), 'public_url'),
    dataDir,
    webcache: webcacheEndpoint(settings, file, baseDir, dataDir),
    domains,
    sessionIdleTimeoutMinutes: withDefault(
      settings.get('session_idle_timeout_minutes'),
      'session_idle_timeout_minutes',
    ),
    imapIdleTimeoutMinutes: withDefault(
      settings.get('imap_idle_timeout_minutes'),
      'imap_idle_timeout_minutes',
    ),
    defaultPageSize: withDefault(settings.get('default_page_size'), 'default_page_size'),
    maxUploadBytes: withDefault(settings.get('max_upload_bytes'), 'max_upload_bytes'),
    logLevel: withDefault(settings.get('log_level'), 'log_level'),
    remoteFetchAllowPrivate: withDefault(
      settings.get('remote_fetch_allow_private'),
      'remote_fetch_allow_private',
    ),
    ops,
  });
}
