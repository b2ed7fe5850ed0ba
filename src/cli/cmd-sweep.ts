// `alphamail sweep [--dry-run]`: asks the webcache which sessions live, sweeps the data dir once
// and prints what it removed. Must not decide what is garbage (ops/sweep does).
import { loadConfig, resolveConfigPath, type AlphaMailConfig } from '../config/index.js';
import { sweepDataDir, webcacheClientOf, type SweepReport } from '../ops/index.js';
import { parseArgs } from './args.js';

/** A webcache that does not name its sessions within this is treated as down for this run. */
const liveSpoolsBudgetMs = 5000;

export const sweepUsage = `usage: alphamail sweep [--dry-run] [--config PATH]

Removes spool files older than spool_max_age_minutes, the spool directories of sessions the
webcache no longer holds (skipped when the webcache does not answer) and, once file sharing
exists, expired shares. Never follows a link; never removes a file some process holds open.
Prints one line per removed file.

  --dry-run   remove nothing; print what would be removed

exit codes: 0 swept (or nothing to do), 1 some entries could not be removed or read,
            2 bad usage or configuration
`;

async function askLiveSpools(config: AlphaMailConfig): Promise<Set<string> | null> {
  try {
    const reply = await webcacheClientOf(config).call('liveSpools', {}, liveSpoolsBudgetMs);
    return new Set(reply.spoolDirs);
  } catch {
    return null;
  }
}

export function formatSweepReport(report: SweepReport, isDryRun: boolean): string {
  const verb = isDryRun ? 'would remove' : 'removed';
  return report.removed
    .map((r) => `${verb} ${r.path}${r.isDirectory ? '/' : ''} (${r.reason})\n`)
    .join('');
}

export async function runSweep(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, new Set(['dry-run', 'help']));
  if (args.flags.has('help')) {
    process.stdout.write(sweepUsage);
    return 0;
  }
  const unknown = [...args.flags.keys()].filter((f) => f !== 'dry-run');
  if (unknown.length > 0 || args.positionals.length > 0) {
    const what = unknown.length > 0 ? `--${unknown[0]}` : args.positionals.join(' ');
    process.stderr.write(`alphamail sweep: unexpected ${what}\n\n${sweepUsage}`);
    return 2;
  }
  const isDryRun = args.flags.has('dry-run');
  const config = loadConfig(resolveConfigPath(args.configFlag, process.env));
  const liveSpools = await askLiveSpools(config);
  const report = sweepDataDir({
    dataDir: config.dataDir,
    spoolMaxAgeMs: config.ops.spoolMaxAgeMinutes * 60_000,
    liveSpools,
    isDryRun,
  });
  process.stdout.write(formatSweepReport(report, isDryRun));
  for (const kept of report.kept) {
    process.stderr.write(`alphamail sweep: kept ${kept.path} (${kept.why})\n`);
  }
  for (const note of report.notes) process.stderr.write(`alphamail sweep: ${note}\n`);
  for (const failure of report.failures) {
    process.stderr.write(`alphamail sweep: cannot sweep ${failure.path}: ${failure.error}\n`);
  }
  return report.failures.length > 0 ? 1 : 0;
}
