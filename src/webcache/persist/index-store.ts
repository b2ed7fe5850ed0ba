// Owns saving folder indexes to SQLite (dataDir/webcache.sqlite, mode 0600) and loading them
// back, keyed by account and folder, as one compressed blob. Must not hold credentials.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { deflate, inflate } from 'node:zlib';
import type { Logger } from '../../base/index.js';
import { openDatabase, type Db, type Migrations, type Statement } from '../../store/index.js';
import { FolderIndex } from '../index/folder-index.js';
import type { SnippetBackend } from '../index/snippet-backend.js';
import { decodeIndexBlob, encodeIndexBlob } from './index-blob.js';
import { PendingSeenStore, pendingSeenTableStep, type PendingSeen } from './pending-seen-store.js';
import { SnippetStore, snippetTableStep } from './snippet-store.js';

/** Fast compression: indexes are saved often and are mostly text. */
const deflateLevel = 1;
/**
 * zlib's callback API compresses in libuv's thread pool: a 100,000-message blob (~4 MB) takes
 * tens of ms to deflate, which deflateSync would spend blocking every user's requests.
 */
const deflateAsync = promisify(deflate);
const inflateAsync = promisify(inflate);
/**
 * Inflates a blob of known size into one buffer of that size: zlib's default 16 KiB chunks
 * would be joined by a second full-size copy, whose megabytes stay in RSS until the next GC.
 * The extra byte keeps zlib from allocating a further chunk when the output fills the first.
 */
function inflateOptions(rawBytes: number): { chunkSize?: number } {
  return rawBytes > 0 ? { chunkSize: rawBytes + 1 } : {};
}

export const webcacheMigrations: Migrations = {
  owner: 'webcache_index',
  steps: [
    `CREATE TABLE webcache_folder_index (
       account TEXT NOT NULL,
       folder TEXT NOT NULL,
       uidvalidity INTEGER NOT NULL,
       highestmodseq TEXT NOT NULL,
       saved_at INTEGER NOT NULL,
       blob BLOB NOT NULL,
       PRIMARY KEY (account, folder)
     )`,
    snippetTableStep,
    // The serialised size before compression; 0 for rows saved before it was recorded.
    'ALTER TABLE webcache_folder_index ADD COLUMN raw_bytes INTEGER NOT NULL DEFAULT 0',
    pendingSeenTableStep,
  ],
};

export class IndexStore {
  private readonly snippets: SnippetStore;
  private readonly pendingSeen: PendingSeenStore;
  private readonly selectBlob: Statement;
  private readonly hasBlob: Statement;
  private readonly upsertBlob: Statement;

  private constructor(
    private readonly db: Db,
    private readonly logger: Logger,
  ) {
    this.snippets = new SnippetStore(db);
    this.pendingSeen = new PendingSeenStore(db);
    this.selectBlob = db.prepare(
      'SELECT blob, raw_bytes AS rawBytes FROM webcache_folder_index WHERE account = ? AND folder = ?',
    );
    this.hasBlob = db.prepare(
      'SELECT 1 FROM webcache_folder_index WHERE account = ? AND folder = ?',
    );
    this.upsertBlob = db.prepare(
      `INSERT INTO webcache_folder_index
         (account, folder, uidvalidity, highestmodseq, saved_at, blob, raw_bytes)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(account, folder) DO UPDATE SET uidvalidity = excluded.uidvalidity,
         highestmodseq = excluded.highestmodseq, saved_at = excluded.saved_at, blob = excluded.blob,
         raw_bytes = excluded.raw_bytes`,
    );
  }

  /** One account's previews, kept in this database rather than in each folder index. */
  snippetsFor(account: string): SnippetBackend {
    return this.snippets.forAccount(account);
  }

  /** One account's read marks not yet stored on the server (see pending-seen-store.ts). */
  pendingSeenFor(account: string): PendingSeen {
    return this.pendingSeen.forAccount(account);
  }

  static open(dataDir: string, logger: Logger): IndexStore {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const file = join(dataDir, 'webcache.sqlite');
    // Create it 0600 before SQLite does, so there is no moment it is readable by others.
    if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
    chmodSync(file, 0o600);
    const db = openDatabase(file, [webcacheMigrations]);
    for (const side of ['-wal', '-shm']) {
      if (existsSync(file + side)) chmodSync(file + side, 0o600);
    }
    return new IndexStore(db, logger);
  }

  /**
   * The saved index of `folder`, its previews read from `snippets` (see snippetsFor). Inflating
   * runs in the thread pool, so a load overlaps other sessions' work and this one's IMAP waits.
   * The index's columns are views into the one inflated buffer (see index-blob.ts), so that
   * buffer is the index's memory and nothing else of its size is allocated.
   */
  async load(
    account: string,
    folder: string,
    snippets?: SnippetBackend,
  ): Promise<FolderIndex | null> {
    const row = this.selectBlob.get(account, folder) as
      { blob: Buffer; rawBytes: number } | undefined;
    if (!row) return null;
    try {
      const stored = decodeIndexBlob(await inflateAsync(row.blob, inflateOptions(row.rawBytes)));
      if (stored === null) return null;
      return new FolderIndex(stored.state, stored.columns, snippets);
    } catch (err) {
      this.logger.warn({ err, folder }, 'stored index unreadable; rebuilding');
      return null;
    }
  }

  /** Whether `folder` has a saved index (a cheap look before a load). */
  has(account: string, folder: string): boolean {
    return this.hasBlob.get(account, folder) !== undefined;
  }

  /**
   * Writes `index` as it is now. The snapshot and its encoding are synchronous (a copy, so
   * later changes cannot tear it); compression is not (see deflateAsync). Callers serialise
   * their saves, so an older snapshot never overwrites a newer one.
   */
  async save(account: string, index: FolderIndex): Promise<void> {
    const { path, uidValidity, highestModseq } = index.state;
    const raw = encodeIndexBlob(index.state, index.snapshot());
    const blob = await deflateAsync(raw, { level: deflateLevel });
    this.upsertBlob.run(account, path, uidValidity, highestModseq, Date.now(), blob, raw.length);
  }

  close(): void {
    this.snippets.flush();
    this.db.close();
  }
}
