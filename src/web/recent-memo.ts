// Owns a small, short-lived memo of computed values by a string key (the message page and the
// frame document the browser fetches right after it sanitise the same body). Must not decide what
// a value means or whether it is safe: callers key by everything the value is computed from.

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

  /** The value for `key`, computed by `compute` unless a fresh one is kept; `chars` sizes it. */
  get(key: string, compute: () => V, charsOf: (value: V) => number): V {
    const now = this.#now();
    const kept = this.#entries.get(key);
    if (kept !== undefined) {
      if (now - kept.at <= maxAgeMs) return kept.value;
      this.#remove(key, kept);
    }
    const value = compute();
    const chars = key.length + charsOf(value);
    if (chars > maxChars) return value;
    this.#entries.set(key, { value, chars, at: now });
    this.#chars += chars;
    // Oldest first (Map keeps insertion order) until within both bounds.
    for (const [oldKey, old] of this.#entries) {
      if (this.#entries.size <= maxEntries && this.#chars <= maxChars) break;
      this.#remove(oldKey, old);
    }
    return value;
  }

  get size(): number {
    return this.#entries.size;
  }

  #remove(key: string, entry: Entry<V>): void {
    this.#entries.delete(key);
    this.#chars -= entry.chars;
  }
}
