// Owns one folder's compact message index: parallel typed arrays and interned strings, kept in
// ascending UID order (= IMAP sequence order). Must not talk IMAP or disk: sync/ and persist/ do.
import { StringPool } from './string-pool.js';

/** Flag bits kept per message; BODYSTRUCTURE-derived facts share the byte. */
export const flagBits = {
  seen: 1,
  flagged: 2,
  answered: 4,
  draft: 8,
  deleted: 16,
  hasAttachments: 32,
} as const;

/** Transfer encodings of a snippet part, as a byte; index = code. */
export const encodings = ['', '7bit', '8bit', 'binary', 'quoted-printable', 'base64'] as const;
/** Text part subtypes the snippet decoder knows; 0 = no text part. */
export const textSubtypes = ['', 'plain', 'html'] as const;

/** Slots the arrays start with; they double when full. */
const initialCapacity = 64;

/** Everything the index keeps about one message, as produced by imap/ and consumed here. */
export interface IndexEntry {
  uid: number;
  flags: number;
  size: number;
  dateMs: number;
  fromName: string;
  fromAddress: string;
  /** Recipients, encoded by encodeAddresses. */
  to: string;
  subject: string;
  messageId: string;
  inReplyTo: string;
  /** Message-IDs of the References header, space-separated. */
  references: string;
  /** First text part for snippets: part number ('' = none), encoding, charset, subtype code. */
  textPart: string;
  textEncoding: number;
  textCharset: string;
  textSubtype: number;
  /** null: not fetched yet; '' when the message has no text to preview. */
  snippet: string | null;
}

/** Columns as stored (and persisted); typed arrays may be longer than `count`. */
export interface IndexColumns {
  count: number;
  uids: Uint32Array;
  flags: Uint8Array;
  sizes: Uint32Array;
  dates: Float64Array;
  textEncodings: Uint8Array;
  textSubtypes: Uint8Array;
  fromNames: string[];
  fromAddresses: string[];
  tos: string[];
  subjects: string[];
  messageIds: string[];
  inReplyTos: string[];
  references: string[];
  textParts: string[];
  textCharsets: string[];
  snippets: (string | null)[];
}

export interface FolderState {
  path: string;
  uidValidity: number;
  /** HIGHESTMODSEQ at the last complete sync, as a decimal string ('' when unknown). */
  highestModseq: string;
  uidNext: number;
}

const addressSeparator = '\u0001';
const recordSeparator = '\u0002';

/** Packs a short recipient list into one string (fewer objects per message). */
export function encodeAddresses(list: readonly { name: string; address: string }[]): string {
  return list.map((a) => `${a.name}${addressSeparator}${a.address}`).join(recordSeparator);
}

export function decodeAddresses(packed: string): { name: string; address: string }[] {
  if (packed === '') return [];
  return packed.split(recordSeparator).map((record) => {
    const [name = '', address = ''] = record.split(addressSeparator);
    return { name, address };
  });
}

function grow<T extends Uint8Array | Uint32Array | Float64Array>(array: T, size: number): T {
  const Ctor = array.constructor as new (n: number) => T;
  const next = new Ctor(size);
  next.set(array);
  return next;
}

export class FolderIndex {
  state: FolderState;
  private columns: IndexColumns;
  private readonly pool = new StringPool();
  /** Bumped on every add or removal: sort caches compare it. */
  version = 0;
  /** Bumped on any change at all (flags, snippets too): persistence compares it. */
  changeCount = 0;

  constructor(state: FolderState, columns?: IndexColumns) {
    this.state = state;
    this.columns = columns ?? FolderIndex.emptyColumns();
    if (columns) this.internAll();
  }

  static emptyColumns(): IndexColumns {
    return {
      count: 0,
      uids: new Uint32Array(initialCapacity),
      flags: new Uint8Array(initialCapacity),
      sizes: new Uint32Array(initialCapacity),
      dates: new Float64Array(initialCapacity),
      textEncodings: new Uint8Array(initialCapacity),
      textSubtypes: new Uint8Array(initialCapacity),
      fromNames: [],
      fromAddresses: [],
      tos: [],
      subjects: [],
      messageIds: [],
      inReplyTos: [],
      references: [],
      textParts: [],
      textCharsets: [],
      snippets: [],
    };
  }

