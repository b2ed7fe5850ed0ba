// Owns the sign-in failure counter per account and per client address, in memory.
// Must not persist anything or count successes: a restart forgets, which is acceptable for a
// throttle (each web copy counts on its own).

/** Failed sign-ins allowed per key within the window before sign-in is refused. */
export const maxLoginFailures = 10;
/** The window failures are counted in. */
export const loginFailureWindowMs = 10 * 60_000;
/** Keys remembered at most, so a flood of made-up user names cannot exhaust memory. */
const maxTrackedKeys = 100_000;

export class LoginRateLimiter {
  readonly #failures = new Map<string, number[]>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  #recent(key: string): number[] {
    const cutoff = this.#now() - loginFailureWindowMs;
    const times = (this.#failures.get(key) ?? []).filter((t) => t > cutoff);
    if (times.length === 0) this.#failures.delete(key);
    else this.#failures.set(key, times);
    return times;
  }

  /** True when any of the keys has reached the limit. */
  isLimited(keys: readonly string[]): boolean {
    return keys.some((key) => this.#recent(key).length >= maxLoginFailures);
  }

  recordFailure(keys: readonly string[]): void {
    if (this.#failures.size >= maxTrackedKeys) this.#prune();
    for (const key of keys) {
      const times = this.#recent(key);
      times.push(this.#now());
      this.#failures.set(key, times);
    }
  }

  /** A successful sign-in clears the account's count (not the address's). */
  clear(key: string): void {
    this.#failures.delete(key);
  }

  #prune(): void {
    for (const key of [...this.#failures.keys()]) this.#recent(key);
    // Still full: forget the oldest keys (Map iterates in insertion order).
    for (const key of this.#failures.keys()) {
      if (this.#failures.size < maxTrackedKeys / 2) break;
      this.#failures.delete(key);
    }
  }
}

export function accountKey(user: string, domain: string): string {
  return `account:${user.toLowerCase()}@${domain.toLowerCase()}`;
}

export function addressKey(ip: string): string {
  return `address:${ip}`;
}
