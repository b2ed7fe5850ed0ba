// `alphamail probe-imap HOST[:PORT] --user NAME [--domain D] [--insecure] [--noverify]`:
// reads the password, calls ops' probeImap and prints its report. Must not take a password flag.
import { isAlphaMailError } from '../base/index.js';
import { checkProbeDomain, formatProbeReport, parseProbeTarget, probeImap } from '../ops/index.js';
import { parseArgs } from './args.js';

/** The one place a script puts the password: never a flag (flags show in `ps`). */
export const probePasswordEnv = 'ALPHAMAIL_PROBE_PASSWORD';

export const probeImapUsage = `usage: alphamail probe-imap HOST[:PORT] --user NAME [--domain DOMAIN] [--insecure] [--noverify]

Signs in once and prints the folder separator and prefix, special-use folders, capabilities
and the imap_servers line for alphamail_config. Port 993 (the default) is implicit TLS, any
other port uses STARTTLS. The password comes from $${probePasswordEnv}, else a prompt.

  --user NAME      the account to sign in with
  --domain DOMAIN  mail domain for the config line (default: HOST without its first label)
  --insecure       allow the password in clear when the server offers no STARTTLS
  --noverify       accept a certificate that does not verify (self-signed test servers)
`;

const booleanFlags = new Set(['insecure', 'noverify', 'help']);
const knownFlags = new Set([...booleanFlags, 'user', 'domain']);

/** A line typed on the terminal without echo; Ctrl+C or Ctrl+D gives null. */
function readHiddenLine(prompt: string): Promise<string | null> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  return new Promise((resolve) => {
    let typed = '';
    const finish = (value: string | null): void => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      resolve(value);
    };
    const onData = (chunk: Buffer): void => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return finish(typed);
        if (ch === '\u0003' || ch === '\u0004') return finish(null);
        if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
        else typed += ch;
      }
    };
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}

/** First line of a piped stdin, for `secret-tool lookup … | alphamail probe-imap …`. */
async function readPipedLine(): Promise<string | null> {
  let text = '';
  for await (const chunk of process.stdin) {
    text += String(chunk);
    if (text.includes('\n')) break;
  }
  const line = text.split(/\r?\n/)[0] ?? '';
  return text === '' ? null : line;
}

async function password(user: string, host: string): Promise<string | null> {
  const fromEnv = process.env[probePasswordEnv];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (process.stdin.isTTY) return readHiddenLine(`password for ${user} at ${host}: `);
  return readPipedLine();
}

/** Exit codes: 0 report printed, 1 the probe failed, 2 bad usage. */
export async function runProbeImap(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, booleanFlags);
  const usageError = (problem: string): number => {
    process.stderr.write(`alphamail probe-imap: ${problem}\n\n${probeImapUsage}`);
    return 2;
  };
  if (args.flags.has('help')) {
    process.stdout.write(probeImapUsage);
    return 0;
  }
  for (const name of args.flags.keys()) {
    if (!knownFlags.has(name)) return usageError(`unknown flag --${name}`);
  }
  if (args.flags.has('password')) return usageError('the password is never a flag');
  const [targetText, ...extra] = args.positionals;
  if (targetText === undefined || extra.length > 0)
    return usageError('give exactly one HOST[:PORT]');
  const user = args.flags.get('user');
  if (typeof user !== 'string' || user === '') return usageError('--user NAME is required');
  const domain = args.flags.get('domain');
  if (domain === true) return usageError('--domain needs a value');
  let target;
  try {
    target = parseProbeTarget(targetText);
    if (typeof domain === 'string') checkProbeDomain(domain);
  } catch (err) {
    if (isAlphaMailError(err)) return usageError(err.message);
    throw err;
  }
  const pass = await password(user, target.host);
  if (pass === null || pass === '') {
    return usageError(`no password: set $${probePasswordEnv} or type it at the prompt`);
  }
  const result = await probeImap({
    ...target,
    user,
    password: pass,
    allowInsecure: args.flags.has('insecure'),
    verifyCertificate: !args.flags.has('noverify'),
    ...(domain === undefined ? {} : { domain }),
  }).catch((err: unknown) => {
    if (!isAlphaMailError(err)) throw err;
    // The admin at the terminal may read the server's words (already without credentials).
    const reply = typeof err.details['reply'] === 'string' ? err.details['reply'] : null;
    process.stderr.write(`alphamail probe-imap: ${err.code}: ${err.message}\n`);
    if (reply !== null && !err.message.includes(reply)) process.stderr.write(`server: ${reply}\n`);
    return null;
  });
  if (result === null) return 1;
  process.stdout.write(formatProbeReport(result));
  return 0;
}
