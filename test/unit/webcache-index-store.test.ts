// Saving and loading folder indexes in SQLite: a save snapshots the index when called, compresses
// off the event loop (other requests run meanwhile), and a load gives back the same index.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { inflateSync } from 'node:zlib';
import { silentLogger } from '../../src/base/index.js';
import { flagBits, FolderIndex, type IndexEntry } from '../../src/webcache/index/folder-index.js';
import { openDatabase } from '../../src/store/index.js';
import { IndexStore, webcacheMigrations } from '../../src/webcache/persist/index-store.js';

const account = 'alice@example.org';

function entry(uid: number): IndexEntry {
  return {
    uid,
    flags: uid % 2 === 0 ? flagBits.seen : 0,
    size: 2000 + uid,
    dateMs: 1_700_000_000_000 + ((uid * 7919) % 100_000) * 1000,
    fromName: `Sender ${uid % 50}`,
    fromAddress: `s${uid % 50}@example.org`,
    to: 'Me\u0001me@example.org',
    subject: `Subject ${uid} — Größe`,
    messageId: `<m${uid}@example.org>`,
    inReplyTo: '',
    references: '',
    textPart: '1',
    textEncoding: 1,
    textCharset: 'utf-8',
    textSubtype: 1,
    snippet: null,
  };
}

function indexOf(count: number): FolderIndex {
  const index = new FolderIndex({
    path: 'INBOX',
    uidValidity: 42,
    highestModseq: '977',
    uidNext: count + 1,
  });
  index.append(Array.from({ length: count }, (_, i) => entry(i + 1)));
  return index;
}

function withStore(run: (store: IndexStore, dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'alphamail-index-store-'));
    const store = IndexStore.open(dir, silentLogger());
    try {
      await run(store, dir);
    } finally {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test(
  'a save compresses off the event loop: other callbacks run before it completes',
  withStore(async (store) => {
    const index = indexOf(20_000);
    let turns = 0;
    let isSaving = true;
    const turn = (): void => {
      turns++;
      if (isSaving) setImmediate(turn);
    };
    setImmediate(turn);
    const saving = store.save(account, index);
    assert.equal(turns, 0, 'the synchronous part ran without yielding');
    await saving;
    isSaving = false;
    // deflateSync would finish inside the call: no loop turn could happen before the promise.
    assert.ok(turns > 0, `event loop turns during the save: ${turns}`);
  }),
);

test(
  'a save writes the index as it was when called; a load gives it back',
  withStore(async (store, dir) => {
    assert.equal(store.has(account, 'INBOX'), false);
    assert.equal(await store.load(account, 'INBOX'), null);
    const index = indexOf(1_000);
    const saving = store.save(account, index);
    // Changed while the blob is being compressed: not part of this save.
    assert.ok(index.setFlags(1, flagBits.seen | flagBits.flagged));
    await saving;
    assert.equal(store.has(account, 'INBOX'), true);
    assert.equal(store.has('bob@example.org', 'INBOX'), false);

    // A second store on the same file (as after a restart) reads what the first wrote.
    const reopened = IndexStore.open(dir, silentLogger());
    try {
      const loaded = await reopened.load(account, 'INBOX');
      assert.ok(loaded);
      assert.deepEqual(loaded.state, {
        path: 'INBOX',
        uidValidity: 42,
        highestModseq: '977',
        uidNext: 1001,
      });
      assert.equal(loaded.count, 1_000);
      assert.equal(loaded.flagsAt(0), 0, 'UID 1 as it was at the save: unread, unflagged');
      assert.equal(loaded.flagsAt(1), flagBits.seen);
      assert.equal(loaded.uidAt(999), 1000);
      assert.equal(loaded.subjectAt(999), 'Subject 1000 — Größe');
      assert.equal(loaded.fromAddressAt(7), 's8@example.org');
      assert.equal(loaded.dateAt(2), 1_700_000_000_000 + ((3 * 7919) % 100_000) * 1000);
      await store.save(account, index);
      assert.equal(
        (await reopened.load(account, 'INBOX'))?.flagsAt(0),
        flagBits.seen | flagBits.flagged,
      );
    } finally {
      reopened.close();
    }
  }),
);

test(
  'a save records the uncompressed size; a row saved before sizes were recorded still loads',
  withStore(async (store, dir) => {
    await store.save(account, indexOf(3_000));
    const db = openDatabase(join(dir, 'webcache.sqlite'), [webcacheMigrations]);
    try {
      const row = db
        .prepare('SELECT blob, raw_bytes AS rawBytes FROM webcache_folder_index WHERE folder = ?')
        .get('INBOX') as { blob: Buffer; rawBytes: number };
      // The load inflates into one buffer of this size (no second, joined copy).
      assert.equal(row.rawBytes, inflateSync(row.blob).length);
      db.prepare('UPDATE webcache_folder_index SET raw_bytes = 0 WHERE folder = ?').run('INBOX');
    } finally {
      db.close();
    }
    const loaded = await store.load(account, 'INBOX');
    assert.equal(loaded?.count, 3_000);
    assert.equal(loaded.subjectAt(2_999), 'Subject 3000 — Größe');
  }),
);
