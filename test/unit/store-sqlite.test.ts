// Opening SQLite the one way AlphaMail does: WAL, a bounded page cache, numbered migrations that
// run each step once (an added step runs alone on an existing file) and refuse a newer schema.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openDatabase, pageCacheKiB, type Migrations } from '../../src/store/index.js';

const v1: Migrations = { owner: 'notes', steps: ['CREATE TABLE note (id INTEGER PRIMARY KEY)'] };
const v2: Migrations = {
  owner: 'notes',
  steps: [...v1.steps, 'ALTER TABLE note ADD COLUMN body TEXT NOT NULL DEFAULT ""'],
};

test('migrations run once each, an added step alone, and a newer schema is refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'alphamail-store-'));
  const file = join(dir, 'x.sqlite');
  try {
    const first = openDatabase(file, [v1]);
    first.prepare('INSERT INTO note (id) VALUES (1)').run();
    assert.equal(first.pragma('journal_mode', { simple: true }), 'wal');
    // better-sqlite3's build would give 16 MiB per connection (see pageCacheKiB).
    assert.equal(first.pragma('cache_size', { simple: true }), -pageCacheKiB);
    first.close();

    const second = openDatabase(file, [v2]);
    assert.deepEqual(second.prepare('SELECT id, body FROM note').all(), [{ id: 1, body: '' }]);
    second.close();
    // Opening again with the same steps changes nothing (no "duplicate column" error).
    openDatabase(file, [v2]).close();

    assert.throws(() => openDatabase(file, [v1]), /notes is version 2, newer than this AlphaMail/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
