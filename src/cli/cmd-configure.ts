// `alphamail configure [--non-interactive] [--KEY-NAME VALUE …] [--out PATH] [--force]`:
// turns flags into answers and calls ops' configure. Must not know any config key by name.
import { isAlphaMailError } from '../base/index.js';
import { defaultConfigPath } from '../config/index.js';
import {
  configure,
  configureQuestions,
  flagNameOf,
  keyOfFlag,
  type ConfigAnswers,
} from '../ops/index.js';
import { parseArgs } from './args.js';

const booleanFlags = new Set(['non-interactive', 'force', 'help']);

function usage(): string {
  const keyFlags = configureQuestions()
    .map((q) => `  --${flagNameOf(q.key)} VALUE${q.required ? '  (required)' : ''}`)
    .join('\n');
  return `usage: alphamail configure [--non-interactive] [--out PATH] [--force] [--KEY VALUE …]

Writes a commented alphamail_config. Without --non-interactive it asks each setting on
stdin (answers may be piped in, one per line; an empty line keeps the default).

  --out PATH         where to write (default: --config PATH, else ${defaultConfigPath})
  --force            overwrite an existing file
  --non-interactive  ask nothing: every value comes from the flags below

settings (each key of alphamail_config, see docs/config.md):
${keyFlags}
`;
}

/** Exit codes: 0 written, 2 bad usage, an existing file or a value AlphaMail would refuse. */
export async function runConfigure(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, booleanFlags);
  const usageError = (problem: string): number => {
    process.stderr.write(`alphamail configure: ${problem}\n\n${usage()}`);
    return 2;
  };
  if (args.flags.has('help')) {
    process.stdout.write(usage());
    return 0;
  }
  if (args.positionals.length > 0) return usageError(`unexpected "${args.positionals.join(' ')}"`);
  const preset: ConfigAnswers = {};
  let out = args.configFlag ?? defaultConfigPath;
  for (const [name, value] of args.flags) {
    if (booleanFlags.has(name)) continue;
    if (value === true) return usageError(`--${name} needs a value`);
    const key = keyOfFlag(name);
    if (name === 'out') out = value;
    else if (key === null) return usageError(`unknown flag --${name}`);
    else preset[key] = value;
  }
  const isInteractive = !args.flags.has('non-interactive');
  let result;
  try {
    result = await configure({
      out,
      force: args.flags.has('force'),
      isInteractive,
      preset,
      input: process.stdin,
      output: process.stdout,
      shouldEcho: process.stdin.isTTY !== true,
    });
  } catch (err) {
    // A refused value or an existing file is the caller's to fix: usage, not a failure.
    if (isAlphaMailError(err, 'AM_BAD_REQUEST') || isAlphaMailError(err, 'AM_CONFIG_SYNTAX')) {
      process.stderr.write(`alphamail configure: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  process.stdout.write(`${isInteractive ? '\n' : ''}wrote ${result.file}\n`);
  return 0;
}
