// A hit's neighbours in a search result: the ones before and after it among the hits still in
// their folders' indexes; none when it is not a hit.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { neighboursOf } from '../../src/webcache/rpc/search.js';

const hits = [
  { folder: 'INBOX', uid: 7 },
  { folder: 'Work', uid: 3 },
  { folder: 'INBOX', uid: 5 },
  { folder: 'Archive', uid: 9 },
];
const all = () => true;

test('first, middle and last hits get the neighbours of the given order', () => {
  assert.deepEqual(neighboursOf(hits, { folder: 'INBOX', uid: 7 }, all), {
    total: 4,
    position: 0,
    prev: null,
    next: { folder: 'Work', uid: 3 },
  });
  assert.deepEqual(neighboursOf(hits, { folder: 'INBOX', uid: 5 }, all), {
    total: 4,
    position: 2,
    prev: { folder: 'Work', uid: 3 },
    next: { folder: 'Archive', uid: 9 },
  });
  assert.deepEqual(neighboursOf(hits, { folder: 'Archive', uid: 9 }, all), {
    total: 4,
    position: 3,
    prev: { folder: 'INBOX', uid: 5 },
    next: null,
  });
});

test('the same UID in another folder is another message; hits gone from their index are skipped', () => {
  assert.deepEqual(neighboursOf(hits, { folder: 'Work', uid: 7 }, all), {
    total: 4,
    position: null,
    prev: null,
    next: null,
  });
  const gone = (h: { folder: string; uid: number }) => !(h.folder === 'INBOX' && h.uid === 5);
  assert.deepEqual(neighboursOf(hits, { folder: 'Work', uid: 3 }, gone), {
    total: 3,
    position: 1,
    prev: { folder: 'INBOX', uid: 7 },
    next: { folder: 'Archive', uid: 9 },
  });
});
