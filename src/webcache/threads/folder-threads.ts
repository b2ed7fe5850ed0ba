// Owns the conversations of one folder joined with Sent: threaded from the two indexes on demand
// and kept while neither gains or loses a message; rows of the threaded index. Must not talk
// IMAP, and must be called inside the session's queue (indexes are not mid-sync then).
import { AlphaMailError } from '../../base/index.js';
import type { ThreadSummary } from '../../protocol/index.js';
import { flagBits, type FolderIndex } from '../index/folder-index.js';
import { buildThreads, type ThreadSet } from './thread-builder.js';
import { ThreadKeys } from './thread-keys.js';

/** Names listed per conversation row; more are summed up by the count. */
const maxParticipants = 8;

export interface FolderThreads {
  readonly folder: FolderIndex;
  readonly sent: FolderIndex | null;
  readonly folderVersion: number;
  readonly sentVersion: number;
  readonly set: ThreadSet;
  /** Sent slot of message number `folder.count + k`; Sent copies of folder messages are left out. */
  readonly sentSlots: Uint32Array;
  /** Conversations with a message in the folder, newest activity first. */
  readonly order: Uint32Array;
}

/** Where message number `n` lives. */
export interface MessageAt {
  readonly index: FolderIndex;
  readonly slot: number;
  readonly inSent: boolean;
}

const built = new WeakMap<FolderIndex, FolderThreads>();

function addAll(keys: ThreadKeys, index: FolderIndex, skipKnown: boolean, slots: number[]): void {
  for (let slot = 0; slot < index.count; slot++) {
    const ids = index.threadingAt(slot);
    // A message both in the folder and in Sent (mail to oneself) is shown once, from the folder.
    if (skipKnown && ids.messageId !== '' && keys.hasMessageId(ids.messageId)) continue;
    keys.add({ ...ids, dateMs: index.dateAt(slot) });
    slots.push(slot);
  }
}

/** The conversations of `folder` (with `sent`'s messages joined in unless it is the folder). */
export function threadsOf(folder: FolderIndex, sent: FolderIndex | null): FolderThreads {
  const other = sent === folder ? null : sent;
  const known = built.get(folder);
  if (
    known !== undefined &&
    known.sent === other &&
    known.folderVersion === folder.version &&
    known.sentVersion === (other?.version ?? 0)
  ) {
    return known;
  }
  const keys = new ThreadKeys();
  addAll(keys, folder, false, []);
  const sentSlotList: number[] = [];
  if (other !== null) addAll(keys, other, true, sentSlotList);
  const set = buildThreads(keys.packed());
  const folderCount = folder.count;
  const hasFolderMember = new Uint8Array(set.count);
  for (let n = 0; n < folderCount; n++) hasFolderMember[set.threadOf[n] ?? 0] = 1;
  const latest = (t: number): number => {
    const last = set.members[(set.starts[t + 1] ?? 1) - 1] ?? 0;
    return last < folderCount
      ? folder.dateAt(last)
      : (other?.dateAt(sentSlotList[last - folderCount] ?? 0) ?? 0);
  };
  const order = Uint32Array.from(
    Array.from({ length: set.count }, (_, t) => t).filter((t) => hasFolderMember[t] === 1),
  ).sort((a, b) => latest(b) - latest(a) || b - a);
  const result: FolderThreads = {
    folder,
    sent: other,
    folderVersion: folder.version,
    sentVersion: other?.version ?? 0,
    set,
    sentSlots: Uint32Array.from(sentSlotList),
    order,
  };
  built.set(folder, result);
  return result;
}

export function messageAt(t: FolderThreads, n: number): MessageAt {
  const folderCount = t.folder.count;
  if (n < folderCount || t.sent === null) return { index: t.folder, slot: n, inSent: false };
  return { index: t.sent, slot: t.sentSlots[n - folderCount] ?? 0, inSent: true };
}

/** The conversation of the folder's message `uid`, or -1 when the folder has no such UID. */
export function threadOfUid(t: FolderThreads, uid: number): number {
  const slot = t.folder.slotOf(uid);
  return slot < 0 ? -1 : (t.set.threadOf[slot] ?? -1);
}

/** Message numbers of conversation `thread`, oldest first. */
export function membersOf(t: FolderThreads, thread: number): number[] {
  return [...t.set.members.subarray(t.set.starts[thread] ?? 0, t.set.starts[thread + 1] ?? 0)];
}

/** One row of the threaded index, and the folder UID whose missing snippet it would show. */
export function threadRow(
  t: FolderThreads,
  thread: number,
): { row: ThreadSummary; snippetUid: number | null } {
  const members = membersOf(t, thread).map((n) => messageAt(t, n));
  const participants: string[] = [];
  const folderUids: number[] = [];
  let unread = 0;
  let newestInFolder: MessageAt | null = null;
  for (const m of members) {
    const name = m.index.fromNameAt(m.slot) || m.index.fromAddressAt(m.slot);
    if (name !== '' && !participants.includes(name) && participants.length < maxParticipants) {
      participants.push(name);
    }
    if (!m.inSent) {
      newestInFolder = m;
      folderUids.push(m.index.uidAt(m.slot));
      if ((m.index.flagsAt(m.slot) & flagBits.seen) === 0) unread++;
    }
  }
  const first = members[0];
  const last = members[members.length - 1];
  if (first === undefined || last === undefined || newestInFolder === null) {
    throw new AlphaMailError('AM_INTERNAL', 'conversation without a message in the folder');
  }
  const newestSnippet = last.index.snippetAt(last.slot);
  const folderSnippet = newestInFolder.index.snippetAt(newestInFolder.slot);
  const uid = newestInFolder.index.uidAt(newestInFolder.slot);
  return {
    row: {
      uid,
      subject: first.index.subjectAt(first.slot),
      participants,
      count: members.length,
      unread,
      snippet: newestSnippet ?? folderSnippet,
      latestDate: new Date(last.index.dateAt(last.slot)).toISOString(),
      folderUids,
    },
    snippetUid: newestSnippet === null && folderSnippet === null ? uid : null,
  };
}
