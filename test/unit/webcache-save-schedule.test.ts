// When a session writes its changed indexes: messages added or removed after a short delay,
// flag-only changes only after a long interval or at close, saves never overlapping.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import {
  minorSaveDelayMs,
  SaveSchedule,
  structuralSaveDelayMs,
} from '../../src/webcache/persist/save-schedule.js';

/** Lets promise callbacks run (setImmediate is not mocked). */
const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

function counted(t: TestContext): { schedule: SaveSchedule; saves: () => number } {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  let count = 0;
  const schedule = new SaveSchedule(
    () => {
      count++;
      return Promise.resolve();
    },
    (err) => assert.fail(String(err)),
  );
  return { schedule, saves: () => count };
}

test('a flag-only change is written after the long interval, not before', async (t) => {
  const { schedule, saves } = counted(t);
  schedule.changed('minor');
  t.mock.timers.tick(structuralSaveDelayMs);
  await settle();
  assert.equal(saves(), 0, 'not at the structural delay');
  // More flag changes do not push the write back nor add writes.
  schedule.changed('minor');
  t.mock.timers.tick(minorSaveDelayMs - structuralSaveDelayMs - 1);
  await settle();
  assert.equal(saves(), 0, 'not 1 ms before the interval');
  t.mock.timers.tick(1);
  await settle();
  assert.equal(saves(), 1);
  t.mock.timers.tick(minorSaveDelayMs * 2);
  await settle();
  assert.equal(saves(), 1, 'nothing changed since: no second write');
});

test('messages added or removed are written after the short delay', async (t) => {
  const { schedule, saves } = counted(t);
  schedule.changed('structural');
  schedule.changed('minor');
  schedule.changed('structural');
  t.mock.timers.tick(structuralSaveDelayMs - 1);
  await settle();
  assert.equal(saves(), 0);
  t.mock.timers.tick(1);
  await settle();
  assert.equal(saves(), 1, 'one write for all three changes');
});

test('a structural change brings a pending flag-only write forward', async (t) => {
  const { schedule, saves } = counted(t);
  schedule.changed('minor');
  t.mock.timers.tick(60_000);
  schedule.changed('structural');
  t.mock.timers.tick(structuralSaveDelayMs);
  await settle();
  assert.equal(saves(), 1);
  t.mock.timers.tick(minorSaveDelayMs);
  await settle();
  assert.equal(saves(), 1, 'the replaced minor timer does not fire as well');
});

test('close writes a pending flag-only change at once and ignores later changes', async (t) => {
  const { schedule, saves } = counted(t);
  schedule.changed('minor');
  await schedule.close();
  assert.equal(saves(), 1);
  schedule.changed('structural');
  t.mock.timers.tick(minorSaveDelayMs);
  await settle();
  assert.equal(saves(), 1);
});

test('saves run one after another, never overlapping, and a failed one does not stop the next', async () => {
  const events: string[] = [];
  const releases: (() => void)[] = [];
  let n = 0;
  const errors: unknown[] = [];
  const schedule = new SaveSchedule(
    () => {
      const i = ++n;
      events.push(`start ${i}`);
      return new Promise<void>((resolve, reject) => {
        releases.push(() => {
          events.push(`end ${i}`);
          if (i === 1) reject(new Error('disk full'));
          else resolve();
        });
      });
    },
    (err) => errors.push(err),
  );
  const first = schedule.saveNow();
  const second = schedule.saveNow();
  await settle();
  assert.deepEqual(events, ['start 1']);
  releases[0]?.();
  await first;
  await settle();
  assert.deepEqual(events, ['start 1', 'end 1', 'start 2']);
  releases[1]?.();
  await second;
  assert.deepEqual(events, ['start 1', 'end 1', 'start 2', 'end 2']);
  assert.equal(errors.length, 1);
});
