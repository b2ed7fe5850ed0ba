// Owns string interning for one folder index: each distinct sender, recipient list or charset is
// stored once and referred to by a small integer id. Must not hold per-message unique text
// (subjects, Message-IDs): those go to the index's UTF-8 arenas.

export class StringPool {
  private readonly ids = new Map<string, number>();
  private readonly strings: string[];

  /** `strings` as persisted (id = position); the empty string is always id 0. */
  constructor(strings: readonly string[] = ['']) {
    this.strings = strings.length > 0 && strings[0] === '' ? [...strings] : ['', ...strings];
    for (let id = 0; id < this.strings.length; id++) {
      const s = this.strings[id] ?? '';
      if (!this.ids.has(s)) this.ids.set(s, id);
    }
  }

  intern(value: string): number {
    const known = this.ids.get(value);
    if (known !== undefined) return known;
    const id = this.strings.length;
    this.strings.push(value);
    this.ids.set(value, id);
    return id;
  }

  at(id: number): string {
    return this.strings[id] ?? '';
  }

  /** Every string by id, for persistence. */
  all(): string[] {
    return [...this.strings];
  }
}
