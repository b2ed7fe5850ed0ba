// Owns message order: sort keys (date, sender, base subject, size), ties by UID, and the cache
// of sorted permutations per folder index. Must not fetch anything: it orders what is indexed.
import { sortField, type SortField, type SortOrder } from '../../protocol/index.js';
import type { FolderIndex } from './folder-index.js';

/** Case-insensitive, accent-aware comparison; a fixed locale so the order never depends on
 *  the host's environment. */
export const sortCollator = new Intl.Collator('en', { sensitivity: 'accent', numeric: false });

/** Reply/forward prefixes removed before comparing subjects ("Re:", "Fwd:", "AW:", "Re[2]:"). */
const subjectPrefixPattern = /^\s*(?:(?:re|fwd?|aw|wg)(?:\[\d+\])?\s*:\s*)+/i;

/** The subject without its reply/forward prefixes, for sorting and threading. */
export function baseSubject(subject: string): string {
  return subject.replace(subjectPrefixPattern, '').trim();
}

/** Sender as sorted: display name, else address. */
export function senderSortKey(name: string, address: string): string {
  return name.trim() !== '' ? name.trim() : address;
}

/** Low bits of a packed sort key that hold the slot: folders up to 4,194,304 messages. */
const packedSlotBits = 22;
/** Keys below this (ms since 1970 up to the year 2109; sizes) pack exactly beside the slot. */
const packedKeyLimit = 2 ** (64 - packedSlotBits);
const packedSlotMask = 2 ** packedSlotBits - 1;
/** The key's bits that fall into the low 32-bit word. */
const keyBitsInLowWord = 32 - packedSlotBits;
const isLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Slots ordered by a numeric key, ties by slot (= by UID: slots are in ascending UID order), as
 * one native sort of 64-bit `key << 22 | slot` words: no comparator call per step, ~10x faster
 * than the closure sort on 100,000 messages. Null when a key does not pack (negative, fractional,
 * too large) or the folder is too big: the caller sorts with the comparator, same order.
 */
export function packedAscending(n: number, keyAt: (slot: number) => number): Uint32Array | null {
  if (!isLittleEndian || n > packedSlotMask + 1) return null;
  const words = new Uint32Array(n * 2);
  const lowSpan = 2 ** keyBitsInLowWord;
  for (let slot = 0; slot < n; slot++) {
    const key = keyAt(slot);
    if (!(key >= 0 && key < packedKeyLimit && Number.isInteger(key))) return null;
    const high = Math.floor(key / lowSpan);
    words[2 * slot] = (key - high * lowSpan) * 2 ** packedSlotBits + slot;
    words[2 * slot + 1] = high;
  }
  new BigUint64Array(words.buffer).sort();
  const slots = new Uint32Array(n);
  for (let i = 0; i < n; i++) slots[i] = (words[2 * i] ?? 0) & packedSlotMask;
  return slots;
}

/**
 * Each slot's text key as a rank: the distinct keys are sorted once with the collator (far fewer
 * than messages: senders repeat, so do subjects), and keys the collator calls equal share a rank,
 * so ties still fall to the UID. Turns a text sort into a numeric one for packedAscending.
 */
export function collationRanks(n: number, keyAt: (slot: number) => string): Uint32Array {
  const idOf = new Map<string, number>();
  const ids = new Uint32Array(n);
  for (let slot = 0; slot < n; slot++) {
    const key = keyAt(slot);
    let id = idOf.get(key);
    if (id === undefined) {
      id = idOf.size;
      idOf.set(key, id);
    }
    ids[slot] = id;
  }
  const distinct = [...idOf.keys()];
  const byText = Uint32Array.from(distinct, (_, i) => i).sort((a, b) =>
    sortCollator.compare(distinct[a] ?? '', distinct[b] ?? ''),
  );
  const rankOfId = new Uint32Array(distinct.length);
  let rank = 0;
  for (let i = 0; i < byText.length; i++) {
    const id = byText[i] ?? 0;
    const previous = byText[i - 1];
    if (
      previous !== undefined &&
      sortCollator.compare(distinct[previous] ?? '', distinct[id] ?? '') !== 0
    ) {
      rank++;
    }
    rankOfId[id] = rank;
  }
  for (let slot = 0; slot < n; slot++) ids[slot] = rankOfId[ids[slot] ?? 0] ?? 0;
  return ids;
}

