// Owns a growable UTF-8 byte arena: strings appended as bytes, read back by offset and length,
// so 100,000 subjects cost their bytes and not 100,000 heap objects. Must not know what the
// strings mean: the folder index decides the layout and when to compact.

/** Bytes an empty arena starts with. */
const initialArenaBytes = 4096;
/** Growth factor once large: doubling a 30 MB arena would waste up to half of it. */
const largeGrowthFactor = 1.25;
const largeArenaBytes = 1024 * 1024;

export class TextArena {
  private bytes: Buffer;
  /** Bytes in use (appended, including garbage not yet compacted). */
  length: number;

  constructor(initial?: Uint8Array) {
    this.bytes =
      initial === undefined
        ? Buffer.allocUnsafe(initialArenaBytes)
        : Buffer.from(initial.buffer, initial.byteOffset, initial.byteLength);
    this.length = initial?.byteLength ?? 0;
  }

  /** Appends `value` as UTF-8 and returns its offset; the byte length is `this.length - offset`. */
  append(value: string): number {
    const need = Buffer.byteLength(value, 'utf8');
    this.reserve(need);
    const at = this.length;
    this.length += this.bytes.write(value, at, 'utf8');
    return at;
  }

  /** Appends one raw byte (a separator). */
  appendByte(byte: number): void {
    this.reserve(1);
    this.bytes[this.length++] = byte;
  }

  /** Overwrites bytes at `at` with `value`; the caller checked it fits. Returns bytes written. */
  writeAt(at: number, value: string): number {
    return this.bytes.write(value, at, 'utf8');
  }

  read(at: number, byteLength: number): string {
    return byteLength === 0 ? '' : this.bytes.toString('utf8', at, at + byteLength);
  }

  /** Offset of the next `byte` at or after `from` (the end of a separated field). */
  indexOf(byte: number, from: number): number {
    const at = this.bytes.indexOf(byte, from);
    return at < 0 || at >= this.length ? this.length : at;
  }

  /** Copies `byteLength` bytes from another arena; returns the new offset. */
  copyFrom(other: TextArena, at: number, byteLength: number): number {
    this.reserve(byteLength);
    const to = this.length;
    other.bytes.copy(this.bytes, to, at, at + byteLength);
    this.length += byteLength;
    return to;
  }

  /** Gives back spare capacity (after a bulk build, before a long quiet life). */
  trim(): void {
    // Some headroom stays, so the next new message does not copy the whole arena again.
    const size = this.length + Math.max(initialArenaBytes, this.length >> 6);
    if (this.bytes.length <= size) return;
    const next = Buffer.allocUnsafe(size);
    this.bytes.copy(next, 0, 0, this.length);
    this.bytes = next;
  }

  /** The bytes in use, copied out exactly, for persistence. */
  toBytes(): Uint8Array {
    return new Uint8Array(this.bytes.subarray(0, this.length));
  }

  private reserve(extra: number): void {
    const need = this.length + extra;
    if (need <= this.bytes.length) return;
    const factor = this.bytes.length >= largeArenaBytes ? largeGrowthFactor : 2;
    const size = Math.max(need, Math.ceil(this.bytes.length * factor), initialArenaBytes);
    const next = Buffer.allocUnsafe(size);
    this.bytes.copy(next, 0, 0, this.length);
    this.bytes = next;
  }
}
