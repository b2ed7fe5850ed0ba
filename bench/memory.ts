// Owns the webcache memory figures: waiting for its RSS to settle after a phase and turning RSS
// readings into per-message or per-session growth. Must not drive pages or judge targets.
import type { BenchContext } from './context.js';
import { collectGarbage } from './inspector.js';
import { waitForQuiet } from './phase.js';
import { residentBytes } from './probes.js';

/** How often RSS is read while waiting for it to settle. */
const rssPollMs = 500;
/** RSS counts as settled when max and min over the settle window differ by less than this. */
const rssSettledTolerance = 0.01;

export interface MemoryFigures {
  webcacheRssStartBytes: number | null;
  /** After scenario 5 (before scenario 6 restarts the webcache). */
  webcacheRssEndBytes: number | null;
  /**
   * Steady-state RSS growth from signing in the largest cold user, per message of its INBOX;
   * both readings follow a full GC (see measureRssGrowth).
   */
  bytesPerIndexedMessage: number | null;
  /** The same read right after the sign-in: includes the heap high-water of the IMAP fetch. */
  bytesPerIndexedMessagePeak: number | null;
  /** Steady-state growth per message after a webcache restart (index from the persisted copy). */
  bytesPerIndexedMessageAfterRestart: number | null;
  bytesPerIndexedMessageAfterRestartPeak: number | null;
  /** Steady-state RSS growth per signed-in user with an empty INBOX. */
  bytesPerIdleSession: number | null;
  bytesPerIdleSessionPeak: number | null;
  /** Sessions the idle figure divides by. */
  idleSessions: number;
  /** Figure key → why it is null although its scenario ran (e.g. RSS shrank: noise). */
  notMeasured: Record<string, string>;
  /** Every settle wait, so a figure read before RSS settled is visible. */
  settles: SettleOutcome[];
}

export function emptyMemoryFigures(startBytes: number | null): MemoryFigures {
  return {
    webcacheRssStartBytes: startBytes,
    webcacheRssEndBytes: null,
    bytesPerIndexedMessage: null,
    bytesPerIndexedMessagePeak: null,
    bytesPerIndexedMessageAfterRestart: null,
    bytesPerIndexedMessageAfterRestartPeak: null,
    bytesPerIdleSession: null,
    bytesPerIdleSessionPeak: null,
    idleSessions: 0,
    notMeasured: {},
    settles: [],
  };
}

export function webcacheRss(ctx: BenchContext): number | null {
  const pid = ctx.alphamail.webcacheProcess()?.pid;
  return pid === undefined ? null : residentBytes(pid);
}

export interface RssSample {
  atMs: number;
  bytes: number;
}

/**
 * True when the samples cover at least `windowMs` up to the last one and, over that window
 * (from the latest sample at or before its start, so timer drift cannot shorten it),
 * (max - min) / max < tolerance. Pure, so the rule is testable without a process.
 */
export function isSettled(
  samples: readonly RssSample[],
  windowMs: number,
  tolerance: number = rssSettledTolerance,
): boolean {
  const last = samples.at(-1);
  if (last === undefined) return false;
  const from = samples.findLastIndex((s) => s.atMs <= last.atMs - windowMs);
  if (from < 0) return false;
  const inWindow = samples.slice(from).map((s) => s.bytes);
  const max = Math.max(...inWindow);
  const min = Math.min(...inWindow);
  return max > 0 && (max - min) / max < tolerance;
}

export interface SettleOutcome {
  label: string;
  /** The reading when the wait began. */
  firstBytes: number | null;
  /** The last reading: the settled value, or the value at the cap. */
  bytes: number | null;
  /** The highest reading during the wait. */
  maxBytes: number | null;
  waitedMs: number;
  settled: boolean;
  /** Whether the IMAP side (background sync, index build) had gone quiet before the wait. */
  imapQuiet: boolean;
}

/** Reads RSS every rssPollMs until isSettled over `windowMs`, or `capMs` has passed. */
export async function waitForSettledRss(
  read: () => number | null,
  label: string,
  windowMs: number,
  capMs: number,
  imapQuiet = true,
): Promise<SettleOutcome> {
  const started = performance.now();
  const samples: RssSample[] = [];
  for (;;) {
    const bytes = read();
    const atMs = performance.now() - started;
    if (bytes !== null) samples.push({ atMs, bytes });
    const settled = bytes !== null && isSettled(samples, windowMs);
    if (bytes === null || settled || atMs >= capMs) {
      return {
        label,
        firstBytes: samples[0]?.bytes ?? null,
        bytes,
        maxBytes: samples.length === 0 ? null : Math.max(...samples.map((x) => x.bytes)),
        waitedMs: Math.round(atMs),
        settled,
        imapQuiet,
      };
    }
    await new Promise((r) => setTimeout(r, rssPollMs));
  }
}

