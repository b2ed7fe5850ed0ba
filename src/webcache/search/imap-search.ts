// Owns asking the IMAP server which messages of the selected folder match: criteria → UID SEARCH
// (ESEARCH RETURN (ALL) where offered), the answer intersected with the folder's index.
// Must not select folders or sort: the session selects, results.ts orders.
import type { ImapFlow, SearchObject } from 'imapflow';
import { AlphaMailError } from '../../base/index.js';
import type { SearchCriteria } from '../../protocol/index.js';
import { flagBits, type FolderIndex } from '../index/folder-index.js';

/**
 * The criteria as imapflow search keys. Dates use SENTSINCE/SENTBEFORE: the index shows the Date
 * header's date, so a search by day must agree with what the user sees, not with the arrival
 * time (SINCE/BEFORE, whose imapflow form even becomes a WITHIN interval on Dovecot). A
 * non-ASCII term is sent by imapflow as a literal under CHARSET UTF-8 (RFC 3501 §6.4.4).
 * "Has attachment" is not sent: no IMAP key says it, and a Content-Type multipart/mixed header
 * test is wrong both ways (inline images in mixed, attachments in other multiparts), so the
 * index's hasAttachments bit, taken from BODYSTRUCTURE like the reader's list, filters instead.
 */
export function imapSearchQuery(criteria: SearchCriteria): SearchObject {
  const query: SearchObject = {};
  if (criteria.from !== '') query.from = criteria.from;
  if (criteria.to !== '') query.to = criteria.to;
  if (criteria.subject !== '') query.subject = criteria.subject;
  if (criteria.body !== '') query.body = criteria.body;
  if (criteria.text !== '') query.text = criteria.text;
  if (criteria.since !== null) query.sentSince = new Date(`${criteria.since}T00:00:00Z`);
  if (criteria.before !== null) query.sentBefore = new Date(`${criteria.before}T00:00:00Z`);
  if (criteria.unread) query.seen = false;
  if (criteria.flagged) query.flagged = true;
  return query;
}

/** First slot whose UID is ≥ `uid` (count when none). */
function lowerBound(index: FolderIndex, uid: number): number {
  let lo = 0;
  let hi = index.count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (index.uidAt(mid) < uid) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Slots of the indexed messages a server sequence set names ("1:5,9"). Walks the index, not the
 * ranges: a hostile or sparse "1:4294967295" costs what the index holds, nothing more. A UID
 * the index does not hold (arrived after the last sync) is left out: it has nothing to show.
 */
export function slotsInSequenceSet(index: FolderIndex, set: string): number[] {
  const slots = new Set<number>();
  for (const part of set.split(',')) {
    const match = /^\s*(\d+)(?::(\d+|\*))?\s*$/.exec(part);
    if (!match) continue;
    const first = Number(match[1]);
    // '*' in a UID set means the highest UID in use (RFC 3501 §9).
    const second =
      match[2] === undefined ? first : match[2] === '*' ? index.maxUid : Number(match[2]);
    const [low, high] = first <= second ? [first, second] : [second, first];
    for (let slot = lowerBound(index, low); slot < index.count; slot++) {
      if (index.uidAt(slot) > high) break;
      slots.add(slot);
    }
  }
  return [...slots].sort((a, b) => a - b);
}

/** Runs the search in the selected folder; returns the matching slots of `index`, ascending. */
export async function searchSelected(
  client: ImapFlow,
  index: FolderIndex,
  criteria: SearchCriteria,
): Promise<number[]> {
  const query = imapSearchQuery(criteria);
  let slots: number[];
  if (client.capabilities.has('ESEARCH')) {
    // RFC 4731: one compact set ("1:40,52") instead of every UID spelled out.
    const found = await client.search(query, { uid: true, returnOptions: ['ALL'] });
    if (found === false || found === undefined) throw refused();
    if (Array.isArray(found)) slots = slotsOfUids(index, found);
    else slots = found.all === undefined ? [] : slotsInSequenceSet(index, found.all);
  } else {
    const found = await client.search(query, { uid: true });
    if (!Array.isArray(found)) throw refused();
    slots = slotsOfUids(index, found);
  }
  if (!criteria.hasAttachment) return slots;
  return slots.filter((slot) => (index.flagsAt(slot) & flagBits.hasAttachments) !== 0);
}

function slotsOfUids(index: FolderIndex, uids: readonly number[]): number[] {
  const slots = uids.map((uid) => index.slotOf(uid)).filter((slot) => slot >= 0);
  return [...new Set(slots)].sort((a, b) => a - b);
}

function refused(): AlphaMailError {
  // imapflow logged the tagged NO/BAD; it is a server reply, so it stays out of the page.
  return new AlphaMailError('AM_IMAP_ERROR', 'the IMAP server refused the search');
}
