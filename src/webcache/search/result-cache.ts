// Owns the few search results a session keeps so paging and re-sorting send no IMAP command:
// the result id, a small LRU, validity against the folders' indexes, sorted orders.
// Must not talk IMAP: a result that is no longer valid is simply not returned.
import { createHash } from 'node:crypto';
import type { SearchCriteria, SearchScope, SortField, SortOrder } from '../../protocol/index.js';
import { baseSubject, senderSortKey, sortCollator } from '../index/sorting.js';
import type { FolderCache } from '../sync/folder-cache.js';

/** Searches kept per session: a person pages through one or two at a time. */
export const maxCachedSearches = 8;
/**
 * A kept result is not reused after this long. Folders other than the selected one get no live
 * updates; past this age a search is asked again rather than shown from an old index.
 */
export const searchResultTtlMs = 5 * 60_000;

/** One message found: the folder's path and the UID in it. */
export interface Hit {
  readonly folder: string;
  readonly uid: number;
}

/** What a folder's index was when it was searched; any difference voids the result. */
interface FolderStamp {
  /** A new UIDVALIDITY makes a new FolderCache: identity covers it. */
  readonly cache: FolderCache;
  /** Bumped by every add or removal. */
  readonly version: number;
  /** Of every message's flags: a read, flag or unflag changes what UNSEEN and FLAGGED match. */
  readonly flagsHash: number;
}

export interface SearchResult {
  readonly id: string;
  readonly scope: SearchScope;
  readonly folders: readonly string[];
  /** In folder-list order, then ascending UID. */
  readonly hits: readonly Hit[];
  readonly stamps: ReadonlyMap<string, FolderStamp>;
  readonly createdMs: number;
  /** Positions into `hits`, ascending by a sort key; built on first use. */
  readonly orders: Map<SortField, Uint32Array>;
}

/** The same scope, folder and criteria always get the same id (the folder counts only in scope). */
export function searchResultId(
  scope: SearchScope,
  folder: string,
  criteria: SearchCriteria,
): string {
  // Keys listed explicitly: the id must not depend on the order properties arrived in.
  const c = criteria;
  const canonical = JSON.stringify([
    scope,
    scope === 'folder' ? folder : '',
    [c.from, c.to, c.subject, c.body, c.text, c.since, c.before],
    [c.unread, c.flagged, c.hasAttachment],
  ]);
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 22);
}

/** FNV-1a over the flag bytes: cheap (one pass over a typed column), no IMAP. */
function flagsHashOf(cache: FolderCache): number {
  const { index } = cache;
  let hash = 0x811c9dc5;
  for (let slot = 0; slot < index.count; slot++) {
    hash = Math.imul(hash ^ index.flagsAt(slot), 0x01000193) >>> 0;
  }
  return hash;
}

export function stampOf(cache: FolderCache): FolderStamp {
  return { cache, version: cache.index.version, flagsHash: flagsHashOf(cache) };
}

function isCurrent(stamp: FolderStamp, now: FolderCache | undefined): boolean {
  return (
    now === stamp.cache &&
    now.index.version === stamp.version &&
    flagsHashOf(now) === stamp.flagsHash
  );
}

/** A session's kept searches, least recently used first. */
export class SearchResultCache {
  private readonly entries = new Map<string, SearchResult>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The kept result when every folder it searched is unchanged, else null (and forgotten). */
  get(id: string, folders: ReadonlyMap<string, FolderCache>): SearchResult | null {
    const entry = this.entries.get(id);
    if (!entry) return null;
    const isFresh = this.now() - entry.createdMs <= searchResultTtlMs;
    const isValid =
      isFresh && [...entry.stamps].every(([path, stamp]) => isCurrent(stamp, folders.get(path)));
    this.entries.delete(id);
    if (!isValid) return null;
    this.entries.set(id, entry);
    return entry;
  }

  set(result: Omit<SearchResult, 'createdMs' | 'orders'>): SearchResult {
    const entry: SearchResult = { ...result, createdMs: this.now(), orders: new Map() };
    this.entries.delete(entry.id);
    this.entries.set(entry.id, entry);
    while (this.entries.size > maxCachedSearches) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    return entry;
  }

  get size(): number {
    return this.entries.size;
  }
}

/**
 * One page of a result in the requested order; the keys are those of the folder index order
 * (sorting.ts), ties broken by folder-list position, then UID. `folders` must be the caches
 * the result was validated against.
 */
export function pageOfResult(
  result: SearchResult,
  folders: ReadonlyMap<string, FolderCache>,
  sort: SortField,
  order: SortOrder,
  start: number,
  length: number,
): Hit[] {
  let ascending = result.orders.get(sort);
  if (!ascending) {
    ascending = ascendingOrder(result, folders, sort);
    result.orders.set(sort, ascending);
  }
  const n = ascending.length;
  const out: Hit[] = [];
  for (let p = start; p < Math.min(n, start + length); p++) {
    const at = order === 'asc' ? ascending[p] : ascending[n - 1 - p];
    const hit = at === undefined ? undefined : result.hits[at];
    if (hit) out.push(hit);
  }
  return out;
}

function ascendingOrder(
  result: SearchResult,
  folders: ReadonlyMap<string, FolderCache>,
  sort: SortField,
): Uint32Array {
  const folderRank = new Map(result.folders.map((path, i) => [path, i]));
  const keys = result.hits.map((hit): number | string => {
    const index = folders.get(hit.folder)?.index;
    const slot = index ? index.slotOf(hit.uid) : -1;
    if (!index || slot < 0) return sort === 'date' || sort === 'size' ? 0 : '';
    switch (sort) {
      case 'date':
        return index.dateAt(slot);
      case 'size':
        return index.sizeAt(slot);
      case 'from':
        return senderSortKey(index.fromNameAt(slot), index.fromAddressAt(slot));
      case 'subject':
        return baseSubject(index.subjectAt(slot));
    }
  });
  const positions = new Uint32Array(result.hits.length);
  for (let i = 0; i < positions.length; i++) positions[i] = i;
  return positions.sort((a, b) => {
    const ka = keys[a] ?? '';
    const kb = keys[b] ?? '';
    const byKey =
      typeof ka === 'number' && typeof kb === 'number'
        ? ka - kb
        : sortCollator.compare(String(ka), String(kb));
    if (byKey !== 0) return byKey;
    const ha = result.hits[a];
    const hb = result.hits[b];
    const byFolder =
      (folderRank.get(ha?.folder ?? '') ?? 0) - (folderRank.get(hb?.folder ?? '') ?? 0);
    return byFolder || (ha?.uid ?? 0) - (hb?.uid ?? 0);
  });
}
