// Owns string interning for one folder index: the same sender or charset is stored once.
// Must not grow without bound on unique text: only short, repetitive fields are interned.

/** Strings longer than this are rarely repeated; interning them would only cost map space. */
const maxInternedChars = 200;

export class StringPool {
  private readonly strings = new Map<string, string>();

  intern(value: string): string {
    if (value.length > maxInternedChars) return value;
    const known = this.strings.get(value);
    if (known !== undefined) return known;
    this.strings.set(value, value);
    return value;
  }
}
