// Owns bringing a just-selected folder's index up to date: a full build by chunked UID FETCH,
// or a resync of a known index (CONDSTORE CHANGEDSINCE flags, new UIDs, expunged UIDs).
// Must not select folders itself or hold the session queue: the session does both.
import type { ImapFlow, MailboxObject } from 'imapflow';
import { cooperativeYielder } from '../../base/index.js';
import { flagBitsOf, indexFetchQuery, toIndexEntry } from '../imap/index-fetch.js';
import { chunks, uidSet } from '../imap/uid-set.js';
import type { FolderState, IndexEntry } from '../index/folder-index.js';
import { FolderCache } from './folder-cache.js';

/** UIDs per FETCH while building an index: a few hundred KB per reply, progress in between. */
export const indexFetchChunk = 500;

export function folderStateOf(mailbox: MailboxObject): FolderState {
  return {
    path: mailbox.path,
    uidValidity: Number(mailbox.uidValidity),
    highestModseq: mailbox.noModseq ? '' : (mailbox.highestModseq?.toString() ?? ''),
    uidNext: mailbox.uidNext,
  };
}

export async function fetchEntries(client: ImapFlow, range: string): Promise<IndexEntry[]> {
  const entries: IndexEntry[] = [];
  const yieldNow = cooperativeYielder();
  for await (const message of client.fetch(range, indexFetchQuery, { uid: true })) {
    await yieldNow();
    entries.push(toIndexEntry(message));
  }
  return entries;
}

/** Fetches and appends messages above the index's highest UID; returns the new UIDs. */
export async function fetchNewMessages(client: ImapFlow, cache: FolderCache): Promise<number[]> {
  const above = cache.index.maxUid;
  // "n:*" also answers the highest UID when nothing is above n (RFC 3501 §6.4.8): filtered.
  const entries = (await fetchEntries(client, `${above + 1}:*`)).filter((e) => e.uid > above);
  cache.index.append(entries);
  return entries.map((e) => e.uid).sort((a, b) => a - b);
}

async function buildIndex(client: ImapFlow, cache: FolderCache): Promise<void> {
  const found = await client.search({ all: true }, { uid: true });
  const uids = Array.isArray(found) ? found : [];
  for (const chunk of chunks(
    uids.sort((a, b) => a - b),
    indexFetchChunk,
  )) {
    cache.index.append(await fetchEntries(client, uidSet(chunk)));
  }
}

/**
 * `since` is the HIGHESTMODSEQ of the SELECT that last synced the index (setState below), so every
 * flag change after it comes back, whatever flags the stored copy holds: persist/save-schedule.ts
 * relies on this to save flag-only changes rarely.
 */
async function resyncFlags(client: ImapFlow, cache: FolderCache, since: string): Promise<void> {
  const useModseq = since !== '' && client.enabled.has('CONDSTORE');
  const options = useModseq ? { uid: true, changedSince: BigInt(since) } : { uid: true };
  // With QRESYNC enabled imapflow adds VANISHED: expunged UIDs come as 'expunge' events.
  for await (const message of client.fetch('1:*', { uid: true, flags: true }, options)) {
    cache.index.setFlags(message.uid, flagBitsOf(message.flags));
  }
}

async function dropExpunged(client: ImapFlow, cache: FolderCache): Promise<void> {
  const found = await client.search({ all: true }, { uid: true });
  if (!Array.isArray(found)) return;
  const present = new Set(found);
  cache.index.removeWhere((uid) => !present.has(uid));
}

/** Mail that arrived while the index was being built (EXISTS seen before we listened). */
async function catchUp(client: ImapFlow, cache: FolderCache): Promise<void> {
  const exists = client.mailbox ? client.mailbox.exists : 0;
  if (exists > cache.index.count) await fetchNewMessages(client, cache);
}

/**
 * Makes `cache` (null: none yet) match the selected mailbox. Returns the cache to keep, which is
 * a new one when there was none or UIDVALIDITY changed (RFC 3501 §2.3.1.1: all UIDs are void).
 */
export async function syncSelectedFolder(
  client: ImapFlow,
  known: FolderCache | null,
  register: (cache: FolderCache) => void,
): Promise<{ cache: FolderCache; wasRebuilt: boolean }> {
  const mailbox = client.mailbox;
  if (!mailbox) throw new Error('no mailbox selected');
  const state = folderStateOf(mailbox);
  if (known === null || known.index.state.uidValidity !== state.uidValidity) {
    // The old index's UIDs mean nothing now: drop it and its stored previews.
    known?.index.clear(state);
    const cache = FolderCache.empty(state);
    register(cache);
    await buildIndex(client, cache);
    await catchUp(client, cache);
    cache.index.setState(state);
    cache.index.trimCapacity();
    return { cache, wasRebuilt: true };
  }
  register(known);
  const before = known.index.state;
  const unchanged =
    state.highestModseq !== '' &&
    before.highestModseq === state.highestModseq &&
    before.uidNext === state.uidNext &&
    mailbox.exists === known.index.count;
  if (!unchanged) {
    await resyncFlags(client, known, before.highestModseq);
    if (state.uidNext > known.index.maxUid + 1) await fetchNewMessages(client, known);
    if (known.index.count !== (client.mailbox || mailbox).exists) await dropExpunged(client, known);
  }
  await catchUp(client, known);
  known.index.setState(state);
  return { cache: known, wasRebuilt: false };
}
