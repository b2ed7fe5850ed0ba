// Tests of the short-lived memo the message page and its frame share: computed once while fresh,
// again after it ages, and bounded in entries and size. Pure: a fake clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecentMemo } from '../../src/web/recent-memo.js';

void test('a value is computed once while fresh and again after 30 s', () => {
  let now = 1_000;
  let computed = 0;
  const memo = new RecentMemo<string>(() => now);
  const get = (key: string) =>
    memo.get(
      key,
      () => `${key}#${++computed}`,
      (v) => v.length,
    );
  assert.equal(get('a'), 'a#1');
  assert.equal(get('a'), 'a#1');
  assert.equal(get('b'), 'b#2');
  now += 30_000;
  assert.equal(get('a'), 'a#1', 'exactly 30 s old is still fresh');
  now += 1;
  assert.equal(get('a'), 'a#3');
  assert.equal(get('b'), 'b#4');
});

void test('at most 64 entries: the oldest go first', () => {
  const memo = new RecentMemo<number>(() => 0);
  let computed = 0;
  const get = (key: string) =>
    memo.get(
      key,
      () => ++computed,
      () => 1,
    );
  for (let i = 0; i < 70; i++) get(`k${i}`);
  assert.equal(memo.size, 64);
  assert.equal(get('k69'), 70, 'the newest is kept');
  assert.equal(get('k0'), 71, 'the oldest was dropped and is computed again');
});

void test('a value larger than the size bound is returned but not kept', () => {
  const memo = new RecentMemo<string>(() => 0);
  let computed = 0;
  const huge = () =>
    memo.get(
      'h',
      () => String(++computed),
      () => 20_000_000,
    );
  assert.equal(huge(), '1');
  assert.equal(huge(), '2');
  assert.equal(memo.size, 0);
});

void test('take gives a kept value once; put replaces; stale values are not given', () => {
  let now = 0;
  const memo = new RecentMemo<string>(() => now);
  assert.equal(memo.take('a'), undefined);
  memo.put('a', 'one', 3);
  memo.put('a', 'two', 3);
  assert.equal(memo.size, 1);
  assert.equal(memo.take('a'), 'two');
  assert.equal(memo.take('a'), undefined);
  memo.put('b', 'old', 3);
  now += 30_001;
  assert.equal(memo.take('b'), undefined);
  assert.equal(memo.size, 0);
});
