// Owns finding and reading the one alphamail_config file a process is given.
// Must not read any other file or keep what it read in a global: the caller passes it on.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { AlphaMailError } from '../base/index.js';
import { parseConfig } from './parse.js';
import type { AlphaMailConfig } from './types.js';

/** The file used when neither --config nor ALPHAMAIL_CONFIG names one. */
export const defaultConfigPath = './alphamail_config';

/** `--config PATH` wins, then $ALPHAMAIL_CONFIG, then ./alphamail_config. */
export function resolveConfigPath(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): string {
  if (flag !== undefined && flag !== '') return flag;
  const fromEnv = env['ALPHAMAIL_CONFIG'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  return defaultConfigPath;
}

/** Reads and parses the file; a file that cannot be read is AM_CONFIG_MISSING naming the path. */
export function loadConfig(path: string): AlphaMailConfig {
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new AlphaMailError(
      'AM_CONFIG_MISSING',
      `${file}: cannot read the configuration (${reason}); expected a file written by ` +
        '`alphamail configure`, or --config PATH',
      { file, reason },
      { cause: err },
    );
  }
  return parseConfig(text, file);
}
