// Owns opening SQLite (better-sqlite3 v12) with our pragmas and running numbered migrations.
// Must not own any table: each owner (web sessions, webcache indexes, shares) brings its own.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { AlphaMailError } from '../base/index.js';

export type Db = Database.Database;
export type Statement = Database.Statement;

/** One owner's schema history: step N (1-based) runs once, in order, never edited later. */
export interface Migrations {
  /** Short owner name, e.g. "web_sessions"; keys the version table. */
  readonly owner: string;
  readonly steps: readonly string[];
}

/**
 * Page cache per connection, in KiB (negative: a size, not a page count). better-sqlite3 builds
 * SQLite with 16 MiB (SQLITE_DEFAULT_CACHE_SIZE=-16000), which a webcache filled while writing
 * a large folder's previews and kept: 170 bytes per message of a 100,000-message folder, as much
 * as the index itself. Our reads are point lookups; SQLite's own default of 2 MiB is plenty.
 */
export const pageCacheKiB = 2048;

/** How long a writer waits for another process's lock before failing (web runs N copies). */
export const busyTimeoutMs = 5_000;

export function openDatabase(file: string, migrations: readonly Migrations[]): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma(`busy_timeout = ${busyTimeoutMs}`);
  db.pragma(`cache_size = -${pageCacheKiB}`);
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_versions (owner TEXT PRIMARY KEY, version INTEGER NOT NULL)',
  );
  for (const m of migrations) migrate(db, m);
  return db;
}

function migrate(db: Db, m: Migrations): void {
  const row = db.prepare('SELECT version FROM schema_versions WHERE owner = ?').get(m.owner) as
    { version: number } | undefined;
  const current = row?.version ?? 0;
  if (current > m.steps.length) {
    throw new AlphaMailError(
      'AM_INTERNAL',
      `database schema of ${m.owner} is version ${current}, newer than this AlphaMail (${m.steps.length})`,
    );
  }
  const apply = db.transaction(() => {
    for (let v = current; v < m.steps.length; v++) db.exec(m.steps[v] ?? '');
    db.prepare(
      'INSERT INTO schema_versions (owner, version) VALUES (?, ?) ON CONFLICT(owner) DO UPDATE SET version = excluded.version',
    ).run(m.owner, m.steps.length);
  });
  apply.immediate();
}
