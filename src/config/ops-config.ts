// Owns turning the operations keys into OpsConfig, with the cross-key rules (the hang detector's
// user needs its password file and a domain of imap_servers). Must not read the password file.
import { resolve } from 'node:path';
import { configKeys, type ConfigKeyName, type ConfigKeyValue } from './keys.js';
import type { OpsConfig } from './types.js';

/** What parse.ts gives: a key's value or its literal default; its line for messages. */
export interface KeyReader {
  get<K extends ConfigKeyName>(key: K): ConfigKeyValue<K> | undefined;
  line(key: ConfigKeyName): number | undefined;
}

/** A rule across keys is broken: parse.ts turns it into AM_CONFIG_SYNTAX at `key`'s line. */
export class CrossKeyProblem extends Error {
  constructor(
    readonly key: ConfigKeyName,
    readonly problem: string,
    readonly expected: string,
  ) {
    super(`${problem}; expected ${expected}`);
  }
}

function literalDefault<K extends ConfigKeyName>(key: K): ConfigKeyValue<K> {
  const spec = configKeys[key];
  return spec.parse(spec.default ?? '') as ConfigKeyValue<K>;
}

export function readOpsConfig(
  keys: KeyReader,
  baseDir: string,
  domains: readonly string[],
): OpsConfig {
  const valueOf = <K extends ConfigKeyName>(key: K): ConfigKeyValue<K> =>
    keys.get(key) ?? literalDefault(key);
  const user = keys.get('hang_detector_user') ?? null;
  const passwordFile = keys.get('hang_detector_password_file');
  if ((user === null) !== (passwordFile === undefined)) {
    throw new CrossKeyProblem(
      user === null ? 'hang_detector_password_file' : 'hang_detector_user',
      'hang_detector_user and hang_detector_password_file go together',
      'both keys or neither',
    );
  }
  const domain = keys.get('hang_detector_domain') ?? domains[0] ?? '';
  if (keys.get('hang_detector_domain') !== undefined && !domains.includes(domain)) {
    throw new CrossKeyProblem(
      'hang_detector_domain',
      `hang_detector_domain ${domain} is not a domain of imap_servers`,
      `one of ${domains.join(', ')}`,
    );
  }
  return {
    adminEmails: keys.get('admin_emails') ?? [],
    alertSmtp: keys.get('alert_smtp') ?? null,
    spoolMaxAgeMinutes: valueOf('spool_max_age_minutes'),
    metricsListen: keys.get('metrics_listen') ?? null,
    webcacheMetricsListen: keys.get('webcache_metrics_listen') ?? null,
    trustedProxies: keys.get('trusted_proxies') ?? [],
    sandboxUser: valueOf('sandbox_user'),
    shareMaxBytes: valueOf('share_max_bytes'),
    shareMaxDays: valueOf('share_max_days'),
    hangDetector: {
      intervalSeconds: valueOf('hang_detector_interval_seconds'),
      failures: valueOf('hang_detector_failures'),
      deadlineSeconds: valueOf('hang_detector_deadline_seconds'),
      restartCommand: valueOf('hang_detector_restart_command'),
      minRestartIntervalMinutes: valueOf('hang_detector_min_restart_interval_minutes'),
      user,
      domain,
      passwordFile: passwordFile === undefined ? null : resolve(baseDir, passwordFile),
    },
  };
}

/** The operations settings of a file that sets none of their keys (for tests' literal configs). */
export const defaultOpsConfig: OpsConfig = Object.freeze(
  readOpsConfig({ get: () => undefined, line: () => undefined }, '/', ['localhost']),
);
