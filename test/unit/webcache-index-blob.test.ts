// The saved-index byte layout: a blob decodes to the same folder, its columns are views into the
// blob (a load allocates nothing of the index's size), and any other layout or a damaged blob
// decodes to null so the folder is rebuilt rather than misread.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serialize } from 'node:v8';
import { FolderIndex } from '../../src/webcache/index/folder-index.js';
import { decodeIndexBlob, encodeIndexBlob } from '../../src/webcache/persist/index-blob.js';
import { plainEntry } from './index-entry-fixture.js';

const state = { path: 'Archiv/Größe', uidValidity: 7, highestModseq: '12', uidNext: 302 };

function sampleIndex(): FolderIndex {
  const index = new FolderIndex({ ...state });
  index.append(
    Array.from({ length: 301 }, (_, i) =>
      plainEntry(i + 1, {
        dateMs: 1_700_000_000_123.5 + i,
        fromName: `Sender ${i % 7}`,
        subject: `Betreff ${i} — ✓`,
        messageId: `<m${i}@example.org>`,
      }),
    ),
  );
  return index;
}

function sameFolder(loaded: FolderIndex, original: FolderIndex): void {
  assert.deepEqual(loaded.state, original.state);
  assert.equal(loaded.count, original.count);
  for (let slot = 0; slot < original.count; slot++) {
    assert.equal(loaded.uidAt(slot), original.uidAt(slot));
    assert.equal(loaded.dateAt(slot), original.dateAt(slot));
    assert.equal(loaded.sizeAt(slot), original.sizeAt(slot));
    assert.equal(loaded.subjectAt(slot), original.subjectAt(slot));
    assert.equal(loaded.fromNameAt(slot), original.fromNameAt(slot));
    assert.equal(loaded.fromAddressAt(slot), original.fromAddressAt(slot));
  }
}

test('a blob decodes to the same folder, every column a view into the blob itself', () => {
  const original = sampleIndex();
  const blob = encodeIndexBlob(original.state, original.snapshot());
  const decoded = decodeIndexBlob(blob);
  assert.ok(decoded);
  for (const [name, value] of Object.entries(decoded.columns)) {
    if (!ArrayBuffer.isView(value)) continue;
    assert.equal(value.buffer, blob.buffer, `${name} is a view, not a copy`);
  }
  sameFolder(new FolderIndex(decoded.state, decoded.columns), original);
});

test('a blob at an unaligned address is copied once and still decodes', () => {
  const original = sampleIndex();
  const blob = encodeIndexBlob(original.state, original.snapshot());
  const shifted = Buffer.alloc(blob.length + 3);
  blob.copy(shifted, 3);
  const decoded = decodeIndexBlob(shifted.subarray(3));
  assert.ok(decoded);
  sameFolder(new FolderIndex(decoded.state, decoded.columns), original);
});

test('an older layout, a damaged or truncated blob decodes to null', () => {
  const original = sampleIndex();
  const blob = encodeIndexBlob(original.state, original.snapshot());
  // Version 3 was one v8-serialised object.
  const v3 = serialize({ version: 3, state: original.state, columns: original.snapshot() });
  assert.equal(decodeIndexBlob(v3), null);
  assert.equal(decodeIndexBlob(Buffer.alloc(0)), null);
  assert.equal(decodeIndexBlob(blob.subarray(0, blob.length - 9)), null, 'truncated');
  const otherVersion = Buffer.from(blob);
  otherVersion.writeUInt32BE(5, 4);
  assert.equal(decodeIndexBlob(otherVersion), null);
  const badHeader = Buffer.from(blob);
  badHeader.writeUInt32BE(blob.length, 8);
  assert.equal(decodeIndexBlob(badHeader), null, 'header longer than the blob');
});
