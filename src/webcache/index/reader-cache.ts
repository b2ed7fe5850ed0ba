// Owns the few most recently read messages of one folder, so the message page and its frame
// document (two requests for one view) cost one IMAP fetch. Must not hold flags: those live in
// the index, kept current by IDLE; content under one UIDVALIDITY never changes (RFC 3501 §2.3.1.1).

/** How many read messages a folder keeps; the page and its frame need one, going back needs two. */
export const maxReaderEntries = 4;
/** A message whose shown text is longer than this is not kept: memory per session stays small. */
export const maxReaderEntryChars = 256 * 1024;

/** What the reader shows of a message, without its flags. */
export interface ReaderContent {
  readonly chars: number;
}

export class ReaderCache<T extends ReaderContent> {
  readonly #entries = new Map<number, T>();

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
    if (content.chars > maxReaderEntryChars) return;
    this.#entries.delete(uid);
    this.#entries.set(uid, content);
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= maxReaderEntries) break;
      this.#entries.delete(oldest);
    }
  }
}
