// A cooperative loop lets timers and I/O run while it works, and does not yield while under budget.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cooperativeYielder } from '../../src/base/index.js';

function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

test('a long loop with the yielder lets a timer run in between; without it, not', async () => {
  for (const cooperative of [true, false]) {
    let fired = false;
    setImmediate(() => (fired = true));
    const next = cooperativeYielder(5);
    let firedAtItem = -1;
    for (let item = 0; item < 20; item++) {
      busy(1);
      if (cooperative) await next();
      else await Promise.resolve();
      if (fired && firedAtItem < 0) firedAtItem = item;
    }
    if (cooperative) {
      assert.ok(firedAtItem >= 0 && firedAtItem < 19, `fired at item ${firedAtItem}`);
    } else {
      assert.equal(firedAtItem, -1, 'microtasks alone never let the timer run');
    }
    await new Promise((r) => setImmediate(r));
  }
});

test('under budget it does not wait a macrotask', async () => {
  let fired = false;
  setImmediate(() => (fired = true));
  const next = cooperativeYielder(1_000);
  for (let item = 0; item < 100; item++) await next();
  assert.equal(fired, false);
  await new Promise((r) => setImmediate(r));
});
