// The two halves of a split cold SORT are trusted only when together they are exactly the
// mailbox the session selected: same UIDVALIDITY, EXISTS and UIDNEXT, counts adding up, and the
// helper's UIDs all below the session's.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { partsCoverMailbox, type SortedPart } from '../../src/webcache/sync/cold-preview.js';

const selected = { exists: 6, uidNext: 11, uidValidity: 7n };
const helper: SortedPart = { uids: [3, 1, 2], exists: 6, uidNext: 11, uidValidity: 7n };
const upper = [9, 5, 10];

test('halves of the same mailbox view are accepted', () => {
  assert.equal(partsCoverMailbox(helper, upper, 3, selected), true);
});

test('a helper view that differs from the session view is refused', () => {
  assert.equal(partsCoverMailbox({ ...helper, exists: 7 }, upper, 3, selected), false);
  assert.equal(partsCoverMailbox({ ...helper, uidNext: 12 }, upper, 3, selected), false);
  assert.equal(partsCoverMailbox({ ...helper, uidValidity: 8n }, upper, 3, selected), false);
});

test('counts that do not add up to EXISTS are refused', () => {
  assert.equal(partsCoverMailbox({ ...helper, uids: [3, 1] }, upper, 3, selected), false);
  assert.equal(partsCoverMailbox(helper, [9, 5], 3, selected), false);
});

test('overlapping UID ranges (views shifted by an expunge) are refused', () => {
  assert.equal(partsCoverMailbox({ ...helper, uids: [3, 1, 6] }, upper, 3, selected), false);
});
