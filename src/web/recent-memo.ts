// Owns a small, short-lived memo of values by a string key (the message page and the frame document
// the browser fetches right after it share one fetch and one sanitising). Must not decide what a
// value means or who may see it: callers key by everything the value depends on.

/** Entries kept at most: a page and its frame follow each other within a few requests. */
const maxEntries = 64;
/** Sum of entry sizes (characters of key and value) kept at most: bounds memory at ~32 MB. */
const maxChars = 16_000_000;
/** An entry older than this is computed again: mail bodies do not linger in memory. */
const maxAgeMs = 30_000;

interface Entry<V> {
  readonly value: V;
  readonly chars: number;
  readonly at: number;
}

export class RecentMemo<V> {
  readonly #entries = new Map<string, Entry<V>>();
  readonly #now: () => number;
  #chars = 0;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** The value for `key`, computed by `compute` unless a fresh one is kept; `charsOf` sizes it. */
  get(key: string, compute: () => V, charsOf: (value: V) => number): V {
    const kept = this.#fresh(key);
    if (kept !== undefined) return kept.value;
    const value = compute();
    this.put(key, value, charsOf(value));
    return value;
  }

  /** Removes and returns the fresh value kept for `key`, if any: for values used once. */
  take(key: string): V | undefined {
    const kept = this.#fresh(key);
    if (kept !== undefined) this.#remove(key, kept);
    return kept?.value;
  }

  /** Keeps `value` for `key`; `valueChars` is its size in characters. */
  put(key: string, value: V, valueChars: number): void {
    const chars = key.length + valueChars;
    const old = this.#entries.get(key);
    if (old !== undefined) this.#remove(key, old);
    if (chars > maxChars) return;
    this.#entries.set(key, { value, chars, at: this.#now() });
    this.#chars += chars;
    // Oldest first (Map keeps insertion order) until within both bounds.
    for (const [oldKey, oldEntry] of this.#entries) {
      if (this.#entries.size <= maxEntries && this.#chars <= maxChars) break;
      this.#remove(oldKey, oldEntry);
    }
  }

  #fresh(key: string): Entry<V> | undefined {
    const kept = this.#entries.get(key);
    if (kept === undefined) return undefined;
    if (this.#now() - kept.at <= maxAgeMs) return kept;
    this.#remove(key, kept);
    return undefined;
  }

  get size(): number {
    return this.#entries.size;
  }

  #remove(key: string, entry: Entry<V>): void {
    this.#entries.delete(key);
    this.#chars -= entry.chars;
  }
}
