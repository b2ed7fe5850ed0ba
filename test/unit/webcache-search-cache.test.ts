// The kept search results: a server's sequence set maps onto indexed messages only (a hostile
// range costs nothing), the result id ignores property order, and a kept result is voided by
// added or removed messages, a flag change, a new UIDVALIDITY, age, or falling out of the LRU.
import { plainEntry } from './index-entry-fixture.js';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SearchCriteria } from '../../src/protocol/index.js';
import { FolderIndex, flagBits, type IndexEntry } from '../../src/webcache/index/folder-index.js';
import { imapSearchQuery, slotsInSequenceSet } from '../../src/webcache/search/imap-search.js';
import {
  maxCachedSearches,
  pageOfResult,
  SearchResultCache,
  searchResultId,
  searchResultTtlMs,
  stampOf,
} from '../../src/webcache/search/result-cache.js';
import { FolderCache } from '../../src/webcache/sync/folder-cache.js';
import { noSearchCriteria as none } from '../harness/search-criteria.js';

function entry(uid: number, subject: string, dateMs: number, flags = 0): IndexEntry {
  return plainEntry(uid, { subject, dateMs, flags });
}

function folder(uids: number[]): FolderCache {
  const index = new FolderIndex({ path: 'INBOX', uidValidity: 1, highestModseq: '', uidNext: 1 });
  index.append(uids.map((uid) => entry(uid, `Subject ${100 - uid}`, uid * 1000)));
  return new FolderCache(index);
}

test('a sequence set names only indexed messages; a hostile range costs what the index holds', () => {
  const cache = folder([3, 5, 9, 10, 40]);
  const uidsOf = (set: string): number[] =>
    slotsInSequenceSet(cache.index, set).map((s) => cache.index.uidAt(s));
  assert.deepEqual(uidsOf('1:5,9'), [3, 5, 9]);
  assert.deepEqual(uidsOf('10:9,7,40'), [9, 10, 40], 'a reversed range is the same range');
  assert.deepEqual(uidsOf('38:*'), [40], "'*' is the highest UID held");
  assert.deepEqual(uidsOf('41:*'), [40], 'n:* holds the highest UID even below n (RFC 3501 §9)');
  const started = process.hrtime.bigint();
  assert.deepEqual(uidsOf('1:4294967295'), [3, 5, 9, 10, 40]);
  assert.ok(process.hrtime.bigint() - started < 50_000_000n, 'no walk over 4 billion UIDs');
  assert.deepEqual(uidsOf('x,5:,9'), [9], 'malformed parts are ignored');
});

test('criteria become IMAP keys: sent dates at midnight UTC, UNSEEN, FLAGGED, no attachment key', () => {
  const query = imapSearchQuery({
    ...none,
    from: 'Müller',
    since: '2025-03-01',
    before: '2025-04-01',
    unread: true,
    flagged: true,
    hasAttachment: true,
  });
  assert.deepEqual(query, {
    from: 'Müller',
    sentSince: new Date('2025-03-01T00:00:00.000Z'),
    sentBefore: new Date('2025-04-01T00:00:00.000Z'),
    seen: false,
    flagged: true,
  });
  assert.deepEqual(imapSearchQuery(none), {}, 'no criteria: every message (SEARCH ALL)');
});

test('the result id depends on scope, folder (only in folder scope) and criteria', () => {
  const a = searchResultId('folder', 'INBOX', { ...none, subject: 'x', unread: true });
  const reordered: SearchCriteria = {
    hasAttachment: false,
    flagged: false,
    unread: true,
    before: null,
    since: null,
    text: '',
    body: '',
    subject: 'x',
    to: '',
    from: '',
  };
  assert.equal(searchResultId('folder', 'INBOX', reordered), a);
  assert.notEqual(searchResultId('folder', 'Sent', { ...none, subject: 'x', unread: true }), a);
  assert.notEqual(searchResultId('folder', 'INBOX', { ...none, subject: 'x' }), a);
  assert.equal(
    searchResultId('all', 'INBOX', { ...none, text: 'y' }),
    searchResultId('all', 'Sent', { ...none, text: 'y' }),
  );
  assert.match(a, /^[A-Za-z0-9_-]{22}$/);
});

