// Owns answering the first date-sorted page of a folder that has no index yet, before the index
// is built: UID SORT (REVERSE DATE) on the server (optionally split with a helper connection),
// then FETCH of just the top entries. Must not register anything in the session: the caller
// builds the full index afterwards; must not open connections (the caller owns the helper).
import type { ImapFlow, MailboxObject } from 'imapflow';
import { canSortOnServer, uidsNewestFirst } from '../imap/uid-sort.js';
import { uidSet } from '../imap/uid-set.js';
import { FolderIndex } from '../index/folder-index.js';
import { SortCache } from '../index/sorting.js';
import { fetchEntries, folderStateOf } from './folder-sync.js';
import { fetchSnippets } from './snippets.js';

/** Below this many messages the full index is built at once (well under a second). */
export const coldPreviewMinMessages = 5_000;
/**
 * Entries fetched beyond the page from each server-sorted list: the page is accepted only when
 * our own date order of the fetched entries agrees with the server's order, so a few spare rows
 * let messages with equal dates (ordered by UID both here and by RFC 5256) settle the same way.
 */
const previewSpareEntries = 50;

export interface ColdPreview {
  /** The fetched entries, page rows first in display order via `slots`. */
  index: FolderIndex;
  /** Slots of `index` in page order (newest first). */
  slots: number[];
  total: number;
}

/** One server-sorted part of the folder, with the mailbox state it was sorted in. */
export interface SortedPart {
  /** UIDs newest first. */
  uids: number[];
  exists: number;
  uidNext: number;
  uidValidity: bigint;
}

/** Messages 1..upTo (by sequence number) sorted elsewhere: on a helper connection. */
export interface LowerPart {
  upTo: number;
  /** Null when the helper failed; never rejects. */
  part: Promise<SortedPart | null>;
}

/**
 * The first page (date, newest first) of the selected mailbox, or null when the server cannot
 * sort, the folder is small, or the server's order disagrees with ours (then the caller builds
 * the whole index and answers from it, as for any other page). With `lower`, this connection
 * sorts only the messages above `lower.upTo` while the helper sorts the rest in parallel
 * (Dovecot sorts single-threaded per connection and reads every message's Date header on a
 * folder it has not sorted before); when the parts cannot be trusted it sorts ALL as before.
 */
export async function coldFirstPage(
  client: ImapFlow,
  pageSize: number,
  lower: LowerPart | null = null,
): Promise<ColdPreview | null> {
  const mailbox = client.mailbox;
  if (!mailbox || mailbox.exists < coldPreviewMinMessages || !canSortOnServer(client)) return null;
  if (lower !== null && lower.upTo > 0 && lower.upTo < mailbox.exists) {
    const before = { exists: mailbox.exists, uidNext: mailbox.uidNext };
    const upper = await uidsNewestFirst(client, { from: lower.upTo + 1, to: '*' });
    const helper = await lower.part;
    const now = client.mailbox;
    const isSameState =
      now !== false && now.exists === before.exists && now.uidNext === before.uidNext;
    if (
      helper !== null &&
      isSameState &&
      partsCoverMailbox(helper, upper, lower.upTo, {
        ...before,
        uidValidity: mailbox.uidValidity,
      })
    ) {
      const preview = await previewFromLists(client, mailbox, pageSize, [helper.uids, upper]);
      if (preview !== null) return preview;
    }
  }
  const sorted = await uidsNewestFirst(client);
  if (sorted.length !== mailbox.exists) return null;
  return previewFromLists(client, mailbox, pageSize, [sorted]);
}

/**
 * True when the helper's messages 1..upTo and ours above it are, together, exactly the mailbox
 * we selected: same UIDVALIDITY, EXISTS and UIDNEXT in both views (so nothing arrived or left
 * between them), the counts add up, and every helper UID is below every one of ours (sequence
 * numbers follow UID order, RFC 3501 §2.3.1.2).
 */
export function partsCoverMailbox(
  helper: SortedPart,
  upper: readonly number[],
  upTo: number,
  selected: { exists: number; uidNext: number; uidValidity: bigint },
): boolean {
  if (
    helper.uidValidity !== selected.uidValidity ||
    helper.exists !== selected.exists ||
    helper.uidNext !== selected.uidNext ||
    helper.uids.length !== upTo ||
    upTo + upper.length !== selected.exists
  ) {
    return false;
  }
  let helperMax = 0;
  for (const uid of helper.uids) if (uid > helperMax) helperMax = uid;
  return upper.every((uid) => uid > helperMax);
}

/**
 * Fetches the top (page + spare) of each server-sorted list, orders them with our comparator
 * and keeps the page only if, within each list, our order is that list's own order. The global
 * top page lies within the union of each list's top page, since the lists are disjoint.
 */
async function previewFromLists(
  client: ImapFlow,
  mailbox: MailboxObject,
  pageSize: number,
  lists: readonly (readonly number[])[],
): Promise<ColdPreview | null> {
  const total = mailbox.exists;
  const tops = lists.map((list) => list.slice(0, pageSize + previewSpareEntries));
  const index = new FolderIndex(folderStateOf(mailbox));
  index.append(await fetchEntries(client, uidSet(tops.flat())));
  const slots = new SortCache(index).page('date', 'desc', 0, pageSize);
  const ours = slots.map((s) => index.uidAt(s));
  if (ours.length !== Math.min(pageSize, total)) return null;
  for (const list of lists) {
    const members = new Set(list.slice(0, pageSize + previewSpareEntries));
    const ourOrder = ours.filter((uid) => members.has(uid));
    if (ourOrder.some((uid, i) => uid !== list[i])) return null;
  }
  await fetchSnippets(client, index, ours);
  return { index, slots, total };
}
