// Owns turning measured phases into the issue's targets (pass/miss), the --quick consistency
// checks and the markdown tables. Must not measure anything: pure functions of the results.
import type { PhaseResult, SystemName } from './phase.js';
import type { MemoryFigures } from './memory.js';
import { scenario5ArrivalMs } from './scenarios-load.js';
import type { MessageOpen } from './scenarios-single.js';

/** The issue's targets, with their units in the names. */
export const targets = {
  warmIndexCommandsPerPageView: 0,
  warmIndexP99Ms: 25,
  openBytesPerShownByte: 2,
  coldSignInLargestMs: 2_000,
  restartSignInMs: 300,
  bytesPerIndexedMessage: 300,
  bytesPerIdleSession: 200 * 1024,
  scenario4PageViewsPerSecond: 400,
  scenario4SpeedupOverBaseline: 10,
  scenario4DovecotCpuSecondsPer1000: 0.05,
} as const;

export interface BenchMeta {
  isQuick: boolean;
  startedAt: string;
  durationSeconds: number;
  node: string;
  cpus: number;
  cpuModel: string;
  memoryBytes: number;
}

export interface TargetRow {
  figure: string;
  target: string;
  alphamail: number | null;
  baseline: number | null;
  /** alphamail / baseline when both exist. */
  ratio: number | null;
  /** null when the figure could not be measured, or is informational. */
  pass: boolean | null;
  /** A figure shown for context, held to no target. */
  informational: boolean;
  /** Why the figure is missing although its scenario ran. */
  note: string | null;
}

export interface CheckRow {
  name: string;
  ok: boolean;
  detail: string;
}

export interface BenchResults {
  meta: BenchMeta;
  phases: PhaseResult[];
  opens: MessageOpen[];
  largeUid: number;
  memory: MemoryFigures;
  targets: TargetRow[];
  checks: CheckRow[];
}

export function findPhase(
  phases: readonly PhaseResult[],
  scenarioPrefix: string,
  system: SystemName,
): PhaseResult | null {
  return phases.find((p) => p.scenario.startsWith(scenarioPrefix) && p.system === system) ?? null;
}

function ratio(a: number | null, b: number | null): number | null {
  if (a === null || b === null || b === 0) return null;
  return Math.round((a / b) * 1000) / 1000;
}

function row(
  figure: string,
  target: string,
  alphamail: number | null,
  baseline: number | null,
  isMet: (value: number) => boolean,
  note: string | null = null,
): TargetRow {
  return {
    figure,
    target,
    alphamail,
    baseline,
    ratio: ratio(alphamail, baseline),
    pass: alphamail === null ? null : isMet(alphamail),
    informational: false,
    note,
  };
}

/** A figure for context: no target, never a pass or a miss. */
function info(
  figure: string,
  alphamail: number | null,
  baseline: number | null = null,
  note: string | null = null,
): TargetRow {
  return {
    figure,
    target: '–',
    alphamail,
    baseline,
    ratio: ratio(alphamail, baseline),
    pass: null,
    informational: true,
    note,
  };
}

function bytesRatio(
  opens: readonly MessageOpen[],
  key: 'alphamailImapBytes' | 'baselineImapBytes',
) {
  const shown = opens.reduce((s, o) => s + o.shownBytes, 0);
  const read = opens.reduce((s, o) => s + o[key], 0);
  return shown === 0 ? null : Math.round((read / shown) * 100) / 100;
}