  /** Columns trimmed to `count`, for persistence. */
  snapshot(): IndexColumns {
    const c = this.columns;
    const n = c.count;
    return {
      ...c,
      uids: c.uids.slice(0, n),
      flags: c.flags.slice(0, n),
      sizes: c.sizes.slice(0, n),
      dates: c.dates.slice(0, n),
      textEncodings: c.textEncodings.slice(0, n),
      textSubtypes: c.textSubtypes.slice(0, n),
    };
  }

  private internAll(): void {
    const c = this.columns;
    for (const list of [c.fromNames, c.fromAddresses, c.tos, c.textParts, c.textCharsets]) {
      for (let i = 0; i < list.length; i++) list[i] = this.pool.intern(list[i] ?? '');
    }
  }

  get count(): number {
    return this.columns.count;
  }

  get maxUid(): number {
    const n = this.columns.count;
    return n === 0 ? 0 : (this.columns.uids[n - 1] ?? 0);
  }

  uidAt(slot: number): number {
    return this.columns.uids[slot] ?? 0;
  }

  flagsAt(slot: number): number {
    return this.columns.flags[slot] ?? 0;
  }

  sizeAt(slot: number): number {
    return this.columns.sizes[slot] ?? 0;
  }

  dateAt(slot: number): number {
    return this.columns.dates[slot] ?? 0;
  }

  fromNameAt(slot: number): string {
    return this.columns.fromNames[slot] ?? '';
  }

  fromAddressAt(slot: number): string {
    return this.columns.fromAddresses[slot] ?? '';
  }

  toAt(slot: number): string {
    return this.columns.tos[slot] ?? '';
  }

  subjectAt(slot: number): string {
    return this.columns.subjects[slot] ?? '';
  }

  snippetAt(slot: number): string | null {
    return this.columns.snippets[slot] ?? null;
  }

  textPartAt(slot: number): { part: string; encoding: string; charset: string; subtype: string } {
    const c = this.columns;
    return {
      part: c.textParts[slot] ?? '',
      encoding: encodings[c.textEncodings[slot] ?? 0] ?? '',
      charset: c.textCharsets[slot] ?? '',
      subtype: textSubtypes[c.textSubtypes[slot] ?? 0] ?? '',
    };
  }

  /** Everything kept about the message in `slot`, e.g. to copy it into another folder's index. */
  entryAt(slot: number): IndexEntry {
    const c = this.columns;
    const text = this.textPartAt(slot);
    return {
      uid: this.uidAt(slot),
      flags: this.flagsAt(slot),
      size: this.sizeAt(slot),
      dateMs: this.dateAt(slot),
      fromName: this.fromNameAt(slot),
      fromAddress: this.fromAddressAt(slot),
      to: this.toAt(slot),
      subject: this.subjectAt(slot),
      messageId: c.messageIds[slot] ?? '',
      inReplyTo: c.inReplyTos[slot] ?? '',
      references: c.references[slot] ?? '',
      textPart: text.part,
      textEncoding: c.textEncodings[slot] ?? 0,
      textCharset: text.charset,
      textSubtype: c.textSubtypes[slot] ?? 0,
      snippet: this.snippetAt(slot),
    };
  }

