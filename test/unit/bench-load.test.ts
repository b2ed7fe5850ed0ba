// The benchmark's load generator with think time: steps start only before the deadline, each
// after a think, so a user's steps are bounded; the think times are seeded and in range.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  maxStepsWithThinkTime,
  runUserLoop,
  SeededRandom,
  type LoopClock,
} from '../../bench/load.js';
import { consistencyChecks } from '../../bench/report.js';
import { emptyMemoryFigures } from '../../bench/memory.js';
import { imapFigures, type PhaseResult } from '../../bench/phase.js';
import {
  clickKind,
  thinkTimeMaxMs,
  thinkTimeMinMs,
  thinkTimeMs,
} from '../../bench/scenarios-load.js';

test('the step bound follows from the least think time', () => {
  assert.equal(maxStepsWithThinkTime(3_000, 500), 6);
  assert.equal(maxStepsWithThinkTime(30_000, 500), 60);
  assert.equal(maxStepsWithThinkTime(1_000, 300), 4);
  assert.equal(maxStepsWithThinkTime(1_000, 0), Number.POSITIVE_INFINITY);
});

test('think times are in range and the same for the same seed', () => {
  const a = new SeededRandom(1001);
  const b = new SeededRandom(1001);
  const draws = Array.from({ length: 1_000 }, () => thinkTimeMs(a));
  assert.deepEqual(
    draws.slice(0, 20),
    Array.from({ length: 20 }, () => thinkTimeMs(b)),
  );
  assert.ok(draws.every((d) => Number.isInteger(d) && d >= thinkTimeMinMs && d < thinkTimeMaxMs));
  const mean = draws.reduce((s, d) => s + d, 0) / draws.length;
  assert.ok(Math.abs(mean - (thinkTimeMinMs + thinkTimeMaxMs) / 2) < 50, `mean ${mean}`);
});

/**
 * A clock only the test moves: `sleep` wakes sleepers one at a time, earliest first, moving the
 * time to their wake-up, and steps move it by what they take. Nothing depends on how fast or
 * how busy the machine is.
 */
function testClock(): LoopClock & { advance(ms: number): void } {
  let time = 5_000;
  const sleepers: { at: number; wake: () => void }[] = [];
  return {
    now: () => time,
    advance: (ms) => {
      time += ms;
    },
    sleep: (ms) =>
      new Promise<void>((wake) => {
        sleepers.push({ at: time + ms, wake });
        setImmediate(() => {
          sleepers.sort((x, y) => x.at - y.at);
          const next = sleepers.shift();
          if (next === undefined) return;
          time = Math.max(time, next.at);
          next.wake();
        });
      }),
  };
}

test('a thinking loop starts no step after the deadline and at most the bound per user', async () => {
  const durationMs = 300;
  const thinkMs = 40;
  const starts = new Map<string, number[]>([
    ['a', []],
    ['b', []],
  ]);
  const clock = testClock();
  const begun = clock.now();
  const wallMs = await runUserLoop(
    ['a', 'b'],
    { durationMs, thinkMs: () => thinkMs, clock },
    async (user) => {
      starts.get(user)?.push(clock.now() - begun);
      clock.advance(5);
      await new Promise((r) => setImmediate(r));
    },
  );
  assert.ok(wallMs >= durationMs, `${wallMs} ms`);
  for (const [user, list] of starts) {
    assert.ok(list.length >= 1, `${user} never stepped`);
    assert.ok(list.length <= maxStepsWithThinkTime(durationMs, thinkMs), `${user}: ${list.length}`);
    assert.ok(
      list.every((at) => at < durationMs),
      `${user}: ${list.join(', ')}`,
    );
    // Each step came at least one think after the previous one began.
    list.forEach((at, i) => assert.ok(at >= (i + 1) * thinkMs, `${user} step ${i} at ${at}`));
  }
});

test('without think time each user steps again at once until the deadline', async () => {
  // The loop runs on a clock the steps move (10 ms each), so what it does is exact on any
  // machine: a busy CI host may pause this process, but not this clock.
  const durationMs = 100;
  let time = 5_000;
  const starts: [string, number][] = [];
  // Count timers created while the loop runs: a zero-think loop must step again without one.
  const realSetTimeout = globalThis.setTimeout;
  let timers = 0;
  const counting = ((...args: Parameters<typeof setTimeout>) => {
    timers++;
    return realSetTimeout(...args);
  }) as typeof setTimeout;
  globalThis.setTimeout = counting;
  let wallMs: number;
  try {
    const clock = { now: () => time, sleep: () => Promise.reject(new Error('no think time')) };
    wallMs = await runUserLoop(['a', 'b'], { durationMs, clock }, async (user) => {
      starts.push([user, time - 5_000]);
      time += 10;
      await new Promise((r) => setImmediate(r));
    });
  } finally {
    globalThis.setTimeout = realSetTimeout;
  }
  assert.equal(timers, 0, 'the loop created a timer');
  // Steps start at 0, 10, ..., 90 (both users taking turns); the one at 100 would be at the
  // deadline and does not start.
  assert.deepEqual(starts, [
    ['a', 0],
    ['b', 10],
    ['a', 20],
    ['b', 30],
    ['a', 40],
    ['b', 50],
    ['a', 60],
    ['b', 70],
    ['a', 80],
    ['b', 90],
  ]);
  assert.equal(wallMs, 100);
});

function phase(scenario: string, system: 'alphamail' | 'baseline', pageViews: number): PhaseResult {
  return {
    scenario,
    system,
    latency: {},
    pageViews,
    errors: 0,
    wallMs: 3_000,
    pageViewsPerSecond: pageViews / 3,
    imap: imapFigures(
      {
        connections: 0,
        logins: system === 'baseline' ? pageViews : 0,
        commands: system === 'baseline' ? { SELECT: pageViews } : {},
        total: 0,
        bytesFromServer: 0,
        bytesFromClient: 0,
      },
      pageViews,
    ),
    dovecotCpuSeconds: 0,
    dovecotCpuSecondsPer1000PageViews: 0,
  };
}

test('the --quick check catches scenario 5 running without think time', () => {
  const phases = [phase('5 3 users', 'alphamail', 18), phase('5 3 users', 'baseline', 19)];
  const checks = consistencyChecks(phases, emptyMemoryFigures(1), new Set([5]), 18);
  const think = checks.filter((c) => c.name.includes('users think between clicks'));
  assert.deepEqual(
    think.map((c) => [c.name, c.ok, c.detail]),
    [
      [
        'scenario 5 (alphamail): at most 18 page views (users think between clicks)',
        true,
        '18 page views',
      ],
      [
        'scenario 5 (baseline): at most 18 page views (users think between clicks)',
        false,
        '19 page views',
      ],
    ],
  );
});

test('scenario 5 times clicks of its arrival window apart, then as the kind itself', () => {
  assert.equal(clickKind('index', 0, 5_000), 'index, arriving');
  assert.equal(clickKind('index', 4_999, 5_000), 'index, arriving');
  assert.equal(clickKind('index', 5_000, 5_000), 'index');
  assert.equal(clickKind('message', 10, 0), 'message', 'no arrival window in --quick');
});
