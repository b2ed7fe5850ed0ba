// The benchmark's memory figures: when RSS counts as settled, per-unit growth that refuses a
// shrinking RSS, and the report never passing a figure that was not measured.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  emptyMemoryFigures,
  isSettled,
  perUnitGrowth,
  waitForSettledRss,
  type RssSample,
} from '../../bench/memory.js';
import { markdownReport, targetRows, type BenchResults } from '../../bench/report.js';

const mb = 2 ** 20;
const repeat = (count: number, bytes: number): number[] =>
  Array.from({ length: count }, () => bytes);
const series = (values: number[], stepMs = 500): RssSample[] =>
  values.map((bytes, i) => ({ atMs: i * stepMs, bytes }));

test('RSS is settled only once the samples span the window and move less than 1% in it', () => {
  assert.equal(isSettled([], 5_000), false);
  // Flat, but only 4.5 s of samples.
  assert.equal(isSettled(series(repeat(10, 100 * mb)), 5_000), false);
  // Flat over 5 s (11 samples at 500 ms).
  assert.equal(isSettled(series(repeat(11, 100 * mb)), 5_000), true);
  // A 2% drop inside the window.
  assert.equal(isSettled(series([...repeat(10, 100 * mb), 98 * mb]), 5_000), false);
  // The drop happened before the window; flat for the last 5 s.
  assert.equal(isSettled(series([200 * mb, 150 * mb, ...repeat(11, 100 * mb)]), 5_000), true);
  // Timers drift: the window reaches back to the sample at or before its start (here the 200).
  const drifted = [
    { atMs: 0, bytes: 200 },
    ...series(repeat(10, 221)).map((x) => ({ ...x, atMs: x.atMs + 513 })),
  ];
  assert.equal(isSettled(drifted, 5_000), false);
  assert.equal(isSettled([...drifted, { atMs: 5_600, bytes: 221 }], 5_000), true);
  // Exactly 1% is not "less than 1%".
  assert.equal(isSettled(series([...repeat(10, 1000), 990]), 5_000), false);
  assert.equal(isSettled(series([...repeat(10, 1000), 991]), 5_000), true);
});

test('per-unit growth divides the difference and refuses a shrink or a missing reading', () => {
  assert.deepEqual(perUnitGrowth(100, 400, 3, 'session'), { bytesPerUnit: 100, why: null });
  assert.deepEqual(perUnitGrowth(100, 402, 3, 'session'), { bytesPerUnit: 101, why: null });
  const shrank = perUnitGrowth(300 * mb, 290 * mb, 100, 'session');
  assert.equal(shrank.bytesPerUnit, null);
  assert.equal(
    shrank.why,
    'RSS went from 300.0 MiB to 290.0 MiB over 100 sessions: the growth is below the noise',
  );
  assert.equal(perUnitGrowth(5, 5, 1, 'message').bytesPerUnit, null);
  assert.deepEqual(perUnitGrowth(null, 5, 1, 'message'), {
    bytesPerUnit: null,
    why: 'RSS unreadable',
  });
  assert.deepEqual(perUnitGrowth(1, 5, 0, 'message'), {
    bytesPerUnit: null,
    why: 'no messages to divide by',
  });
});

test('waiting for RSS returns the settled value, or the last one at the cap', async () => {
  const flat = await waitForSettledRss(() => 42, 'flat', 1_000, 10_000);
  assert.equal(flat.settled, true);
  assert.equal(flat.bytes, 42);
  assert.equal(flat.firstBytes, 42);
  assert.equal(flat.maxBytes, 42);
  assert.ok(flat.waitedMs >= 1_000 && flat.waitedMs < 10_000, `${flat.waitedMs} ms`);

  let growing = 1_000;
  const readings: number[] = [];
  const capped = await waitForSettledRss(
    () => {
      growing *= 1.1;
      readings.push(growing);
      return growing;
    },
    'growing',
    5_000,
    1_000,
  );
  assert.equal(capped.settled, false);
  assert.equal(capped.firstBytes, readings[0]);
  assert.equal(capped.bytes, readings.at(-1));
  assert.equal(capped.maxBytes, Math.max(...readings));

  const gone = await waitForSettledRss(() => null, 'gone', 1_000, 1_000);
  // No waiting for a process that is gone (a busy test machine may still round up to 1 ms).
  assert.ok(gone.waitedMs < 50, `${gone.waitedMs} ms`);
  assert.deepEqual(
    { ...gone, waitedMs: 0 },
    {
      label: 'gone',
      firstBytes: null,
      bytes: null,
      maxBytes: null,
      waitedMs: 0,
      settled: false,
      imapQuiet: true,
    },
  );
});

test('a memory figure that could not be measured is reported as such, never as a pass', () => {
  const memory = emptyMemoryFigures(100 * mb);
  memory.idleSessions = 100;
  memory.bytesPerIdleSessionPeak = 4_000;
  memory.notMeasured.bytesPerIdleSession = 'RSS went from 1 to 0: the growth is below the noise';
  memory.bytesPerIndexedMessage = 250;
  memory.bytesPerIndexedMessagePeak = 1_300;
  const rows = targetRows([], [], 0, memory);
  const idle = rows.find((r) =>
    r.figure.startsWith('Webcache RSS bytes per idle session after a full GC'),
  );
  assert.equal(idle?.pass, null);
  assert.equal(idle?.figure, 'Webcache RSS bytes per idle session after a full GC (100 sessions)');
  const perMessage = rows.find((r) =>
    r.figure.includes('per indexed message after a full GC, settled after'),
  );
  assert.equal(perMessage?.pass, true);
  const peak = rows.find((r) => r.figure.includes('per indexed message, peak'));
  assert.deepEqual([peak?.alphamail, peak?.pass, peak?.informational], [1_300, null, true]);

  const results: BenchResults = {
    meta: {
      isQuick: true,
      startedAt: '2026-11-29T00:00:00.000Z',
      durationSeconds: 1,
      node: '20',
      cpus: 2,
      cpuModel: 'test',
      memoryBytes: 2 ** 30,
    },
    phases: [],
    opens: [],
    largeUid: 0,
    memory,
    targets: rows,
    checks: [],
  };
  const text = markdownReport(results);
  assert.match(
    text,
    /^\| Webcache RSS bytes per idle session after a full GC \(100 sessions\) \| < 204800 \| – \| – \| – \| not measured: RSS went from 1 to 0: the growth is below the noise \|$/m,
  );
  assert.match(text, /^\| Webcache RSS bytes at start \| – \| 104857600 \| – \| – \| info \|$/m);
});
