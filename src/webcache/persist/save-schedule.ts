// Owns when a session's changed folder indexes are written: soon after messages were added or
// removed, rarely after flag-only changes, at once at close. Must not serialise or touch SQLite.
//
// Why flag-only changes may wait: a saved index carries the HIGHESTMODSEQ of the SELECT that last
// synced it, and after a restart sync/folder-sync.ts resyncs flags with FETCH CHANGEDSINCE that
// modseq (RFC 7162 §3.1.4.1), or fetches every flag when the server has no CONDSTORE. Every flag
// change made after that SELECT (by us or by another client) has a higher modseq, so a saved copy
// whose flags are older than its memory is corrected on the next SELECT: nothing is lost.

/** Messages added or removed: written this long after the first unsaved such change. */
export const structuralSaveDelayMs = 5_000;
/**
 * Only flags, preview-known bits or the sync state changed: written at most this often (and at
 * close). Each write serialises the whole folder; after every \Seen it cost 12% of a busy CPU.
 */
export const minorSaveDelayMs = 10 * 60_000;

/** 'structural': messages added or removed; 'minor': anything else (see above). */
export type ChangeKind = 'structural' | 'minor';

export class SaveSchedule {
  private timer: NodeJS.Timeout | null = null;
  private pendingKind: ChangeKind | null = null;
  /** The save in flight, if any: saves run one after another, never overlapping. */
  private chain: Promise<void> = Promise.resolve();
  private isClosed = false;

  constructor(
    /** Writes every dirty index of the session. */
    private readonly saveDirty: () => Promise<void>,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Something changed; arranges a write within the delay of its kind. */
  changed(kind: ChangeKind): void {
    if (this.isClosed || this.pendingKind === 'structural') return;
    if (this.pendingKind === 'minor' && kind === 'minor') return;
    // A structural change replaces a pending minor write: it is due much sooner.
    if (this.timer !== null) clearTimeout(this.timer);
    this.pendingKind = kind;
    const delayMs = kind === 'structural' ? structuralSaveDelayMs : minorSaveDelayMs;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.pendingKind = null;
      void this.saveNow();
    }, delayMs);
    this.timer.unref();
  }

  /** Writes what is dirty after any save in flight; never rejects. */
  saveNow(): Promise<void> {
    const run = this.chain.then(() => this.saveDirty()).catch(this.onError);
    this.chain = run;
    return run;
  }

  /** Cancels the timer and writes everything left (logout, idle timeout, SIGTERM). */
  close(): Promise<void> {
    this.isClosed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.pendingKind = null;
    return this.saveNow();
  }
}
