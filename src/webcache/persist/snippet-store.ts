// Owns message previews on disk: the webcache_snippet table of webcache.sqlite, written in one
// transaction per batch and read through a small per-account cache, so a folder's previews cost
// no RAM. Must not decide which snippets to fetch (sync/ does) nor hold credentials.
import type { Db, Statement } from '../../store/index.js';
import type { SnippetBackend } from '../index/snippet-backend.js';

/** Recently read snippets kept in RAM per account: two pages, so a repeated page reads no disk. */
export const snippetCacheEntries = 128;
/** Writes buffered before they are flushed at once (they are also flushed on the next tick). */
const maxPendingWrites = 1_000;

/** The table, as a migration step of webcache.sqlite (see index-store.ts). */
export const snippetTableStep = `CREATE TABLE webcache_snippet (
  account TEXT NOT NULL,
  folder TEXT NOT NULL,
  uidvalidity INTEGER NOT NULL,
  uid INTEGER NOT NULL,
  snippet TEXT NOT NULL,
  PRIMARY KEY (account, folder, uidvalidity, uid)
) WITHOUT ROWID`;

interface PendingWrite {
  account: string;
  folder: string;
  uidValidity: number;
  uid: number;
  snippet: string;
}

function keyOf(account: string, folder: string, uidValidity: number, uid: number): string {
  return `${account}\u0000${folder}\u0000${uidValidity}\u0000${uid}`;
}

export class SnippetStore {
  private readonly select: Statement;
  private readonly insert: Statement;
  private readonly deleteOne: Statement;
  private readonly deleteFolder: Statement;
  /** Written but not yet in SQLite, by key: reads look here first. */
  private readonly pending = new Map<string, PendingWrite>();
  private flushScheduled = false;

  constructor(private readonly db: Db) {
    this.select = db.prepare(
      'SELECT snippet FROM webcache_snippet WHERE account = ? AND folder = ? AND uidvalidity = ? AND uid = ?',
    );
    this.insert = db.prepare(
      `INSERT INTO webcache_snippet (account, folder, uidvalidity, uid, snippet) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(account, folder, uidvalidity, uid) DO UPDATE SET snippet = excluded.snippet`,
    );
    this.deleteOne = db.prepare(
      'DELETE FROM webcache_snippet WHERE account = ? AND folder = ? AND uidvalidity = ? AND uid = ?',
    );
    this.deleteFolder = db.prepare(
      'DELETE FROM webcache_snippet WHERE account = ? AND folder = ? AND uidvalidity = ?',
    );
  }

  /** The snippets of one account, as a folder index sees them. */
  forAccount(account: string): SnippetBackend {
    return new AccountSnippets(this, account);
  }

  read(account: string, folder: string, uidValidity: number, uid: number): string | null {
    const waiting = this.pending.get(keyOf(account, folder, uidValidity, uid));
    if (waiting) return waiting.snippet;
    const row = this.select.get(account, folder, uidValidity, uid) as
      { snippet: string } | undefined;
    return row?.snippet ?? null;
  }

  write(entry: PendingWrite): void {
    this.pending.set(keyOf(entry.account, entry.folder, entry.uidValidity, entry.uid), entry);
    if (this.pending.size >= maxPendingWrites) this.flush();
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  remove(account: string, folder: string, uidValidity: number, uids: readonly number[]): void {
    if (uids.length === 0) return;
    for (const uid of uids) this.pending.delete(keyOf(account, folder, uidValidity, uid));
    this.db.transaction(() => {
      for (const uid of uids) this.deleteOne.run(account, folder, uidValidity, uid);
    })();
  }

  removeFolder(account: string, folder: string, uidValidity: number): void {
    const prefix = `${account}\u0000${folder}\u0000${uidValidity}\u0000`;
    for (const key of [...this.pending.keys()])
      if (key.startsWith(prefix)) this.pending.delete(key);
    this.deleteFolder.run(account, folder, uidValidity);
  }

  /** Writes every buffered snippet in one transaction (also before the database closes). */
  flush(): void {
    this.flushScheduled = false;
    if (this.pending.size === 0 || !this.db.open) return;
    const batch = [...this.pending.values()];
    this.pending.clear();
    this.db.transaction(() => {
      for (const w of batch) this.insert.run(w.account, w.folder, w.uidValidity, w.uid, w.snippet);
    })();
  }
}

/** One account's view of the store, with the last few snippets read kept in RAM. */
class AccountSnippets implements SnippetBackend {
  /** Insertion order = recency: a hit is moved to the end, the oldest dropped first. */
  private readonly recent = new Map<string, string>();

  constructor(
    private readonly store: SnippetStore,
    private readonly account: string,
  ) {}

  get(folder: string, uidValidity: number, uid: number): string | null {
    const key = keyOf('', folder, uidValidity, uid);
    const known = this.recent.get(key);
    if (known !== undefined) {
      this.recent.delete(key);
      this.recent.set(key, known);
      return known;
    }
    const read = this.store.read(this.account, folder, uidValidity, uid);
    if (read !== null) this.remember(key, read);
    return read;
  }

  put(folder: string, uidValidity: number, uid: number, snippet: string): void {
    this.store.write({ account: this.account, folder, uidValidity, uid, snippet });
    this.remember(keyOf('', folder, uidValidity, uid), snippet);
  }

  remove(folder: string, uidValidity: number, uids: readonly number[]): void {
    for (const uid of uids) this.recent.delete(keyOf('', folder, uidValidity, uid));
    this.store.remove(this.account, folder, uidValidity, uids);
  }

  removeFolder(folder: string, uidValidity: number): void {
    this.recent.clear();
    this.store.removeFolder(this.account, folder, uidValidity);
  }

  private remember(key: string, snippet: string): void {
    this.recent.delete(key);
    this.recent.set(key, snippet);
    if (this.recent.size > snippetCacheEntries) {
      const oldest = this.recent.keys().next().value;
      if (oldest !== undefined) this.recent.delete(oldest);
    }
  }
}
