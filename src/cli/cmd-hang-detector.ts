// `alphamail hang-detector [--once]`: reads the probe account's password file, then probes the
// webcache every interval (or once). Must not take a password on the command line or log it.
import { readFileSync, statSync } from 'node:fs';
import { createLogger } from '../base/index.js';
import { loadConfig, resolveConfigPath } from '../config/index.js';
import {
  HangDetector,
  alertRouteOf,
  probeWebcache,
  runRestartCommand,
  sendAlert,
  webcacheClientOf,
  type HangProbeAccount,
} from '../ops/index.js';
import { parseArgs } from './args.js';
import { runUntilSignal } from './run-until-signal.js';

export const hangDetectorUsage = `usage: alphamail hang-detector [--once] [--config PATH]

Every hang_detector_interval_seconds, signs in to the webcache as hang_detector_user (password
from hang_detector_password_file), lists the folders, reads page 1 of INBOX and opens its newest
message, within hang_detector_deadline_seconds. After hang_detector_failures failures in a row it
runs hang_detector_restart_command and mails admin_emails, each at most once per
hang_detector_min_restart_interval_minutes.

  --once   one probe: print its result, exit 0 when it passed, 1 when it failed

exit codes: 0 stopped by a signal (or --once passed), 1 --once failed, 2 bad usage or config
`;

function fail(problem: string): number {
  process.stderr.write(`alphamail hang-detector: ${problem}\n`);
  return 2;
}

export async function runHangDetector(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, new Set(['once', 'help']));
  if (args.flags.has('help')) {
    process.stdout.write(hangDetectorUsage);
    return 0;
  }
  const unknown = [...args.flags.keys()].filter((f) => f !== 'once');
  if (unknown.length > 0 || args.positionals.length > 0) {
    return fail(
      `unexpected ${unknown[0] ? `--${unknown[0]}` : args.positionals.join(' ')}\n\n${hangDetectorUsage}`,
    );
  }
  const config = loadConfig(resolveConfigPath(args.configFlag, process.env));
  const settings = config.ops.hangDetector;
  if (settings.user === null || settings.passwordFile === null) {
    return fail(`${config.file}: set hang_detector_user and hang_detector_password_file`);
  }
  let password: string;
  try {
    password = readFileSync(settings.passwordFile, 'utf8').split(/\r?\n/)[0] ?? '';
  } catch (err) {
    return fail(`cannot read ${settings.passwordFile} (${(err as NodeJS.ErrnoException).code})`);
  }
  if (password === '') return fail(`${settings.passwordFile} is empty`);
  const logger = createLogger({ name: 'hang-detector', level: config.logLevel });
  if ((statSync(settings.passwordFile).mode & 0o077) !== 0) {
    logger.warn(
      { file: settings.passwordFile },
      'the password file is readable by others: chmod 600',
    );
  }
  const account: HangProbeAccount = { user: settings.user, domain: settings.domain, password };
  const client = webcacheClientOf(config);
  const probe = () => probeWebcache(client, account, settings.deadlineSeconds * 1000);
  if (args.flags.has('once')) {
    const result = await probe();
    process.stdout.write(
      result.ok
        ? `ok in ${result.ms} ms (${result.messages} messages in INBOX)\n`
        : `failed: ${result.step} ${result.code} after ${result.ms} ms\n`,
    );
    return result.ok ? 0 : 1;
  }
  const route = alertRouteOf(config, account);
  const detector = new HangDetector(
    {
      intervalMs: settings.intervalSeconds * 1000,
      failuresBeforeRestart: settings.failures,
      minRestartIntervalMs: settings.minRestartIntervalMinutes * 60_000,
      restartCommand: settings.restartCommand,
    },
    {
      probe,
      restart: () => runRestartCommand(settings.restartCommand),
      alert: route ? (mail) => sendAlert(route, config.ops.adminEmails, mail) : null,
      logger,
    },
  );
  detector.start();
  await runUntilSignal(logger, () => detector.stop());
  return 0;
}
