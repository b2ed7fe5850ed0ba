// The reader cache keeps recently read messages within a byte budget, least recently used first
// out, and refuses a single message too large to keep.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  maxReaderBytes,
  maxReaderEntryBytes,
  ReaderCache,
} from '../../src/webcache/index/reader-cache.js';

/** Estimate the cache uses: 2 bytes per character plus 1,024 bytes of bookkeeping. */
const charsFor = (bytes: number): number => (bytes - 1024) / 2;

test('a re-opened message is served from the cache and counted in bytes', () => {
  const cache = new ReaderCache<{ chars: number; body: string }>();
  cache.set(7, { chars: 1000, body: 'seven' });
  assert.equal(cache.get(7)?.body, 'seven');
  assert.equal(cache.bytes, 3024);
  assert.equal(cache.get(8), undefined);
});

test('the least recently used message leaves when the byte budget is exceeded', () => {
  const cache = new ReaderCache<{ chars: number }>();
  const quarter = charsFor(maxReaderBytes / 4);
  for (const uid of [1, 2, 3, 4]) cache.set(uid, { chars: quarter });
  assert.equal(cache.size, 4);
  assert.ok(cache.get(1)); // 1 is now the most recent; 2 is the oldest.
  cache.set(5, { chars: quarter });
  assert.equal(cache.get(2), undefined);
  assert.deepEqual(
    [1, 3, 4, 5].map((uid) => cache.get(uid) !== undefined),
    [true, true, true, true],
  );
  assert.equal(cache.bytes, maxReaderBytes);
});

test('a message over the entry limit is not kept; clear empties the cache', () => {
  const cache = new ReaderCache<{ chars: number }>();
  cache.set(1, { chars: charsFor(maxReaderEntryBytes) + 1 });
  assert.equal(cache.size, 0);
  cache.set(2, { chars: 10 });
  cache.set(2, { chars: 20 });
  assert.equal(cache.bytes, 1064);
  cache.clear();
  assert.equal(cache.size, 0);
  assert.equal(cache.bytes, 0);
});
