// Owns writing the reader's \Seen to the server behind the index: opened messages are marked in
// the index at once and stored in one UID STORE when the session pauses; until then they are
// also kept on disk, and a webcache that died before storing them stores them at the account's
// next sign-in. Must not decide flags.
//
// Why batch: on maildir every \Seen renames a file, and Dovecot's next full sync (IDLE start, or
// any command after 5 s) rereads the whole cur/ directory: ~6 ms of its CPU per STORE on a
// 10,000-message folder, whether the STORE carries one UID or many (measured). Storing when the
// session pauses puts the STORE just before the IDLE whose sync pays for it, once per burst.
import type { ImapFlow } from 'imapflow';
import { flagBits } from '../index/folder-index.js';
import type { UserSession } from '../session/user-session.js';
import { storeFlags } from '../imap/store-flags.js';
import { uidSet } from '../imap/uid-set.js';
import type { FolderCache } from './folder-cache.js';

/**
 * The session has had no request for this long: store now. Long enough to cover the pauses of a
 * busy session (the page, then its frame, then the next page), short beside reading a message.
 */
export const seenQuietMs = 1_000;
/**
 * A busy session still stores a message's \Seen within this long after it was opened: Dovecot
 * syncs fully at most every 5 s between IDLEs, so one STORE per window costs one rescan.
 */
export const seenMaxDelayMs = 5_000;

interface Pending {
  folder: string;
  /** Of the folder when the batch began; null when its index was not known. */
  uidValidity: number | null;
  uids: Set<number>;
  since: number;
  timer: NodeJS.Timeout | null;
}

/** UIDs of `uids` the index still has as \Seen: a later "mark unread" wins over the open. */
function stillSeen(cache: FolderCache | undefined, uids: Iterable<number>): number[] {
  if (cache === undefined) return [];
  const out: number[] = [];
  for (const uid of uids) {
    const slot = cache.index.slotOf(uid);
    if (slot >= 0 && (cache.index.flagsAt(slot) & flagBits.seen) !== 0) out.push(uid);
  }
  return out.sort((a, b) => a - b);
}

/** Rejects when the server did not take it: the marks then stay on disk (see storeFlags). */
async function storeSeen(client: ImapFlow, uids: readonly number[]): Promise<void> {
  if (uids.length === 0) return;
  await storeFlags(client, uidSet(uids), ['\\Seen'], 'add');
}

/** Whether `err` says the folder is gone (its kept marks can never be stored). */
function isFolderGone(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 'AM_FOLDER_NOT_FOUND';
}

/** One session's opened-but-not-yet-stored messages (one folder at a time). */
export class SeenWriter {
  private pending: Pending | null = null;

  constructor(private readonly session: UserSession) {}

  /**
   * Marks `uid` of `folder` as read on the server soon; the caller has already set \Seen in the
   * index, so pages and counts show it read at once. Whatever would read or copy the server's
   * flags first stores it (storeNow). It is kept on disk until stored, so a crash inside the
   * window stores it at the next sign-in (storePendingFromDisk).
   */
  soon(folder: string, uid: number): void {
    let pending = this.pending;
    if (pending !== null && pending.folder !== folder) {
      this.flush(pending);
      pending = null;
    }
    if (pending === null) {
      const uidValidity = this.session.folders.get(folder)?.index.state.uidValidity ?? null;
      pending = { folder, uidValidity, uids: new Set(), since: Date.now(), timer: null };
      this.pending = pending;
    }
    pending.uids.add(uid);
    // On disk too, until stored: a webcache that dies before then stores it at the next sign-in.
    if (pending.uidValidity !== null) {
      this.session.pendingSeen.add(folder, pending.uidValidity, uid);
    }
    if (pending.timer === null) this.arm(pending);
  }

  /**
   * Stores what is pending at once on `client` (inside the session's queue, the folder
   * selected) before anything that lets the server's flags be seen or carried: a SELECT of
   * another folder (its resync must not undo the mark), a move or copy (the copy takes the
   * server's flags), a search (UNSEEN is answered by the server), signing out.
   */
  async storeNow(client: ImapFlow): Promise<void> {
    const pending = this.pending;
    if (pending === null) return;
    // Another folder is selected only after a lost connection: flush() reselects for it.
    if (client.mailbox === false || client.mailbox.path !== pending.folder) {
      this.flush(pending);
      return;
    }
    this.forget(pending);
    try {
      await storeSeen(client, stillSeen(this.session.folders.get(pending.folder), pending.uids));
      this.stored(pending);
    } catch (err) {
      // Not the caller's failure (a move, a search): the marks stay on disk for the next sign-in.
      this.session.logger.warn({ err }, 'storing \\Seen of opened messages failed');
    }
  }

  /**
   * Stores the marks a previous run of the webcache kept on disk but never stored (it died
   * inside the window), one folder at a time; queued at sign-in before the user's first request.
   * A folder whose UIDVALIDITY changed or that is gone has nothing left to mark.
   */
  storePendingFromDisk(): void {
    const session = this.session;
    for (const group of session.pendingSeen.all()) {
      const done = (): void =>
        session.pendingSeen.remove(group.folder, group.uidValidity, group.uids);
      const work = async (client: ImapFlow, cache: FolderCache): Promise<{ value: undefined }> => {
        const index = cache.index;
        if (index.state.uidValidity === group.uidValidity) {
          const present = group.uids.filter((uid) => index.slotOf(uid) >= 0);
          await storeSeen(client, present);
          let changed = false;
          for (const uid of present) {
            changed =
              index.setFlags(uid, index.flagsAt(index.slotOf(uid)) | flagBits.seen) || changed;
          }
          if (changed) session.indexChanged(group.folder);
        }
        done();
        return { value: undefined };
      };
      session.inFolder('markSeen', group.folder, work, 'user').catch((err: unknown) => {
        if (isFolderGone(err)) done();
        else session.logger.warn({ err }, 'storing \\Seen kept from before a restart failed');
      });
    }
  }

  /** The batch is on the server: its marks need not outlive the process any more. */
  private stored(pending: Pending): void {
    if (pending.uidValidity === null) return;
    this.session.pendingSeen.remove(pending.folder, pending.uidValidity, pending.uids);
  }

  private forget(pending: Pending): void {
    if (pending.timer) clearTimeout(pending.timer);
    pending.timer = null;
    if (this.pending === pending) this.pending = null;
  }

  /** Queues the store of what is pending; in another folder than the selected one it reselects. */
  private flush(pending: Pending): void {
    this.forget(pending);
    const session = this.session;
    if (session.isClosed) return;
    const work = async (client: ImapFlow, cache: FolderCache): Promise<{ value: undefined }> => {
      await storeSeen(client, stillSeen(cache, pending.uids));
      this.stored(pending);
      return { value: undefined };
    };
    // User priority: a request made after this (a move to Trash) finds the flag stored.
    session
      .inFolder('markSeen', pending.folder, work, 'user')
      .catch((err: unknown) =>
        session.logger.warn({ err }, 'storing \\Seen of opened messages failed'),
      );
  }

  private arm(pending: Pending): void {
    const now = Date.now();
    const quietAt = this.session.lastUsedMs + seenQuietMs;
    const dueAt = pending.since + seenMaxDelayMs;
    if (now >= quietAt || now >= dueAt) {
      this.flush(pending);
      return;
    }
    pending.timer = setTimeout(
      () => {
        pending.timer = null;
        this.arm(pending);
      },
      Math.min(quietAt, dueAt) - now,
    );
    pending.timer.unref();
  }
}