export function targetRows(
  phases: readonly PhaseResult[],
  opens: readonly MessageOpen[],
  largeUid: number,
  memory: MemoryFigures,
): TargetRow[] {
  const am = (prefix: string): PhaseResult | null => findPhase(phases, prefix, 'alphamail');
  const base = (prefix: string): PhaseResult | null => findPhase(phases, prefix, 'baseline');
  const warm = am('2 warm index, first visit');
  const s5 = am('5 ');
  const s4 = am('4 ');
  const s4Base = base('4 ');
  const cold = phases.filter((p) => p.scenario.startsWith('1 ') && p.system === 'alphamail').at(-1);
  const coldBase = phases
    .filter((p) => p.scenario.startsWith('1 ') && p.system === 'baseline')
    .at(-1);
  const restart = am('6 ');
  const large = opens.filter((o) => o.uid === largeUid);
  const t = targets;
  return [
    row(
      'Warm index page: IMAP commands per page view (scenario 2)',
      `= ${t.warmIndexCommandsPerPageView}`,
      warm?.imap.perPageView?.commands ?? null,
      base('2 ')?.imap.perPageView?.commands ?? null,
      (v) => v === t.warmIndexCommandsPerPageView,
    ),
    row(
      `Warm index page p99 ms, ${s5?.scenario ?? 'scenario 5'}`,
      `< ${t.warmIndexP99Ms}`,
      s5?.latency.index?.p99Ms ?? null,
      base('5 ')?.latency.index?.p99Ms ?? null,
      (v) => v < t.warmIndexP99Ms,
    ),
    info(
      `Warm index page p99 ms, scenario 5 while its users arrive (first ${scenario5ArrivalMs / 1000} s)`,
      s5?.latency['index, arriving']?.p99Ms ?? null,
      base('5 ')?.latency['index, arriving']?.p99Ms ?? null,
    ),
    info(
      'Offered load page views/s, scenario 5 (what its users asked for)',
      s5?.pageViewsPerSecond ?? null,
      base('5 ')?.pageViewsPerSecond ?? null,
    ),
    info(
      `Warm index page p99 ms at saturation, ${s4?.scenario ?? 'scenario 4'} (zero think time)`,
      s4?.latency.index?.p99Ms ?? null,
      s4Base?.latency.index?.p99Ms ?? null,
    ),
    row(
      'Open message: IMAP bytes / bytes shown, header + text parts (scenario 3, all opened)',
      `<= ${t.openBytesPerShownByte}`,
      bytesRatio(opens, 'alphamailImapBytes'),
      bytesRatio(opens, 'baselineImapBytes'),
      (v) => v <= t.openBytesPerShownByte,
    ),
    row(
      'Open the big-attachment message: IMAP bytes / bytes shown, header + text parts',
      `<= ${t.openBytesPerShownByte}`,
      bytesRatio(large, 'alphamailImapBytes'),
      bytesRatio(large, 'baselineImapBytes'),
      (v) => v <= t.openBytesPerShownByte,
    ),
    row(
      `Cold sign-in to first index page ms, ${cold?.scenario ?? 'largest'}`,
      `< ${t.coldSignInLargestMs}`,
      cold?.latency.signin?.p50Ms ?? null,
      coldBase?.latency.signin?.p50Ms ?? null,
      (v) => v < t.coldSignInLargestMs,
    ),
    row(
      'Sign-in after webcache restart (persisted index) ms, scenario 6',
      `< ${t.restartSignInMs}`,
      restart?.latency.signin?.p50Ms ?? null,
      null,
      (v) => v < t.restartSignInMs,
    ),
    row(
      'Webcache RSS bytes per indexed message after a full GC, settled after the cold sign-in (scenario 1)',
      `< ${t.bytesPerIndexedMessage}`,
      memory.bytesPerIndexedMessage,
      null,
      (v) => v < t.bytesPerIndexedMessage,
      memory.notMeasured.bytesPerIndexedMessage ?? null,
    ),
    info(
      'Webcache RSS bytes per indexed message, peak during the cold sign-in and its background build',
      memory.bytesPerIndexedMessagePeak,
    ),
    row(
      'Webcache RSS bytes per indexed message after a full GC, loaded from the persisted index (scenario 6)',
      `< ${t.bytesPerIndexedMessage}`,
      memory.bytesPerIndexedMessageAfterRestart,
      null,
      (v) => v < t.bytesPerIndexedMessage,
      memory.notMeasured.bytesPerIndexedMessageAfterRestart ?? null,
    ),
    info(
      'Webcache RSS bytes per indexed message, peak during that sign-in',
      memory.bytesPerIndexedMessageAfterRestartPeak,
    ),
    row(
      `Webcache RSS bytes per idle session after a full GC (${memory.idleSessions || '–'} sessions)`,
      `< ${t.bytesPerIdleSession}`,
      memory.bytesPerIdleSession,
      null,
      (v) => v < t.bytesPerIdleSession,
      memory.notMeasured.bytesPerIdleSession ?? null,
    ),
    info(
      'Webcache RSS bytes per idle session, peak during the sign-ins',
      memory.bytesPerIdleSessionPeak,
    ),
    info('Webcache RSS bytes at start', memory.webcacheRssStartBytes),
    info(
      'Webcache RSS bytes at end (after the scenarios run, before 6 restarts it)',
      memory.webcacheRssEndBytes,
    ),
    row(
      `Page views/s, ${s4?.scenario ?? 'scenario 4'}`,
      `>= ${t.scenario4PageViewsPerSecond}`,
      s4?.pageViewsPerSecond ?? null,
      s4Base?.pageViewsPerSecond ?? null,
      (v) => v >= t.scenario4PageViewsPerSecond,
    ),
    row('Errors, scenario 4', '= 0', s4?.errors ?? null, s4Base?.errors ?? null, (v) => v === 0),
    row(
      'AlphaMail / baseline page views/s, scenario 4',
      `>= ${t.scenario4SpeedupOverBaseline}`,
      ratio(s4?.pageViewsPerSecond ?? null, s4Base?.pageViewsPerSecond ?? null),
      null,
      (v) => v >= t.scenario4SpeedupOverBaseline,
    ),
    row(
      'Dovecot CPU s per 1,000 page views, scenario 4',
      `< ${t.scenario4DovecotCpuSecondsPer1000}`,
      s4?.dovecotCpuSecondsPer1000PageViews ?? null,
      s4Base?.dovecotCpuSecondsPer1000PageViews ?? null,
      (v) => v < t.scenario4DovecotCpuSecondsPer1000,
    ),
  ];
}

