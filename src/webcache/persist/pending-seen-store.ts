// Owns the read marks not yet stored on the server: sync/seen-writer.ts batches an opened
// message's \Seen for up to 5 s, so each is also written here when the message is opened and
// deleted once stored. A webcache that dies inside that window stores them at the account's next
// sign-in. Must not decide when to store (seen-writer does) nor hold credentials.
import type { Db, Statement } from '../../store/index.js';

/** The table, as a migration step of webcache.sqlite (see index-store.ts). */
export const pendingSeenTableStep = `CREATE TABLE webcache_pending_seen (
  account TEXT NOT NULL,
  folder TEXT NOT NULL,
  uidvalidity INTEGER NOT NULL,
  uid INTEGER NOT NULL,
  PRIMARY KEY (account, folder, uidvalidity, uid)
) WITHOUT ROWID`;

/** One folder's opened messages whose \Seen the server may not have yet. */
export interface PendingSeenGroup {
  readonly folder: string;
  readonly uidValidity: number;
  readonly uids: number[];
}

/** One account's pending read marks. */
export interface PendingSeen {
  add(folder: string, uidValidity: number, uid: number): void;
  remove(folder: string, uidValidity: number, uids: Iterable<number>): void;
  /** Every pending mark, by folder. */
  all(): PendingSeenGroup[];
}

/** Without a store (no data directory) nothing outlives the process. */
export const noPendingSeen: PendingSeen = {
  add: () => undefined,
  remove: () => undefined,
  all: () => [],
};

export class PendingSeenStore {
  private readonly insert: Statement;
  private readonly deleteOne: Statement;
  private readonly select: Statement;

  constructor(private readonly db: Db) {
    this.insert = db.prepare(
      `INSERT INTO webcache_pending_seen (account, folder, uidvalidity, uid) VALUES (?, ?, ?, ?)
       ON CONFLICT DO NOTHING`,
    );
    this.deleteOne = db.prepare(
      `DELETE FROM webcache_pending_seen
       WHERE account = ? AND folder = ? AND uidvalidity = ? AND uid = ?`,
    );
    this.select = db.prepare(
      `SELECT folder, uidvalidity AS uidValidity, uid FROM webcache_pending_seen
       WHERE account = ? ORDER BY folder, uidvalidity, uid`,
    );
  }

  forAccount(account: string): PendingSeen {
    return {
      add: (folder, uidValidity, uid) => {
        this.insert.run(account, folder, uidValidity, uid);
      },
      remove: (folder, uidValidity, uids) => {
        this.db.transaction(() => {
          for (const uid of uids) this.deleteOne.run(account, folder, uidValidity, uid);
        })();
      },
      all: () => {
        const rows = this.select.all(account) as {
          folder: string;
          uidValidity: number;
          uid: number;
        }[];
        const groups = new Map<string, PendingSeenGroup>();
        for (const row of rows) {
          const key = `${row.folder}\u0000${row.uidValidity}`;
          const group = groups.get(key) ?? {
            folder: row.folder,
            uidValidity: row.uidValidity,
            uids: [],
          };
          group.uids.push(row.uid);
          groups.set(key, group);
        }
        return [...groups.values()];
      },
    };
  }
}
