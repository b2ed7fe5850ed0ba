// Owns parsing of the `alphamail` command line: a subcommand, --config PATH and flags.
// Must not start anything: main.ts dispatches.

export interface ParsedArgs {
  command: string | null;
  configFlag: string | undefined;
  flags: Map<string, string | true>;
  positionals: string[];
}

/** `--name value`, `--name=value` and bare `--flag`; the first positional is the command. */
export function parseArgs(argv: readonly string[], booleanFlags: ReadonlySet<string>): ParsedArgs {
  const flags = new Map<string, string | true>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    if (eq > 0) {
      flags.set(arg.slice(2, eq), arg.slice(eq + 1));
      continue;
    }
    const name = arg.slice(2);
    const next = argv[i + 1];
    if (!booleanFlags.has(name) && next !== undefined && !next.startsWith('--')) {
      flags.set(name, next);
      i++;
    } else {
      flags.set(name, true);
    }
  }
  const config = flags.get('config');
  flags.delete('config');
  return {
    command: positionals.shift() ?? null,
    configFlag: typeof config === 'string' ? config : undefined,
    flags,
    positionals,
  };
}