/** What --quick asserts: the run completed and its counters agree. Never timings. */
export function consistencyChecks(
  phases: readonly PhaseResult[],
  memory: MemoryFigures,
  only: ReadonlySet<number> = new Set([1, 2, 3, 4, 5, 6]),
  /** Most page views scenario 5 can do if its think time is applied (per system). */
  scenario5MaxPageViews: number = Number.POSITIVE_INFINITY,
): CheckRow[] {
  const checks: CheckRow[] = [];
  const check = (name: string, ok: boolean, detail: string): void => {
    checks.push({ name, ok, detail });
  };
  for (const p of phases) {
    const label = `${p.scenario} (${p.system})`;
    check(`${label}: no errors`, p.errors === 0, `${p.errors} errors`);
    check(`${label}: did page views`, p.pageViews > 0, `${p.pageViews} page views`);
    check(
      `${label}: Dovecot CPU not negative`,
      p.dovecotCpuSeconds >= 0,
      `${p.dovecotCpuSeconds} s`,
    );
    if (p.system === 'baseline') {
      check(
        `${label}: at least one LOGIN and SELECT per page view`,
        p.imap.logins >= p.pageViews && p.imap.selects >= p.pageViews,
        `${p.imap.logins} logins, ${p.imap.selects} SELECTs, ${p.pageViews} page views`,
      );
    }
  }
  const revisit = findPhase(phases, '2 warm index, revisit', 'alphamail');
  if (only.has(2))
    check(
      'warm index revisit (AlphaMail): no FETCH, LOGIN or SELECT',
      revisit !== null &&
        revisit.imap.fetches === 0 &&
        revisit.imap.logins === 0 &&
        revisit.imap.selects === 0,
      revisit === null
        ? 'phase missing'
        : `${revisit.imap.fetches} FETCH, ${revisit.imap.logins} logins, ${revisit.imap.selects} SELECTs`,
    );
  for (const prefix of ['4 ', '5 ']) {
    if (!only.has(Number(prefix))) continue;
    const p = findPhase(phases, prefix, 'alphamail');
    check(
      `scenario ${prefix.trim()} (AlphaMail): no new IMAP logins while signed in`,
      p !== null && p.imap.logins === 0,
      p === null ? 'phase missing' : `${p.imap.logins} logins`,
    );
  }
  if (only.has(5)) {
    for (const system of ['alphamail', 'baseline'] as const) {
      const p = findPhase(phases, '5 ', system);
      check(
        `scenario 5 (${system}): at most ${scenario5MaxPageViews} page views (users think between clicks)`,
        p !== null && p.pageViews <= scenario5MaxPageViews,
        p === null ? 'phase missing' : `${p.pageViews} page views`,
      );
    }
  }
  check(
    'webcache RSS readable',
    memory.webcacheRssStartBytes !== null && memory.webcacheRssEndBytes !== null,
    `${memory.webcacheRssStartBytes} → ${memory.webcacheRssEndBytes}`,
  );
  return checks;
}

