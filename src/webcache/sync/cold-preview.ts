// Owns answering the first date-sorted page of a folder that has no index yet, before the index
// is built: UID SORT (REVERSE DATE) on the server, then FETCH of just the top entries.
// Must not register anything in the session: the caller builds the full index afterwards.
import type { ImapFlow } from 'imapflow';
import { canSortOnServer, uidsNewestFirst } from '../imap/uid-sort.js';
import { uidSet } from '../imap/uid-set.js';
import { FolderIndex } from '../index/folder-index.js';
import { SortCache } from '../index/sorting.js';
import { fetchEntries, folderStateOf } from './folder-sync.js';
import { fetchSnippets } from './snippets.js';

/** Below this many messages the full index is built at once (well under a second). */
export const coldPreviewMinMessages = 5_000;
/**
 * Entries fetched beyond the page: the page is accepted only when our own date order of the
 * fetched entries puts exactly the server's first page first, so a few spare rows let
 * messages with equal dates (ordered by UID both here and by RFC 5256) settle the same way.
 */
const previewSpareEntries = 50;

export interface ColdPreview {
  /** The fetched entries, page rows first in display order via `slots`. */
  index: FolderIndex;
  /** Slots of `index` in page order (newest first). */
  slots: number[];
  total: number;
}

/**
 * The first page (date, newest first) of the selected mailbox, or null when the server cannot
 * sort, the folder is small, or the server's order disagrees with ours (then the caller builds
 * the whole index and answers from it, as for any other page).
 */
export async function coldFirstPage(
  client: ImapFlow,
  pageSize: number,
): Promise<ColdPreview | null> {
  const mailbox = client.mailbox;
  if (!mailbox || mailbox.exists < coldPreviewMinMessages || !canSortOnServer(client)) return null;
  const sorted = await uidsNewestFirst(client);
  if (sorted.length !== mailbox.exists) return null;
  const top = sorted.slice(0, pageSize + previewSpareEntries);
  const index = new FolderIndex(folderStateOf(mailbox));
  index.append(await fetchEntries(client, uidSet(top)));
  const slots = new SortCache(index).page('date', 'desc', 0, pageSize);
  const ours = slots.map((s) => index.uidAt(s));
  const theirs = sorted.slice(0, pageSize);
  if (ours.length !== theirs.length || ours.some((uid, i) => uid !== theirs[i])) return null;
  await fetchSnippets(client, index, ours);
  return { index, slots, total: sorted.length };
}
