// Owns one folder's compact message index: parallel typed arrays, interned ids and a UTF-8 arena,
// kept in ascending UID order (= IMAP sequence order). Must not talk IMAP or disk: sync/ and
// persist/ do (previews go through an injected SnippetBackend). Over 400 lines: the packed
// layout, its accessors and its compaction are one idea.
import { MemorySnippets, type SnippetBackend } from './snippet-backend.js';
import { StringPool } from './string-pool.js';
import {
  emptyIndexColumns,
  growIndexColumns,
  moveIndexSlot,
  shrinkIndexColumns,
  trimIndexColumns,
  type IndexColumns,
} from './index-columns.js';
import { TextArena } from './text-arena.js';

/** Flag bits kept per message; BODYSTRUCTURE-derived facts share the byte. */
export const flagBits = {
  seen: 1,
  flagged: 2,
  answered: 4,
  draft: 8,
  deleted: 16,
  hasAttachments: 32,
  /** The preview is stored in the snippet backend (set by the index, never by IMAP flags). */
  hasSnippet: 64,
} as const;

/** Bits the index derives itself; an IMAP flag update keeps them. */
const derivedBits = flagBits.hasAttachments | flagBits.hasSnippet;

/** Transfer encodings of a snippet part, as a byte; index = code. */
export const encodings = ['', '7bit', '8bit', 'binary', 'quoted-printable', 'base64'] as const;
/** Text part subtypes the snippet decoder knows; 0 = no text part. */
export const textSubtypes = ['', 'plain', 'html'] as const;

/** Ends each field of a record in the record arena; a NUL inside a header becomes U+FFFD. */
const fieldEnd = 0;
/** Arena garbage (removed messages) tolerated before compacting, in bytes. */
const minGarbageBytes = 256 * 1024;

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

export type { IndexColumns } from './index-columns.js';

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

function withoutNul(value: string): string {
  return value.includes('\u0000') ? value.replaceAll('\u0000', '\ufffd') : value;
}

export class FolderIndex {
  state: FolderState;
  private columns: IndexColumns;
  private pool: StringPool;
  private records: TextArena;
  private snippets: SnippetBackend;
  /** Arena bytes no slot refers to any more; compacted away once large. */
  private garbageBytes = 0;
  /** Slots whose snippet is not fetched yet. */
  private pending = 0;
  /** Bumped on every add or removal: sort caches compare it. */
  version = 0;
  /** Bumped on any change at all (flags, snippets too): persistence compares it. */
  changeCount = 0;

  /** `snippets`: where previews live (in memory unless the session attaches its store). */
  constructor(state: FolderState, columns?: IndexColumns, snippets?: SnippetBackend) {
    this.state = state;
    this.columns = columns ?? FolderIndex.emptyColumns();
    this.pool = new StringPool(this.columns.pool);
    this.columns.pool = [];
    this.records = new TextArena(columns?.records);
    this.snippets = snippets ?? new MemorySnippets();
    for (let i = 0; i < this.columns.count; i++) {
      if (((this.columns.flags[i] ?? 0) & flagBits.hasSnippet) === 0) this.pending++;
    }
  }

  /**
   * Moves previews to `backend` (the session's SQLite store) and keeps them there from now on.
   * Called once when a cache is registered with its session.
   */
  attachSnippets(backend: SnippetBackend): void {
    if (backend === this.snippets) return;
    const { path, uidValidity } = this.state;
    for (let slot = 0; slot < this.columns.count; slot++) {
      if (!this.hasSnippetAt(slot)) continue;
      const uid = this.uidAt(slot);
      const text = this.snippets.get(path, uidValidity, uid);
      if (text !== null) backend.put(path, uidValidity, uid, text);
    }
    this.snippets = backend;
  }

  static emptyColumns(): IndexColumns {
    return emptyIndexColumns();
  }