function cell(value: number | string | null | undefined): string {
  return value === null || value === undefined ? '–' : String(value);
}

export function markdownReport(results: BenchResults): string {
  const out: string[] = [];
  const m = results.meta;
  out.push(
    `AlphaMail benchmark${m.isQuick ? ' (--quick: sizes too small for the targets to mean anything)' : ''}`,
    `${m.cpus} × ${m.cpuModel}, ${Math.round(m.memoryBytes / 2 ** 30)} GiB, Node ${m.node}, ` +
      `${m.startedAt}, ${m.durationSeconds} s`,
    '',
    '| figure | target | AlphaMail | baseline | AlphaMail/baseline | result |',
    '|---|---|---|---|---|---|',
  );
  for (const r of results.targets) {
    const verdict =
      r.note !== null
        ? `not measured: ${r.note}`
        : r.informational && r.alphamail !== null
          ? 'info'
          : r.pass === null
            ? 'not measured'
            : r.pass
              ? 'pass'
              : 'MISS';
    out.push(
      `| ${r.figure} | ${r.target} | ${cell(r.alphamail)} | ${cell(r.baseline)} | ${cell(r.ratio)} | ${verdict} |`,
    );
  }
  out.push(
    '',
    '| scenario | system | page views | errors | pv/s | p50 ms | p95 ms | p99 ms | logins/pv | SELECTs/pv | commands/pv | IMAP bytes/pv | Dovecot CPU s/1000 pv |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  );
  for (const p of results.phases) {
    const kinds = Object.entries(p.latency);
    const latencyOf = (key: 'p50Ms' | 'p95Ms' | 'p99Ms'): string =>
      kinds.map(([kind, s]) => `${kinds.length > 1 ? `${kind} ` : ''}${cell(s[key])}`).join(', ');
    const per = p.imap.perPageView;
    out.push(
      `| ${p.scenario} | ${p.system} | ${p.pageViews} | ${p.errors} | ${p.pageViewsPerSecond} | ` +
        `${latencyOf('p50Ms')} | ${latencyOf('p95Ms')} | ${latencyOf('p99Ms')} | ` +
        `${cell(per?.logins)} | ${cell(per?.selects)} | ${cell(per?.commands)} | ${cell(per?.bytes)} | ` +
        `${cell(p.dovecotCpuSecondsPer1000PageViews)} |`,
    );
  }
  const failed = results.checks.filter((c) => !c.ok);
  out.push(
    '',
    `consistency checks: ${results.checks.length - failed.length}/${results.checks.length} ok`,
  );
  for (const c of failed) out.push(`- FAILED ${c.name}: ${c.detail}`);
  for (const p of results.phases) {
    for (const [kind, s] of Object.entries(p.latency)) {
      for (const message of s.errorMessages)
        out.push(`- error in ${p.scenario} ${p.system} ${kind}: ${message}`);
    }
  }
  return out.join('\n');
}