test('a kept result is voided by new mail, expunge, a flag change or a new UIDVALIDITY', () => {
  const cache = folder([1, 2, 3]);
  const folders = new Map([['INBOX', cache]]);
  const results = new SearchResultCache();
  const keep = (): void => {
    results.set({
      id: 'r',
      scope: 'folder',
      folders: ['INBOX'],
      hits: [{ folder: 'INBOX', uid: 2 }],
      stamps: new Map([['INBOX', stampOf(cache)]]),
    });
  };
  keep();
  cache.index.setSnippet(2, 'a preview changes nothing that was searched');
  assert.ok(results.get('r', folders), 'unchanged folder: served');
  cache.index.setFlags(3, flagBits.seen);
  assert.equal(results.get('r', folders), null, 'flag change');
  keep();
  cache.index.append([entry(4, 'new', 4000)]);
  assert.equal(results.get('r', folders), null, 'new mail');
  keep();
  cache.index.removeUids([1]);
  assert.equal(results.get('r', folders), null, 'expunge');
  keep();
  folders.set('INBOX', folder([1, 2, 3]));
  assert.equal(results.get('r', folders), null, 'new UIDVALIDITY, new cache');
  assert.equal(results.get('missing', folders), null);
});

test('kept results age out and the least recently used leaves first', () => {
  let now = 0;
  const cache = folder([1]);
  const folders = new Map([['INBOX', cache]]);
  const results = new SearchResultCache(() => now);
  const keep = (id: string): void => {
    results.set({
      id,
      scope: 'folder',
      folders: ['INBOX'],
      hits: [],
      stamps: new Map([['INBOX', stampOf(cache)]]),
    });
  };
  for (let i = 0; i < maxCachedSearches; i++) keep(`r${i}`);
  assert.ok(results.get('r0', folders), 'r0 used again: r1 is now the oldest');
  keep('extra');
  assert.equal(results.size, maxCachedSearches);
  assert.equal(results.get('r1', folders), null);
  assert.ok(results.get('r0', folders));
  now += searchResultTtlMs + 1;
  assert.equal(results.get('r0', folders), null, 'too old');
});

test('a result pages in the index order of each field, ties by folder then UID', () => {
  const inbox = folder([1, 2, 3, 4]);
  const sent = folder([1, 2]);
  const folders = new Map([
    ['INBOX', inbox],
    ['Sent', sent],
  ]);
  const results = new SearchResultCache();
  const result = results.set({
    id: 'r',
    scope: 'all',
    folders: ['INBOX', 'Sent'],
    hits: [
      { folder: 'INBOX', uid: 1 },
      { folder: 'INBOX', uid: 3 },
      { folder: 'INBOX', uid: 4 },
      { folder: 'Sent', uid: 1 },
      { folder: 'Sent', uid: 2 },
    ],
    stamps: new Map([
      ['INBOX', stampOf(inbox)],
      ['Sent', stampOf(sent)],
    ]),
  });
  const ids = (sort: 'date' | 'subject' | 'size', order: 'asc' | 'desc', start = 0, n = 10) =>
    pageOfResult(result, folders, sort, order, start, n).map((h) => `${h.folder}#${h.uid}`);
  // Dates are uid × 1000 in both folders: equal dates go by folder order, then UID.
  assert.deepEqual(ids('date', 'asc'), ['INBOX#1', 'Sent#1', 'Sent#2', 'INBOX#3', 'INBOX#4']);
  assert.deepEqual(ids('date', 'desc'), ['INBOX#4', 'INBOX#3', 'Sent#2', 'Sent#1', 'INBOX#1']);
  assert.deepEqual(ids('date', 'desc', 2, 2), ['Sent#2', 'Sent#1']);
  assert.deepEqual(ids('subject', 'asc'), ['INBOX#4', 'INBOX#3', 'Sent#2', 'INBOX#1', 'Sent#1']);
  assert.deepEqual(ids('size', 'desc', 4, 10), ['INBOX#1']);
});