  /** Columns trimmed to `count` with compacted arenas, for persistence. */
  snapshot(): IndexColumns {
    this.compact();
    const out = trimIndexColumns(this.columns);
    out.pool = this.pool.all();
    out.records = this.records.toBytes();
    return out;
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

  /** Flag bits of `slot` (IMAP flags and hasAttachments; the snippet bit is the index's own). */
  flagsAt(slot: number): number {
    return (this.columns.flags[slot] ?? 0) & ~flagBits.hasSnippet;
  }

  sizeAt(slot: number): number {
    return this.columns.sizes[slot] ?? 0;
  }

  dateAt(slot: number): number {
    return this.columns.dates[slot] ?? 0;
  }

  fromNameAt(slot: number): string {
    return this.pool.at(this.columns.fromNameIds[slot] ?? 0);
  }

  fromAddressAt(slot: number): string {
    return this.pool.at(this.columns.fromAddressIds[slot] ?? 0);
  }

  toAt(slot: number): string {
    return this.pool.at(this.columns.toIds[slot] ?? 0);
  }

  /** Field `n` (0 subject, 1 Message-ID, 2 In-Reply-To, 3 References) of a slot's record. */
  private recordField(slot: number, n: number): string {
    if (slot < 0 || slot >= this.columns.count) return '';
    let at = this.columns.recordStarts[slot] ?? 0;
    for (let i = 0; i < n; i++) at = this.records.indexOf(fieldEnd, at) + 1;
    return this.records.read(at, this.records.indexOf(fieldEnd, at) - at);
  }

  subjectAt(slot: number): string {
    return this.recordField(slot, 0);
  }

  /** Subject, Message-ID, raw In-Reply-To and References (ids space-separated), read at once. */
  threadingAt(slot: number): {
    subject: string;
    messageId: string;
    inReplyTo: string;
    references: string;
  } {
    if (slot < 0 || slot >= this.columns.count) {
      return { subject: '', messageId: '', inReplyTo: '', references: '' };
    }
    const start = this.columns.recordStarts[slot] ?? 0;
    let end = start;
    for (let i = 0; i < 4; i++) end = this.records.indexOf(fieldEnd, end) + 1;
    // One decode for the four fields: threads/ reads every message when it (re)threads a folder.
    const [subject = '', messageId = '', inReplyTo = '', references = ''] = this.records
      .read(start, Math.max(0, end - start - 1))
      .split('\u0000');
    return { subject, messageId, inReplyTo, references };
  }

  /** Whether the preview of `slot` is known (a bit test: no lookup). */
  hasSnippetAt(slot: number): boolean {
    return ((this.columns.flags[slot] ?? 0) & flagBits.hasSnippet) !== 0;
  }

  /** The preview, null when not fetched yet ('' when the message has none). */
  snippetAt(slot: number): string | null {
    if (slot < 0 || slot >= this.columns.count || !this.hasSnippetAt(slot)) return null;
    const text = this.snippets.get(this.state.path, this.state.uidValidity, this.uidAt(slot));
    if (text === null) {
      // The store lost it (e.g. a database from before a crash): fetch it again.
      this.columns.flags[slot] = (this.columns.flags[slot] ?? 0) & ~flagBits.hasSnippet;
      this.pending++;
    }
    return text;
  }

  textPartAt(slot: number): { part: string; encoding: string; charset: string; subtype: string } {
    const c = this.columns;
    return {
      part: this.pool.at(c.textPartIds[slot] ?? 0),
      encoding: encodings[c.textEncodings[slot] ?? 0] ?? '',
      charset: this.pool.at(c.textCharsetIds[slot] ?? 0),
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
      messageId: this.recordField(slot, 1),
      inReplyTo: this.recordField(slot, 2),
      references: this.recordField(slot, 3),
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
    return this.pending;
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
    if (c.count === c.uids.length) growIndexColumns(c);
    const i = c.count;
    c.uids[i] = e.uid;
    c.flags[i] = e.flags & ~flagBits.hasSnippet;
    c.sizes[i] = Math.min(e.size, 0xffffffff);
    c.dates[i] = e.dateMs;
    c.textEncodings[i] = e.textEncoding;
    c.textSubtypes[i] = e.textSubtype;
    c.fromNameIds[i] = this.pool.intern(e.fromName);
    c.fromAddressIds[i] = this.pool.intern(e.fromAddress);
    c.toIds[i] = this.pool.intern(e.to);
    c.textPartIds[i] = this.pool.intern(e.textPart);
    c.textCharsetIds[i] = this.pool.intern(e.textCharset);
    c.recordStarts[i] = this.records.length;
    for (const field of [e.subject, e.messageId, e.inReplyTo, e.references]) {
      this.records.append(withoutNul(field));
      this.records.appendByte(fieldEnd);
    }
    c.count = i + 1;
    this.pending++;
    if (e.snippet !== null) this.writeSnippet(i, e.snippet);
  }

  private writeSnippet(slot: number, snippet: string): void {
    const c = this.columns;
    if (!this.hasSnippetAt(slot)) this.pending--;
    this.snippets.put(this.state.path, this.state.uidValidity, this.uidAt(slot), snippet);
    c.flags[slot] = (c.flags[slot] ?? 0) | flagBits.hasSnippet;
  }

  /** Sets the IMAP flag bits of `uid`, keeping the derived bits; false when unknown. */
  setFlags(uid: number, imapFlags: number): boolean {
    const slot = this.slotOf(uid);
    if (slot < 0) return false;
    const before = this.columns.flags[slot] ?? 0;
    const after = (before & derivedBits) | (imapFlags & ~derivedBits);
    if (after !== before) {
      this.columns.flags[slot] = after;
      this.changeCount++;
    }
    return true;
  }

  setSnippet(uid: number, snippet: string): void {
    const slot = this.slotOf(uid);
    if (slot < 0) return;
    this.writeSnippet(slot, snippet);
    this.changeCount++;
  }

  /** Removes every UID for which `isGone` says so; returns how many went. */
  removeWhere(isGone: (uid: number) => boolean): number {
    const c = this.columns;
    const goneWithSnippet: number[] = [];
    let write = 0;
    for (let read = 0; read < c.count; read++) {
      if (isGone(c.uids[read] ?? 0)) {
        if (this.hasSnippetAt(read)) goneWithSnippet.push(c.uids[read] ?? 0);
        this.forgetText(read);
        continue;
      }
      if (write !== read) moveIndexSlot(c, read, write);
      write++;
    }
    const removed = c.count - write;
    this.snippets.remove(this.state.path, this.state.uidValidity, goneWithSnippet);
    if (removed > 0) {
      c.count = write;
      this.version++;
      this.changeCount++;
      this.compactIfWasteful();
    }
    return removed;
  }

  private forgetText(slot: number): void {
    const c = this.columns;
    const start = c.recordStarts[slot] ?? 0;
    let end = start;
    for (let i = 0; i < 4; i++) end = this.records.indexOf(fieldEnd, end) + 1;
    this.garbageBytes += end - start;
    if (!this.hasSnippetAt(slot)) this.pending--;
  }

  removeUids(uids: Iterable<number>): number {
    const gone = new Set(uids);
    if (gone.size === 0) return 0;
    return this.removeWhere((uid) => gone.has(uid));
  }

  /** Gives back spare array and arena capacity; called when a full build or resync is done. */
  trimCapacity(): void {
    this.compactIfWasteful();
    shrinkIndexColumns(this.columns);
    this.records.trim();
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
    this.snippets.removeFolder(this.state.path, this.state.uidValidity);
    this.state = state;
    this.columns = FolderIndex.emptyColumns();
    this.pool = new StringPool();
    this.records = new TextArena();
    this.garbageBytes = 0;
    this.pending = 0;
    this.version++;
    this.changeCount++;
  }

  private compactIfWasteful(): void {
    const live = this.records.length - this.garbageBytes;
    if (this.garbageBytes > minGarbageBytes && this.garbageBytes > live) this.compact();
  }

  /** Copies live text into a fresh arena in slot order; slots and ids do not change. */
  private compact(): void {
    if (this.garbageBytes === 0) return;
    const c = this.columns;
    const records = new TextArena();
    for (let i = 0; i < c.count; i++) {
      const start = c.recordStarts[i] ?? 0;
      let end = start;
      for (let f = 0; f < 4; f++) end = this.records.indexOf(fieldEnd, end) + 1;
      c.recordStarts[i] = records.copyFrom(this.records, start, end - start);
    }
    this.records = records;
    this.garbageBytes = 0;
  }
}
