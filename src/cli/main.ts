// The `alphamail` command: one subcommand per file; builds dependencies and calls in.
// Must not hold logic of its own beyond dispatch and turning errors into exit codes.
import { isAlphaMailError } from '../base/index.js';
import { loadConfig, resolveConfigPath } from '../config/index.js';
import { parseArgs } from './args.js';
import { runConfigure } from './cmd-configure.js';
import { runDemo } from './cmd-demo.js';
import { runHangDetector } from './cmd-hang-detector.js';
import { runProbeImap } from './cmd-probe-imap.js';
import { runStart } from './cmd-start.js';
import { runSweep } from './cmd-sweep.js';
import { runWeb } from './cmd-web.js';
import { runWebcache } from './cmd-webcache.js';

const usage = `usage: alphamail <command> [--config PATH]

commands:
  start       run the webcache and the web tier together, supervised
  web         run the web tier alone
  webcache    run the webcache daemon alone
  demo        start a demo Dovecot with demo mail and AlphaMail on it (npm start)
  configure   write a commented alphamail_config (questions, or flags with --non-interactive)
  probe-imap  sign in to an IMAP server and print its imap_servers line (HOST[:PORT] --user NAME)
  sweep       remove old spool files and those of ended sessions (--dry-run)
  hang-detector  probe the webcache every interval; restart it and mail the admins when it hangs

--config PATH   the alphamail_config to use (default: $ALPHAMAIL_CONFIG, else ./alphamail_config)
`;

/** Exit codes: 0 fine, 1 runtime failure, 2 bad usage or configuration. */
async function main(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, new Set(['help']));
  // Subcommands with their own options print their own help.
  const hasOwnHelp = ['configure', 'probe-imap', 'sweep', 'hang-detector'].includes(
    args.command ?? '',
  );
  if (args.command === null || args.command === 'help' || (args.flags.has('help') && !hasOwnHelp)) {
    process.stdout.write(usage);
    return args.command === null && !args.flags.has('help') ? 2 : 0;
  }
  const config = () => loadConfig(resolveConfigPath(args.configFlag, process.env));
  switch (args.command) {
    case 'start':
      await runStart(config());
      return 0;
    case 'web':
      await runWeb(config());
      return 0;
    case 'webcache':
      await runWebcache(config());
      return 0;
    case 'demo': {
      const port = args.flags.get('port');
      const dir = args.flags.get('dir');
      await runDemo({
        port: typeof port === 'string' ? Number(port) : undefined,
        dir: typeof dir === 'string' ? dir : undefined,
      });
      return 0;
    }
    case 'configure':
      return runConfigure(argv);
    case 'probe-imap':
      return runProbeImap(argv);
    case 'sweep':
      return runSweep(argv);
    case 'hang-detector':
      return runHangDetector(argv);
    default:
      process.stderr.write(`alphamail: unknown command "${args.command}"\n\n${usage}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (isAlphaMailError(err)) {
      const isConfig = err.code === 'AM_CONFIG_SYNTAX' || err.code === 'AM_CONFIG_MISSING';
      process.stderr.write(`alphamail: ${err.message}\n`);
      process.exitCode = isConfig ? 2 : 1;
      return;
    }
    process.stderr.write(
      `alphamail: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exitCode = 1;
  },
);
