// The packed folder index gives back exactly what was put in — through removals, snippet
// rewrites, compaction and a persisted snapshot — including non-ASCII text and NUL-free fields.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FolderIndex, type IndexEntry } from '../../src/webcache/index/folder-index.js';
import { MemorySnippets } from '../../src/webcache/index/snippet-backend.js';

const state = { path: 'INBOX', uidValidity: 7, highestModseq: '9', uidNext: 1 };

function entry(uid: number): IndexEntry {
  return {
    uid,
    flags: uid % 3,
    size: 1000 + uid,
    dateMs: 1_700_000_000_000 + uid * 1000,
    fromName: `Sender ${uid % 5} Größe`,
    fromAddress: `s${uid % 5}@example.org`,
    to: `Me\u0001me@example.org`,
    subject: `Subject ${uid} — 日本語`,
    messageId: `<m${uid}@example.org>`,
    inReplyTo: uid > 1 ? `<m${uid - 1}@example.org>` : '',
    references: uid > 2 ? `<m${uid - 2}@example.org> <m${uid - 1}@example.org>` : '',
    textPart: uid % 2 === 0 ? '1' : '1.1',
    textEncoding: 4,
    textCharset: 'utf-8',
    textSubtype: 1,
    snippet: uid % 4 === 0 ? null : `preview ${uid} ✓`,
  };
}

const all = (index: FolderIndex): IndexEntry[] =>
  Array.from({ length: index.count }, (_, slot) => index.entryAt(slot));

test('entries come back field for field, in UID order', () => {
  const index = new FolderIndex(state);
  const entries = Array.from({ length: 300 }, (_, i) => entry(i + 1));
  assert.equal(index.append([...entries].reverse()), 300);
  assert.deepEqual(all(index), entries);
  assert.equal(index.pendingSnippets(), 75);
  assert.equal(index.subjectAt(index.slotOf(42)), 'Subject 42 — 日本語');
  assert.equal(index.append([entry(5)]), 0);
});

test('removals, snippet rewrites and compaction keep every other message intact', () => {
  const index = new FolderIndex(state);
  const entries = Array.from({ length: 3000 }, (_, i) => entry(i + 1));
  index.append(entries);
  const long = 'x'.repeat(400);
  for (const e of entries) {
    if (e.uid % 10 === 0) {
      index.setSnippet(e.uid, `${long}${e.uid}`);
      e.snippet = `${long}${e.uid}`;
    }
  }
  index.setSnippet(9, 'short');
  entries[8] = { ...entry(9), snippet: 'short' };
  assert.equal(
    index.removeWhere((uid) => uid % 3 !== 0),
    2000,
  );
  const kept = entries.filter((e) => e.uid % 3 === 0);
  assert.deepEqual(all(index), kept);
  index.trimCapacity();
  index.append([entry(3001)]);
  assert.deepEqual(all(index), [...kept, entry(3001)]);
  assert.equal(index.pendingSnippets(), kept.filter((e) => e.snippet === null).length);
});

test('a snapshot loads into an equal index that keeps growing', () => {
  // The snapshot holds which previews are known; their text stays in the snippet backend.
  const snippets = new MemorySnippets();
  const index = new FolderIndex(state, undefined, snippets);
  index.append(Array.from({ length: 100 }, (_, i) => entry(i + 1)));
  index.removeUids([3, 50]);
  const loaded = new FolderIndex(state, structuredClone(index.snapshot()), snippets);
  assert.deepEqual(all(loaded), all(index));
  loaded.append([entry(101), entry(102)]);
  assert.deepEqual(loaded.entryAt(loaded.slotOf(102)), entry(102));
  assert.equal(loaded.fromNameAt(loaded.slotOf(101)), 'Sender 1 Größe');
});

test('a NUL inside a header field cannot break the packed record', () => {
  const index = new FolderIndex(state);
  index.append([{ ...entry(1), subject: 'a\u0000b', messageId: '<x>' }]);
  assert.equal(index.subjectAt(0), 'a\ufffdb');
  assert.equal(index.entryAt(0).messageId, '<x>');
});

test('previews live in the backend: removed, cleared, moved and refetched when lost', () => {
  const snippets = new MemorySnippets();
  const index = new FolderIndex(state, undefined, snippets);
  const entries = Array.from({ length: 40 }, (_, i) => entry(i + 1));
  index.append(entries);
  const withText = entries.filter((e) => e.snippet !== null);
  assert.equal(snippets.size, withText.length);
  assert.equal(index.pendingSnippets(), entries.length - withText.length);
  // The snippet bit is the index's own: IMAP flag updates keep it and flagsAt never shows it.
  index.setFlags(1, 2);
  assert.equal(index.flagsAt(index.slotOf(1)), 2);
  assert.equal(index.snippetAt(index.slotOf(1)), 'preview 1 ✓');
  // Expunged messages take their previews with them.
  index.removeUids([1, 2, 4]);
  assert.equal(snippets.size, withText.length - 2);
  assert.equal(snippets.get('INBOX', 7, 1), null);
  // A preview the backend lost is asked for again instead of shown as empty.
  snippets.remove('INBOX', 7, [5]);
  const pending = index.pendingSnippets();
  assert.equal(index.snippetAt(index.slotOf(5)), null);
  assert.equal(index.hasSnippetAt(index.slotOf(5)), false);
  assert.equal(index.pendingSnippets(), pending + 1);
  // Attaching another backend moves every known preview into it.
  const disk = new MemorySnippets();
  index.attachSnippets(disk);
  assert.equal(disk.size, snippets.size);
  assert.equal(index.snippetAt(index.slotOf(6)), 'preview 6 ✓');
  index.setSnippet(8, 'now known');
  assert.equal(disk.get('INBOX', 7, 8), 'now known');
  // A new UIDVALIDITY voids the folder's previews.
  index.clear({ ...state, uidValidity: 8 });
  assert.equal(disk.size, 0);
});
