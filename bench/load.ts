// Owns load generation and latency figures: closed-loop virtual users (with or without think time)
// that run until a deadline, and nearest-rank percentiles. Must not know what a page view does or
// where it goes.

/** Error messages kept per recorder, so a failing run shows why without flooding memory. */
const keptErrorMessages = 5;

export interface LatencySummary {
  count: number;
  errors: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
  meanMs: number | null;
  /** The first few error messages, for the report. */
  errorMessages: string[];
}

/** Nearest-rank percentile (no interpolation) of sorted values; null when empty. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? null;
}

export class LatencyRecorder {
  readonly #samples: number[] = [];
  #errors = 0;
  readonly #errorMessages: string[] = [];

  /** Runs one page view, recording its latency, or an error (which is not a latency). */
  async time<T>(work: () => Promise<T>): Promise<T | undefined> {
    const started = performance.now();
    try {
      const result = await work();
      this.#samples.push(performance.now() - started);
      return result;
    } catch (err) {
      this.#errors += 1;
      if (this.#errorMessages.length < keptErrorMessages) {
        this.#errorMessages.push(err instanceof Error ? err.message : String(err));
      }
      return undefined;
    }
  }

  get count(): number {
    return this.#samples.length;
  }

  get errors(): number {
    return this.#errors;
  }

  summary(): LatencySummary {
    const sorted = [...this.#samples].sort((a, b) => a - b);
    const round = (v: number | null): number | null =>
      v === null ? null : Math.round(v * 100) / 100;
    const sum = sorted.reduce((s, v) => s + v, 0);
    return {
      count: sorted.length,
      errors: this.#errors,
      p50Ms: round(percentile(sorted, 50)),
      p95Ms: round(percentile(sorted, 95)),
      p99Ms: round(percentile(sorted, 99)),
      maxMs: round(sorted.at(-1) ?? null),
      meanMs: round(sorted.length === 0 ? null : sum / sorted.length),
      errorMessages: [...this.#errorMessages],
    };
  }
}

/** What runUserLoop reads the time from and waits on. */
export interface LoopClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: LoopClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * Runs every user's loop of steps until `durationMs` has passed; a step never starts after it.
 * Without `thinkMs` the users click again the moment an answer arrives (a closed loop: a
 * saturation test, offered load = whatever the server can take). With it, each user first waits
 * `thinkMs(user)` before every step, as a person reads a page before the next click: the offered
 * load is then about users / (mean think time + mean latency). Returns the wall time in ms, at
 * least `durationMs` (users that stop early because their next think would end past the
 * deadline were still "present" until it). `clock` tells the time in ms and waits (by default
 * performance.now and setTimeout; a test drives the loop with its own).
 */
export async function runUserLoop<U>(
  users: readonly U[],
  timing: { durationMs: number; thinkMs?: (user: U) => number; clock?: LoopClock },
  step: (user: U, iteration: number) => Promise<void>,
): Promise<number> {
  const { durationMs, thinkMs, clock = realClock } = timing;
  const now = (): number => clock.now();
  const started = now();
  const deadline = started + durationMs;
  await Promise.all(
    users.map(async (user) => {
      for (let iteration = 0; ; iteration++) {
        if (thinkMs !== undefined) {
          const wait = thinkMs(user);
          if (now() + wait >= deadline) return;
          await clock.sleep(wait);
        }
        // A timer may fire late on a busy machine: still no step after the deadline.
        if (now() >= deadline) return;
        await step(user, iteration);
      }
    }),
  );
  return Math.max(durationMs, now() - started);
}

/**
 * Upper bound on the steps one user of runUserLoop with think time can take: every step is preceded
 * by at least `minThinkMs` of thinking and starts before the deadline (one extra for timer slack).
 */
export function maxStepsWithThinkTime(durationMs: number, minThinkMs: number): number {
  return minThinkMs <= 0 ? Number.POSITIVE_INFINITY : Math.ceil(durationMs / minThinkMs);
}

/** Small deterministic generator so runs pick the same pages and messages. */
export class SeededRandom {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0 || 1;
  }

  /** xorshift32: in [0, 1). */
  next(): number {
    let x = this.#state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#state = x >>> 0;
    return this.#state / 0x1_0000_0000;
  }

  int(minInclusive: number, maxInclusive: number): number {
    return minInclusive + Math.floor(this.next() * (maxInclusive - minInclusive + 1));
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }
}
