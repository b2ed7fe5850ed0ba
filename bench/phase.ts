// Owns measuring one benchmark phase: wait for IMAP quiet, reset the counting proxy, read Dovecot
// CPU before and after, and turn the counts into per-page-view figures. Must not drive pages.
import type { ImapProxy, ImapProxyCounts } from '../test/harness/imap-proxy.js';
import { LatencyRecorder, type LatencySummary } from './load.js';
import { dovecotCpuSeconds } from './probes.js';

/** The proxy counts must stay unchanged this long to call the IMAP side quiet. */
const quietForMs = 1_000;
/** Poll interval while waiting for quiet. */
const quietPollMs = 100;

export type SystemName = 'alphamail' | 'baseline';

export interface ImapFigures {
  connections: number;
  logins: number;
  selects: number;
  fetches: number;
  commands: number;
  bytesFromServer: number;
  bytesFromClient: number;
  /** Command name → count, as the proxy saw them (UID FETCH also counts under FETCH). */
  byName: Record<string, number>;
  perPageView: { logins: number; selects: number; commands: number; bytes: number } | null;
}

export interface PhaseResult {
  scenario: string;
  system: SystemName;
  /** Latency per kind of page view ('index', 'message', 'signin'). */
  latency: Record<string, LatencySummary>;
  pageViews: number;
  errors: number;
  wallMs: number;
  pageViewsPerSecond: number;
  imap: ImapFigures;
  dovecotCpuSeconds: number;
  dovecotCpuSecondsPer1000PageViews: number | null;
}

export interface PhaseEnv {
  dovecotDir: string;
  /** Proxies whose traffic must be quiet before the phase starts (AlphaMail's background). */
  quietProxies: readonly ImapProxy[];
  quietBudgetMs: number;
  log: (line: string) => void;
}

/** Waits until every proxy's counts stop moving (background sync done), up to a budget. */
export async function waitForQuiet(env: PhaseEnv): Promise<boolean> {
  const deadline = Date.now() + env.quietBudgetMs;
  const snapshot = (): string =>
    env.quietProxies
      .map((p) => {
        const c = p.counts();
        return `${c.total}/${c.bytesFromServer}/${c.bytesFromClient}`;
      })
      .join(',');
  let last = snapshot();
  let stableSince = Date.now();
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, quietPollMs));
    const now = snapshot();
    if (now !== last) {
      last = now;
      stableSince = Date.now();
    } else if (Date.now() - stableSince >= quietForMs) {
      return true;
    }
  }
  env.log(`warning: IMAP traffic did not settle within ${env.quietBudgetMs} ms`);
  return false;
}

export function imapFigures(counts: ImapProxyCounts, pageViews: number): ImapFigures {
  const per = (n: number): number => Math.round((n / pageViews) * 1000) / 1000;
  const commands = counts.commands;
  return {
    connections: counts.connections,
    logins: counts.logins,
    selects: (commands.SELECT ?? 0) + (commands.EXAMINE ?? 0),
    fetches: commands.FETCH ?? 0,
    commands: counts.total,
    bytesFromServer: counts.bytesFromServer,
    bytesFromClient: counts.bytesFromClient,
    byName: { ...commands },
    perPageView:
      pageViews === 0
        ? null
        : {
            logins: per(counts.logins),
            selects: per((commands.SELECT ?? 0) + (commands.EXAMINE ?? 0)),
            commands: per(counts.total),
            bytes: Math.round(counts.bytesFromServer / pageViews),
          },
  };
}

/**
 * Runs `drive` as one measured phase. `drive` gets one recorder per page-view kind (created on
 * demand) and returns its wall time in ms (null: time the whole call).
 */
export async function measurePhase(
  env: PhaseEnv,
  scenario: string,
  system: SystemName,
  proxy: ImapProxy,
  drive: (recorder: (kind: string) => LatencyRecorder) => Promise<number | null>,
): Promise<PhaseResult> {
  await waitForQuiet(env);
  const recorders = new Map<string, LatencyRecorder>();
  const recorder = (kind: string): LatencyRecorder => {
    let found = recorders.get(kind);
    if (!found) {
      found = new LatencyRecorder();
      recorders.set(kind, found);
    }
    return found;
  };
  proxy.reset();
  const cpuBefore = dovecotCpuSeconds(env.dovecotDir);
  const started = performance.now();
  const driven = await drive(recorder);
  const wallMs = driven ?? performance.now() - started;
  const counts = proxy.counts();
  const cpu = dovecotCpuSeconds(env.dovecotDir) - cpuBefore;
  const latency: Record<string, LatencySummary> = {};
  let pageViews = 0;
  let errors = 0;
  for (const [kind, rec] of recorders) {
    latency[kind] = rec.summary();
    pageViews += rec.count;
    errors += rec.errors;
  }
  const result: PhaseResult = {
    scenario,
    system,
    latency,
    pageViews,
    errors,
    wallMs: Math.round(wallMs),
    pageViewsPerSecond: wallMs > 0 ? Math.round((pageViews / wallMs) * 100_000) / 100 : 0,
    imap: imapFigures(counts, pageViews),
    dovecotCpuSeconds: Math.round(cpu * 100) / 100,
    dovecotCpuSecondsPer1000PageViews:
      pageViews === 0 ? null : Math.round((cpu / pageViews) * 1000 * 1000) / 1000,
  };
  env.log(
    `${scenario} ${system}: ${pageViews} page views, ${errors} errors, ` +
      `${result.pageViewsPerSecond}/s, ${counts.total} IMAP commands, ${counts.logins} logins`,
  );
  return result;
}