function ascendingPermutation(index: FolderIndex, sort: SortField): Uint32Array {
  const n = index.count;
  if (sort === 'date' || sort === 'size') {
    const keyAt =
      sort === 'date' ? (slot: number) => index.dateAt(slot) : (slot: number) => index.sizeAt(slot);
    const packed = packedAscending(n, keyAt);
    if (packed !== null) return packed;
  } else {
    // Sender and subject: rank the distinct texts, then one numeric sort (a collator call per
    // comparison of 100,000 messages blocks the webcache for a second).
    const ranks = collationRanks(n, (i) =>
      sort === 'from'
        ? senderSortKey(index.fromNameAt(i), index.fromAddressAt(i))
        : baseSubject(index.subjectAt(i)),
    );
    const packed = packedAscending(n, (slot) => ranks[slot] ?? 0);
    if (packed !== null) return packed;
  }
  const slots = new Uint32Array(n);
  for (let i = 0; i < n; i++) slots[i] = i;
  const byUid = (a: number, b: number): number => index.uidAt(a) - index.uidAt(b);
  let compare: (a: number, b: number) => number;
  switch (sort) {
    case 'date':
      compare = (a, b) => index.dateAt(a) - index.dateAt(b) || byUid(a, b);
      break;
    case 'size':
      compare = (a, b) => index.sizeAt(a) - index.sizeAt(b) || byUid(a, b);
      break;
    case 'from': {
      const keys = Array.from({ length: n }, (_, i) =>
        senderSortKey(index.fromNameAt(i), index.fromAddressAt(i)),
      );
      compare = (a, b) => sortCollator.compare(keys[a] ?? '', keys[b] ?? '') || byUid(a, b);
      break;
    }
    case 'subject': {
      const keys = Array.from({ length: n }, (_, i) => baseSubject(index.subjectAt(i)));
      compare = (a, b) => sortCollator.compare(keys[a] ?? '', keys[b] ?? '') || byUid(a, b);
      break;
    }
  }
  return slots.sort(compare);
}

interface CachedOrder {
  version: number;
  /** Slots in ascending order; descending reads it backwards. */
  slots: Uint32Array;
  /** position of each slot in `slots`, built on first neighbour lookup. */
  positions: Uint32Array | null;
}

/** Sorted permutations of one index, rebuilt only after messages were added or removed. */
export class SortCache {
  private readonly orders = new Map<SortField, CachedOrder>();

  constructor(private readonly index: FolderIndex) {}

  private order(sort: SortField): CachedOrder {
    const cached = this.orders.get(sort);
    if (cached && cached.version === this.index.version) return cached;
    const fresh = {
      version: this.index.version,
      slots: ascendingPermutation(this.index, sort),
      positions: null,
    };
    this.orders.set(sort, fresh);
    return fresh;
  }

  /**
   * Builds, in the background, every order not yet built for the index as it is now: one per
   * macrotask, so a first click on another column costs what a revisit costs instead of a sort
   * of the whole folder while other users wait (3 more Uint32 per message).
   */
  warmInBackground(): void {
    const step = (): void => {
      const missing = sortField.options.find(
        (f) => this.orders.get(f)?.version !== this.index.version,
      );
      if (missing === undefined) return;
      this.order(missing);
      setImmediate(step);
    };
    setImmediate(step);
  }

  /** Slots of positions [start, start+length) in the requested order. */
  page(sort: SortField, order: SortOrder, start: number, length: number): number[] {
    const { slots } = this.order(sort);
    const n = slots.length;
    const out: number[] = [];
    for (let p = start; p < Math.min(n, start + length); p++) {
      out.push((order === 'asc' ? slots[p] : slots[n - 1 - p]) ?? 0);
    }
    return out;
  }

  /** UIDs before and after `uid` in the requested order. */
  neighbours(
    sort: SortField,
    order: SortOrder,
    uid: number,
  ): { prevUid: number | null; nextUid: number | null } {
    const slot = this.index.slotOf(uid);
    if (slot < 0) return { prevUid: null, nextUid: null };
    const cached = this.order(sort);
    if (cached.positions === null) {
      cached.positions = new Uint32Array(cached.slots.length);
      cached.slots.forEach((s, p) => {
        if (cached.positions) cached.positions[s] = p;
      });
    }
    const n = cached.slots.length;
    const asc = cached.positions[slot] ?? 0;
    const position = order === 'asc' ? asc : n - 1 - asc;
    const uidAtPosition = (p: number): number | null => {
      if (p < 0 || p >= n) return null;
      const s = order === 'asc' ? cached.slots[p] : cached.slots[n - 1 - p];
      return s === undefined ? null : this.index.uidAt(s);
    };
    return { prevUid: uidAtPosition(position - 1), nextUid: uidAtPosition(position + 1) };
  }
}
