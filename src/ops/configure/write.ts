// Owns producing and writing the commented alphamail_config from answers: checked by the
// same parser AlphaMail starts with, written 0600, never over an existing file unless forced.
// Must not ask anything (interview.ts does).
import { randomBytes } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, basename } from 'node:path';
import { AlphaMailError } from '../../base/index.js';
import { parseConfig, renderConfigFile } from '../../config/index.js';
import type { ConfigAnswers } from './questions.js';

/** The file may hold webcache_secret: only its owner (the alphamail user) reads it. */
export const configFileMode = 0o600;

/** The commented file text; throws AM_CONFIG_SYNTAX (naming the line) if AlphaMail would refuse it. */
export function renderCheckedConfig(answers: ConfigAnswers, path: string): string {
  const text = renderConfigFile(answers);
  // Cross-key rules (a secret with webcache_listen, SMTP domains in imap_servers) live there.
  parseConfig(text, resolve(path));
  return text;
}

/** Writes `text` to `path`; an existing file is AM_BAD_REQUEST unless `force`. */
export function writeConfigFile(path: string, text: string, opts: { force: boolean }): void {
  const file = resolve(path);
  if (!opts.force) {
    try {
      writeFileSync(file, text, { flag: 'wx', mode: configFileMode });
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new AlphaMailError(
          'AM_BAD_REQUEST',
          `${file} exists; configure does not overwrite it without --force`,
          { file },
        );
      }
      throw cannotWrite(file, err);
    }
  }
  // Forced: a reader never sees half a file.
  const temp = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}`);
  try {
    writeFileSync(temp, text, { flag: 'wx', mode: configFileMode });
    renameSync(temp, file);
  } catch (err) {
    rmSync(temp, { force: true });
    throw cannotWrite(file, err);
  }
}

function cannotWrite(file: string, err: unknown): AlphaMailError {
  const reason = (err as NodeJS.ErrnoException).code ?? 'unwritable';
  return new AlphaMailError(
    'AM_BAD_REQUEST',
    `${file}: cannot write (${reason})`,
    { file, reason },
    { cause: err },
  );
}