export interface Growth {
  bytesPerUnit: number | null;
  /** Why bytesPerUnit is null. */
  why: string | null;
}

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/**
 * (after - before) / units, rounded; null with the reason when a reading is missing or RSS did
 * not grow (shrinking means the figure drowned in noise, and must never pass as "small").
 */
export function perUnitGrowth(
  before: number | null,
  after: number | null,
  units: number,
  unitName: string,
): Growth {
  if (before === null || after === null) return { bytesPerUnit: null, why: 'RSS unreadable' };
  if (units <= 0) return { bytesPerUnit: null, why: `no ${unitName}s to divide by` };
  if (after <= before) {
    return {
      bytesPerUnit: null,
      why:
        `RSS went from ${mib(before)} to ${mib(after)} over ${units} ${unitName}s: ` +
        'the growth is below the noise',
    };
  }
  return { bytesPerUnit: Math.round((after - before) / units), why: null };
}

export interface RssGrowth<T> {
  result: T;
  /** Growth per unit once RSS settled after the work: the steady-state figure. */
  settled: Growth;
  /** Growth per unit at the highest RSS seen from the start of the work until it settled. */
  peak: Growth;
}

/** Reads RSS every rssPollMs in the background and keeps the highest value. */
function peakSampler(read: () => number | null): { stop: () => number | null } {
  let max: number | null = null;
  const sample = (): void => {
    const bytes = read();
    if (bytes !== null && (max === null || bytes > max)) max = bytes;
  };
  const timer = setInterval(sample, rssPollMs);
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      return max;
    },
  };
}

/**
 * Settles RSS, runs `work`, waits for IMAP quiet, then settles RSS again (steady state), keeping
 * the highest RSS seen from the start of the work (peak). Each settled reading follows a full GC
 * requested over the webcache's inspector, so garbage the GC has not got to yet (the start-up's, a
 * load's short-lived buffers) counts neither before nor after; peak includes it. Both settle waits
 * are recorded in `memory.settles`. IMAP quiet may take long after a big cold sign-in (the index
 * build and snippet fill go on in the background, and RSS swings by tens of MB while they do),
 * hence its own budget (`memoryQuietBudgetMs`).
 */
export async function measureRssGrowth<T>(
  ctx: BenchContext,
  memory: MemoryFigures,
  what: { label: string; units: number; unitName: string },
  work: () => Promise<T>,
): Promise<RssGrowth<T>> {
  const read = (): number | null => webcacheRss(ctx);
  const { rssSettleWindowMs: windowMs, rssSettleCapMs: capMs } = ctx.sizes;
  const env = { ...ctx.env, quietBudgetMs: ctx.sizes.memoryQuietBudgetMs };
  const quietBefore = await waitForQuiet(env);
  const label = what.label;
  const retained = async (when: string, imapQuiet: boolean): Promise<SettleOutcome> => {
    const inspector = ctx.alphamail.webcacheInspectorUrl();
    if (inspector !== null) await collectGarbage(inspector);
    const gc = inspector === null ? '' : ' (after a full GC)';
    return waitForSettledRss(read, `${label}: ${when}${gc}`, windowMs, capMs, imapQuiet);
  };
  const before = await retained('before', quietBefore);
  memory.settles.push(before);
  const sampler = peakSampler(read);
  let sampledMax: number | null;
  let result: T;
  let after: SettleOutcome;
  let quietAfter: boolean;
  try {
    result = await work();
    quietAfter = await waitForQuiet(env);
    after = await retained('after', quietAfter);
  } finally {
    // Stopped on failure too, so a failing phase leaves no timer behind.
    sampledMax = sampler.stop();
  }
  memory.settles.push(after);
  const peakBytes =
    sampledMax === null || after.maxBytes === null ? null : Math.max(sampledMax, after.maxBytes);
  ctx.log(
    `${label}: webcache RSS ${mib(before.bytes ?? 0)} → peak ${mib(peakBytes ?? 0)}` +
      ` → ${mib(after.bytes ?? 0)} ${after.settled ? 'settled' : 'NOT settled'} after ` +
      `${after.waitedMs} ms${quietAfter ? '' : ' (IMAP still busy)'}`,
  );
  return {
    result,
    settled: perUnitGrowth(before.bytes, after.bytes, what.units, what.unitName),
    peak: perUnitGrowth(before.bytes, peakBytes, what.units, what.unitName),
  };
}