  /** Slot of `uid` by binary search over the ascending UIDs, or -1. */
  slotOf(uid: number): number {
    const uids = this.columns.uids;
    let lo = 0;
    let hi = this.columns.count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const at = uids[mid] ?? 0;
      if (at === uid) return mid;
      if (at < uid) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  unreadCount(): number {
    let unread = 0;
    const { flags, count } = this.columns;
    for (let i = 0; i < count; i++) if (((flags[i] ?? 0) & flagBits.seen) === 0) unread++;
    return unread;
  }

  pendingSnippets(): number {
    let pending = 0;
    for (const s of this.columns.snippets) if (s === null) pending++;
    return pending;
  }

  /** Adds entries; UIDs at or below the current maximum are ignored (already known). */
  append(entries: readonly IndexEntry[]): number {
    const sorted = [...entries].sort((a, b) => a.uid - b.uid);
    let added = 0;
    for (const e of sorted) {
      if (e.uid <= this.maxUid) continue;
      this.push(e);
      added++;
    }
    if (added > 0) {
      this.version++;
      this.changeCount++;
    }
    return added;
  }

  private push(e: IndexEntry): void {
    const c = this.columns;
    if (c.count === c.uids.length) {
      const size = Math.max(initialCapacity, c.uids.length * 2);
      c.uids = grow(c.uids, size);
      c.flags = grow(c.flags, size);
      c.sizes = grow(c.sizes, size);
      c.dates = grow(c.dates, size);
      c.textEncodings = grow(c.textEncodings, size);
      c.textSubtypes = grow(c.textSubtypes, size);
    }
    const i = c.count;
    c.uids[i] = e.uid;
    c.flags[i] = e.flags;
    c.sizes[i] = Math.min(e.size, 0xffffffff);
    c.dates[i] = e.dateMs;
    c.textEncodings[i] = e.textEncoding;
    c.textSubtypes[i] = e.textSubtype;
    c.fromNames[i] = this.pool.intern(e.fromName);
    c.fromAddresses[i] = this.pool.intern(e.fromAddress);
    c.tos[i] = this.pool.intern(e.to);
    c.subjects[i] = e.subject;
    c.messageIds[i] = e.messageId;
    c.inReplyTos[i] = e.inReplyTo;
    c.references[i] = e.references;
    c.textParts[i] = this.pool.intern(e.textPart);
    c.textCharsets[i] = this.pool.intern(e.textCharset);
    c.snippets[i] = e.snippet;
    c.count = i + 1;
  }

  /** Sets the IMAP flag bits of `uid`, keeping the derived bits; false when unknown. */
  setFlags(uid: number, imapFlags: number): boolean {
    const slot = this.slotOf(uid);
    if (slot < 0) return false;
    const before = this.columns.flags[slot] ?? 0;
    const after = (before & flagBits.hasAttachments) | (imapFlags & ~flagBits.hasAttachments);
    if (after !== before) {
      this.columns.flags[slot] = after;
      this.changeCount++;
    }
    return true;
  }

  setSnippet(uid: number, snippet: string): void {
    const slot = this.slotOf(uid);
    if (slot < 0) return;
    this.columns.snippets[slot] = snippet;
    this.changeCount++;
  }

  /** Removes every UID for which `isGone` says so; returns how many went. */
  removeWhere(isGone: (uid: number) => boolean): number {
    const c = this.columns;
    let write = 0;
    for (let read = 0; read < c.count; read++) {
      if (isGone(c.uids[read] ?? 0)) continue;
      if (write !== read) this.moveSlot(read, write);
      write++;
    }
    const removed = c.count - write;
    if (removed > 0) {
      c.count = write;
      for (const list of this.stringColumns()) list.length = write;
      this.version++;
      this.changeCount++;
    }
    return removed;
  }

  removeUids(uids: Iterable<number>): number {
    const gone = new Set(uids);
    if (gone.size === 0) return 0;
    return this.removeWhere((uid) => gone.has(uid));
  }

  /** Records the mailbox state a completed sync reached. */
  setState(state: FolderState): void {
    const old = this.state;
    const same =
      old.path === state.path &&
      old.uidValidity === state.uidValidity &&
      old.highestModseq === state.highestModseq &&
      old.uidNext === state.uidNext;
    this.state = state;
    if (!same) this.changeCount++;
  }

  /** Drops everything (UIDVALIDITY changed). */
  clear(state: FolderState): void {
    this.state = state;
    this.columns = FolderIndex.emptyColumns();
    this.version++;
    this.changeCount++;
  }

  private stringColumns(): unknown[][] {
    const c = this.columns;
    return [
      c.fromNames,
      c.fromAddresses,
      c.tos,
      c.subjects,
      c.messageIds,
      c.inReplyTos,
      c.references,
      c.textParts,
      c.textCharsets,
      c.snippets,
    ];
  }

  private moveSlot(from: number, to: number): void {
    const c = this.columns;
    for (const array of [c.uids, c.flags, c.sizes, c.dates, c.textEncodings, c.textSubtypes]) {
      array[to] = array[from] ?? 0;
    }
    for (const list of this.stringColumns()) list[to] = list[from];
  }
}
