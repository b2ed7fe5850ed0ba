// Date and size order by the packed 64-bit key sort equals the comparator sort (key, then UID),
// ties, negative, fractional and far-future keys included (those fall back to the comparator).
import { plainEntry } from './index-entry-fixture.js';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { FolderIndex, type IndexEntry } from '../../src/webcache/index/folder-index.js';
import {
  collationRanks,
  packedAscending,
  sortCollator,
  SortCache,
} from '../../src/webcache/index/sorting.js';

function reference(keys: readonly number[]): number[] {
  return keys.map((_, slot) => slot).sort((a, b) => (keys[a] ?? 0) - (keys[b] ?? 0) || a - b);
}

test('packed sort orders by key then slot, exactly as the comparator does', () => {
  const key = fc.oneof(
    fc.integer({ min: 0, max: 20 }),
    fc.integer({ min: 0, max: 2 ** 42 - 1 }),
    fc.constantFrom(0, 1023, 1024, 1025, 2 ** 32 - 1, 2 ** 32, 2 ** 42 - 1),
  );
  fc.assert(
    fc.property(fc.array(key, { maxLength: 300 }), (keys) => {
      const packed = packedAscending(keys.length, (slot) => keys[slot] ?? 0);
      assert.ok(packed !== null);
      assert.deepEqual([...packed], reference(keys));
    }),
  );
});

test('keys that do not pack make packedAscending decline', () => {
  for (const bad of [-1, 0.5, 2 ** 42, Number.NaN, Infinity]) {
    assert.equal(
      packedAscending(3, (slot) => (slot === 1 ? bad : 5)),
      null,
      String(bad),
    );
  }
  assert.deepEqual([...(packedAscending(0, () => 0) ?? [-1])], []);
});

function entry(uid: number, dateMs: number, size: number): IndexEntry {
  return plainEntry(uid, { dateMs, size });
}

test('a folder index pages by date and size newest/largest first, ties by UID', () => {
  // UIDs 10, 20, 30, 40, 50; two share a date, two a size; one date predates 1970.
  const dates = [3_000, 1_000, 3_000, 2_000, 5_000];
  const sizes = [7, 7, 1, 9, 4];
  const make = (withOldDate: boolean): FolderIndex => {
    const index = new FolderIndex({
      path: 'INBOX',
      uidValidity: 1,
      highestModseq: '',
      uidNext: 51,
    });
    index.append(
      dates.map((d, i) =>
        entry((i + 1) * 10, withOldDate && i === 4 ? -86_400_000 : d, sizes[i] ?? 0),
      ),
    );
    return index;
  };
  const uids = (index: FolderIndex, slots: number[]): number[] => slots.map((s) => index.uidAt(s));
  const index = make(false);
  const sort = new SortCache(index);
  assert.deepEqual(uids(index, sort.page('date', 'desc', 0, 5)), [50, 30, 10, 40, 20]);
  assert.deepEqual(uids(index, sort.page('date', 'asc', 0, 5)), [20, 40, 10, 30, 50]);
  assert.deepEqual(uids(index, sort.page('size', 'desc', 0, 5)), [40, 20, 10, 50, 30]);
  const old = make(true);
  assert.deepEqual(uids(old, new SortCache(old).page('date', 'desc', 0, 5)), [30, 10, 40, 20, 50]);
});

test('text order by collation ranks equals the collator sort, ties by slot', () => {
  // Case and "Re:"-free variants that the collator calls equal, accents it does not.
  const word = fc.constantFrom(
    'apple',
    'Apple',
    'APPLE',
    'äpple',
    'banana',
    'Bänana',
    '',
    'Zebra',
    'émile',
    'Emile',
    '日本',
    'ß',
    'ss',
  );
  fc.assert(
    fc.property(fc.array(word, { maxLength: 200 }), (texts) => {
      const ranks = collationRanks(texts.length, (slot) => texts[slot] ?? '');
      const packed = packedAscending(texts.length, (slot) => ranks[slot] ?? 0);
      assert.ok(packed !== null);
      const expected = texts
        .map((_, slot) => slot)
        .sort((a, b) => sortCollator.compare(texts[a] ?? '', texts[b] ?? '') || a - b);
      assert.deepEqual([...packed], expected);
    }),
  );
});

test('warmInBackground builds every order off the request path, each once per index version', async () => {
  const index = new FolderIndex({ path: 'INBOX', uidValidity: 1, highestModseq: '', uidNext: 1 });
  index.append([entry(10, 3_000, 7), entry(20, 1_000, 9), entry(30, 2_000, 1)]);
  const sort = new SortCache(index);
  const built: string[] = [];
  const original = index.subjectAt.bind(index);
  // Counts builds of the subject order: it reads every subject once per build.
  index.subjectAt = (slot: number) => {
    built.push(`subject@${slot}`);
    return original(slot);
  };
  sort.warmInBackground();
  assert.equal(built.length, 0, 'nothing is built synchronously');
  for (let i = 0; i < 6; i++) await new Promise((r) => setImmediate(r));
  assert.equal(built.length, 3, 'the subject order was built once');
  // Served from the warm orders: no further build.
  sort.page('subject', 'asc', 0, 3);
  sort.page('from', 'desc', 0, 3);
  assert.equal(built.length, 3);
});
