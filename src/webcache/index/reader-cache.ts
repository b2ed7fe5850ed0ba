// Owns the recently read messages of one folder, bounded in bytes, so re-opening a message (and
// the page/frame pair of one view) costs no IMAP. Must not hold flags: those live in the index,
// kept current by IDLE; content under one UIDVALIDITY never changes (RFC 3501 §2.3.1.1).

/**
 * Bytes of decoded messages a folder keeps. The session drops the caches of folders it leaves,
 * so this is also the bound per session: ~2 MiB is a page of typical mail (the index page's
 * messages, re-opened by going back and forth) and nothing for an idle session.
 */
export const maxReaderBytes = 2 * 1024 * 1024;
/** A message estimated larger than this is not kept: one huge mail must not flush the rest. */
export const maxReaderEntryBytes = 512 * 1024;
/** Estimated bookkeeping per kept message (headers object, attachment list, map entry). */
const entryOverheadBytes = 1024;

/** What the reader shows of a message, without its flags. */
export interface ReaderContent {
  /** Characters of decoded text and HTML (UTF-16 in memory: 2 bytes each at most). */
  readonly chars: number;
}

function estimatedBytes(content: ReaderContent): number {
  return content.chars * 2 + entryOverheadBytes;
}

export class ReaderCache<T extends ReaderContent> {
  readonly #entries = new Map<number, T>();
  #bytes = 0;

  get(uid: number): T | undefined {
    const hit = this.#entries.get(uid);
    if (hit !== undefined) {
      // Map keeps insertion order: re-inserting makes this the most recent.
      this.#entries.delete(uid);
      this.#entries.set(uid, hit);
    }
    return hit;
  }

  set(uid: number, content: T): void {
    const bytes = estimatedBytes(content);
    if (bytes > maxReaderEntryBytes) return;
    this.delete(uid);
    this.#entries.set(uid, content);
    this.#bytes += bytes;
    for (const [oldest, value] of this.#entries) {
      if (this.#bytes <= maxReaderBytes) break;
      this.#entries.delete(oldest);
      this.#bytes -= estimatedBytes(value);
    }
  }

  delete(uid: number): void {
    const known = this.#entries.get(uid);
    if (known === undefined) return;
    this.#entries.delete(uid);
    this.#bytes -= estimatedBytes(known);
  }

  /** Forgets everything: the session left this folder. */
  clear(): void {
    this.#entries.clear();
    this.#bytes = 0;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Estimated bytes held, for session stats and tests. */
  get bytes(): number {
    return this.#bytes;
  }
}
