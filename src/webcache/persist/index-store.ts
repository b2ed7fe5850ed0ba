// Owns saving folder indexes to SQLite (dataDir/webcache.sqlite, mode 0600) and loading them
// back, keyed by account and folder, as one compressed blob. Must not hold credentials.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { promisify } from 'node:util';
import { deflate, inflate } from 'node:zlib';
import type { Logger } from '../../base/index.js';
import { openDatabase, type Db, type Migrations, type Statement } from '../../store/index.js';
import { FolderIndex, type FolderState, type IndexColumns } from '../index/folder-index.js';
import type { SnippetBackend } from '../index/snippet-backend.js';
import { SnippetStore, snippetTableStep } from './snippet-store.js';

/**
 * Blob layout version; a blob of another version is ignored and the folder is rebuilt.
 * 2: packed columns (pool ids, UTF-8 record and snippet arenas) instead of string arrays.
 * 3: snippets moved to their own table (a known-bit per message in the flags column).
 */
const blobVersion = 3;
/** Fast compression: indexes are saved often and are mostly text. */
const deflateLevel = 1;
/**
 * zlib's callback API compresses in libuv's thread pool: a 100,000-message blob (~4 MB) takes
 * tens of ms to deflate, which deflateSync would spend blocking every user's requests.
 */
const deflateAsync = promisify(deflate);
const inflateAsync = promisify(inflate);

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
  ],
};

interface StoredBlob {
  version: number;
  state: FolderState;
  columns: IndexColumns;
}

function isStoredBlob(value: unknown): value is StoredBlob {
  const v = value as Partial<StoredBlob> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    v.version === blobVersion &&
    typeof v.state === 'object' &&
    typeof v.columns === 'object'
  );
}

export class IndexStore {
  private readonly snippets: SnippetStore;
  private readonly selectBlob: Statement;
  private readonly hasBlob: Statement;
  private readonly upsertBlob: Statement;

  private constructor(
    private readonly db: Db,
    private readonly logger: Logger,
  ) {
    this.snippets = new SnippetStore(db);
    this.selectBlob = db.prepare(
      'SELECT blob FROM webcache_folder_index WHERE account = ? AND folder = ?',
    );
    this.hasBlob = db.prepare(
      'SELECT 1 FROM webcache_folder_index WHERE account = ? AND folder = ?',
    );
    this.upsertBlob = db.prepare(
      `INSERT INTO webcache_folder_index (account, folder, uidvalidity, highestmodseq, saved_at, blob)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(account, folder) DO UPDATE SET uidvalidity = excluded.uidvalidity,
         highestmodseq = excluded.highestmodseq, saved_at = excluded.saved_at, blob = excluded.blob`,
    );
  }

  /** One account's previews, kept in this database rather than in each folder index. */
  snippetsFor(account: string): SnippetBackend {
    return this.snippets.forAccount(account);
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
   */
  async load(
    account: string,
    folder: string,
    snippets?: SnippetBackend,
  ): Promise<FolderIndex | null> {
    const row = this.selectBlob.get(account, folder) as { blob: Buffer } | undefined;
    if (!row) return null;
    try {
      const value = deserialize(await inflateAsync(row.blob)) as unknown;
      if (!isStoredBlob(value)) return null;
      return new FolderIndex(value.state, value.columns, snippets);
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
   * Writes `index` as it is now. The snapshot and v8 serialisation are synchronous (a copy, so
   * later changes cannot tear it); compression is not (see deflateAsync). Callers serialise
   * their saves, so an older snapshot never overwrites a newer one.
   */
  async save(account: string, index: FolderIndex): Promise<void> {
    const { path, uidValidity, highestModseq } = index.state;
    const stored: StoredBlob = {
      version: blobVersion,
      state: index.state,
      columns: index.snapshot(),
    };
    const blob = await deflateAsync(serialize(stored), { level: deflateLevel });
    this.upsertBlob.run(account, path, uidValidity, highestModseq, Date.now(), blob);
  }

  close(): void {
    this.snippets.flush();
    this.db.close();
  }
}
