// Proves the pure parts of operations: Prometheus exposition (cumulative buckets, escaping, the
// series cap), IMAP command kinds without arguments, and the hang detector's rules (N failures
// in a row, a success resets the count, restarts and mails at most once per minimum interval).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MetricsRegistry, silentLogger } from '../../src/base/index.js';
import { HangDetector, type AlertMail, type HangProbeResult } from '../../src/ops/index.js';
import { imapCommandKind } from '../../src/webcache/metrics.js';

void test('histograms render cumulative buckets, +Inf, sum and count', () => {
  const registry = new MetricsRegistry();
  const h = registry.histogram('t_seconds', 'help text', [0.1, 1]);
  h.observe({ route: '/f/:folder' }, 0.05);
  h.observe({ route: '/f/:folder' }, 0.5);
  h.observe({ route: '/f/:folder' }, 5);
  assert.equal(
    registry.render(),
    [
      '# HELP t_seconds help text',
      '# TYPE t_seconds histogram',
      't_seconds_bucket{route="/f/:folder",le="0.1"} 1',
      't_seconds_bucket{route="/f/:folder",le="1"} 2',
      't_seconds_bucket{route="/f/:folder",le="+Inf"} 3',
      't_seconds_sum{route="/f/:folder"} 5.55',
      't_seconds_count{route="/f/:folder"} 3',
      '',
    ].join('\n'),
  );
});

void test('label values are escaped and a runaway label set is capped into "other"', () => {
  const registry = new MetricsRegistry();
  const c = registry.counter('c_total', 'h');
  c.inc({ k: 'a"b\\c\nd' });
  assert.match(registry.render(), /^c_total\{k="a\\"b\\\\c\\nd"\} 1$/m);
  for (let i = 0; i < 1100; i++) c.inc({ k: `v${i}` });
  const series = registry
    .render()
    .split('\n')
    .filter((l) => l.startsWith('c_total'));
  assert.equal(series.length, 1001);
  assert.equal(c.value({ k: 'other' }), 101);
});

void test('IMAP command kinds keep the command, never the tag or the arguments', () => {
  assert.equal(imapCommandKind('12 UID FETCH 1:* (FLAGS)'), 'UID FETCH');
  assert.equal(imapCommandKind('3 SELECT "Private/Secret plans"'), 'SELECT');
  assert.equal(imapCommandKind('4 idle'), 'IDLE');
  assert.equal(imapCommandKind('DONE'), null);
  assert.equal(imapCommandKind('5 "weird"'), 'other');
});

function scripted(results: boolean[]) {
  let clock = 0;
  const restarts: number[] = [];
  const mails: AlertMail[] = [];
  const detector = new HangDetector(
    {
      intervalMs: 1000,
      failuresBeforeRestart: 3,
      minRestartIntervalMs: 60_000,
      restartCommand: 'restart-it',
    },
    {
      probe: () => {
        clock += 1000;
        const ok = results.shift() ?? true;
        const result: HangProbeResult = ok
          ? { ok: true, ms: 5, messages: 1 }
          : { ok: false, ms: 2000, step: 'login', code: 'AM_TIMEOUT' };
        return Promise.resolve(result);
      },
      restart: () => {
        restarts.push(clock);
        return Promise.resolve({ exitCode: 0, signal: null, output: '', ms: 1 });
      },
      alert: (mail) => {
        mails.push(mail);
        return Promise.resolve();
      },
      logger: silentLogger(),
      now: () => clock,
    },
  );
  return { detector, restarts, mails, advance: (ms: number) => (clock += ms) };
}

void test('a success in between resets the count: two failures, ok, two failures is no restart', async () => {
  const s = scripted([false, false, true, false, false, true, true]);
  for (let i = 0; i < 7; i++) await s.detector.tick();
  assert.deepEqual(s.restarts, []);
  assert.equal(s.mails.length, 0);
});

void test('three failures in a row: one restart and one mail; more within the minimum interval: none', async () => {
  const s = scripted(Array<boolean>(12).fill(false));
  for (let i = 0; i < 9; i++) await s.detector.tick();
  assert.deepEqual(s.restarts, [3000], 'once, at the third failure; the sixth and ninth held back');
  assert.equal(s.mails.length, 1);
  assert.equal(s.mails[0]?.subject, 'AlphaMail webcache hang: restarted after 3 failed probes');
  assert.match(s.mails[0]?.text ?? '', /login failed with AM_TIMEOUT after 2000 ms/);
  // Past the minimum interval, three more failures restart and mail again.
  s.advance(60_000);
  for (let i = 0; i < 3; i++) await s.detector.tick();
  // Clock: 9 probes of 1 s, 60 s later, 3 more probes: the 12th ends at 72 s.
  assert.deepEqual(s.restarts, [3000, 72_000]);
  assert.equal(s.mails.length, 2);
});
