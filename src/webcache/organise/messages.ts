// Owns organising messages over IMAP: flags, copy, move, delete, junk, empty and undo, each run
// in the session's queue with the folder selected, and keeping the cached indexes and folder
// counts right at once so the next page view needs no IMAP. Must not answer RPCs (rpc/ does).
import type { CopyResponseObject, ImapFlow } from 'imapflow';
import { AlphaMailError } from '../../base/index.js';
import type { FlagChange, SpecialUse } from '../../protocol/index.js';
import { storeFlags } from '../imap/store-flags.js';
import { uidSet } from '../imap/uid-set.js';
import { flagBits, type IndexEntry } from '../index/folder-index.js';
import type { UserSession } from '../session/user-session.js';
import type { FolderCache } from '../sync/folder-cache.js';

/** What the last move or delete of a session did, so it can be moved back. */
interface UndoRecord {
  /** Where the messages were. */
  from: string;
  /** Where they are now, and their UIDs there (from COPYUID, RFC 4315 §3). */
  to: string;
  uids: number[];
  uidValidity: number;
}

/** One undo per session; a WeakMap so a closed session takes its record with it. */
const undoRecords = new WeakMap<UserSession, UndoRecord>();

export interface UndoInfo {
  folder: string;
  count: number;
}

async function specialFolder(
  session: UserSession,
  client: ImapFlow,
  use: SpecialUse,
): Promise<string | null> {
  const list = await session.folderListWith(client);
  return list.find((f) => f.specialUse === use && f.selectable)?.path ?? null;
}

async function requireFolder(session: UserSession, client: ImapFlow, path: string): Promise<void> {
  const list = await session.folderListWith(client);
  if (!list.some((f) => f.path === path && f.selectable)) {
    throw new AlphaMailError('AM_FOLDER_NOT_FOUND', 'no such destination', { folder: path });
  }
}

/** The requested UIDs the index knows, ascending; none known is AM_MESSAGE_NOT_FOUND. */
function knownUids(cache: FolderCache, uids: readonly number[]): number[] {
  const known = [...new Set(uids)].filter((uid) => cache.index.slotOf(uid) >= 0);
  if (known.length === 0) {
    throw new AlphaMailError('AM_MESSAGE_NOT_FOUND', 'none of the UIDs is in the folder');
  }
  return known.sort((a, b) => a - b);
}

function entriesOf(cache: FolderCache, uids: readonly number[]): IndexEntry[] {
  return uids.map((uid) => cache.index.entryAt(cache.index.slotOf(uid)));
}

function failed(what: string): AlphaMailError {
  // imapflow logs the server's reply and returns false; the user sees the catalogue message.
  return new AlphaMailError('AM_IMAP_ERROR', `${what} was refused by the server`);
}

/**
 * Accounts for messages that arrived in `path` by our own copy or move. When the folder's index
 * knew every UID below the new ones (its UIDNEXT is the first new UID), the entries are added
 * to it under their new UIDs, so it stays complete; otherwise only the listed counts change and
 * the next SELECT of the folder resyncs it.
 */
function addToFolder(
  session: UserSession,
  path: string,
  entries: readonly IndexEntry[],
  result: CopyResponseObject,
): void {
  const unread = entries.filter((e) => (e.flags & flagBits.seen) === 0).length;
  const cache = session.folders.get(path);
  const moved = entries
    .map((e) => ({ ...e, uid: result.uidMap?.get(e.uid) ?? 0 }))
    .filter((e) => e.uid > 0)
    .sort((a, b) => a.uid - b.uid);
  const first = moved[0]?.uid;
  const last = moved[moved.length - 1]?.uid;
  const state = cache?.index.state;
  if (
    cache &&
    state &&
    first !== undefined &&
    last !== undefined &&
    moved.length === entries.length &&
    Number(result.uidValidity ?? 0) === state.uidValidity &&
    first === state.uidNext
  ) {
    cache.index.append(moved);
    cache.index.setState({ ...state, uidNext: last + 1 });
    session.indexChanged(path);
    return;
  }
  const info = session.folderInfo(path);
  if (info) {
    info.total = (info.total ?? 0) + entries.length;
    info.unread = (info.unread ?? 0) + unread;
  }
}

/** Moves `uids` of the selected folder `from` to `to`, updating both; returns the undo record. */
async function moveSelected(
  session: UserSession,
  client: ImapFlow,
  cache: FolderCache,
  from: string,
  to: string,
  uids: number[],
): Promise<UndoRecord | null> {
  await session.seen.storeNow(client);
  const entries = entriesOf(cache, uids);
  const result = await client.messageMove(uidSet(uids), to, { uid: true });
  if (!result) throw failed('MOVE');
  // EXPUNGE/VANISHED replies already removed them through live sync; this makes it certain.
  cache.index.removeUids(uids);
  session.indexChanged(from);
  addToFolder(session, to, entries, result);
  const newUids = [...(result.uidMap?.values() ?? [])];
  if (newUids.length === 0 || result.uidValidity === undefined) return null;
  return { from, to, uids: newUids, uidValidity: Number(result.uidValidity) };
}

function remember(session: UserSession, record: UndoRecord | null): UndoInfo | null {
  if (record === null) {
    undoRecords.delete(session);
    return null;
  }
  undoRecords.set(session, record);
  return { folder: record.to, count: record.uids.length };
}

export function setFlags(
  session: UserSession,
  input: { folder: string; uids: number[]; seen: FlagChange | null; flagged: FlagChange | null },
): Promise<{ updated: number }> {
  return session.inFolder('setFlags', input.folder, async (client, cache) => {
    const uids = knownUids(cache, input.uids);
    const set = uidSet(uids);
    const changes: [string, number, FlagChange | null][] = [
      ['\\Seen', flagBits.seen, input.seen],
      ['\\Flagged', flagBits.flagged, input.flagged],
    ];
    for (const [flag, bit, change] of changes) {
      if (change === null) continue;
      await storeFlags(client, set, [flag], change);
      for (const uid of uids) {
        const before = cache.index.flagsAt(cache.index.slotOf(uid));
        cache.index.setFlags(uid, change === 'add' ? before | bit : before & ~bit);
      }
    }
    session.indexChanged(input.folder);
    return { value: { updated: uids.length } };
  });
}

export function copyMessages(
  session: UserSession,
  input: { folder: string; uids: number[]; destination: string },
): Promise<{ copied: number }> {
  return session.inFolder('copyMessages', input.folder, async (client, cache) => {
    await requireFolder(session, client, input.destination);
    const uids = knownUids(cache, input.uids);
    await session.seen.storeNow(client);
    const entries = entriesOf(cache, uids);
    const result = await client.messageCopy(uidSet(uids), input.destination, { uid: true });
    if (!result) throw failed('COPY');
    addToFolder(session, input.destination, entries, result);
    return { value: { copied: uids.length } };
  });
}

export function moveMessages(
  session: UserSession,
  input: { folder: string; uids: number[]; destination: string },
): Promise<{ moved: number; undo: UndoInfo | null }> {
  if (input.destination === input.folder) {
    return Promise.reject(new AlphaMailError('AM_BAD_REQUEST', 'moving into the same folder'));
  }
  return session.inFolder('moveMessages', input.folder, async (client, cache) => {
    await requireFolder(session, client, input.destination);
    const uids = knownUids(cache, input.uids);
    const record = await moveSelected(
      session,
      client,
      cache,
      input.folder,
      input.destination,
      uids,
    );
    return { value: { moved: uids.length, undo: remember(session, record) } };
  });
}

export function deleteMessages(
  session: UserSession,
  input: { folder: string; uids: number[]; permanent: boolean },
): Promise<{ deleted: number; isPermanent: boolean; undo: UndoInfo | null }> {
  type Deleted = { deleted: number; isPermanent: boolean; undo: UndoInfo | null };
  return session.inFolder<Deleted>('deleteMessages', input.folder, async (client, cache) => {
    const uids = knownUids(cache, input.uids);
    const trash = await specialFolder(session, client, 'trash');
    const isPermanent = input.permanent || trash === null || trash === input.folder;
    if (isPermanent && !input.permanent) {
      throw new AlphaMailError('AM_CONFIRM_REQUIRED', 'deleting here is for good');
    }
    if (!isPermanent && trash !== null) {
      const record = await moveSelected(session, client, cache, input.folder, trash, uids);
      const undo = remember(session, record);
      return { value: { deleted: uids.length, isPermanent: false, undo } };
    }
    // STORE +FLAGS (\Deleted) then UID EXPUNGE of just these (RFC 4315 §2.1) when offered.
    const isDone = await client.messageDelete(uidSet(uids), { uid: true });
    if (!isDone) throw failed('EXPUNGE');
    cache.index.removeUids(uids);
    session.indexChanged(input.folder);
    // The last delete cannot be undone, so an older move must not be undone in its place.
    undoRecords.delete(session);
    return { value: { deleted: uids.length, isPermanent: true, undo: null } };
  });
}

export function markJunk(
  session: UserSession,
  input: { folder: string; uids: number[] },
): Promise<{ moved: number; undo: UndoInfo | null }> {
  return session.inFolder('markJunk', input.folder, async (client, cache) => {
    const junk = await specialFolder(session, client, 'junk');
    if (junk === null) throw new AlphaMailError('AM_NO_SPECIAL_FOLDER', 'no Junk folder');
    if (junk === input.folder) throw new AlphaMailError('AM_BAD_REQUEST', 'already in Junk');
    const uids = knownUids(cache, input.uids);
    const record = await moveSelected(session, client, cache, input.folder, junk, uids);
    return { value: { moved: uids.length, undo: remember(session, record) } };
  });
}

export function emptyFolder(
  session: UserSession,
  input: { folder: string },
): Promise<{ deleted: number }> {
  return session.inFolder('emptyFolder', input.folder, async (client, cache) => {
    const use = session.folderInfo(input.folder)?.specialUse ?? null;
    if (use !== 'trash' && use !== 'junk') {
      throw new AlphaMailError('AM_BAD_REQUEST', 'only Trash and Junk can be emptied');
    }
    const count = cache.index.count;
    if (count === 0) return { value: { deleted: 0 } };
    const isDone = await client.messageDelete('1:*', { uid: true });
    if (!isDone) throw failed('EXPUNGE');
    cache.index.removeWhere(() => true);
    session.indexChanged(input.folder);
    const record = undoRecords.get(session);
    if (record?.to === input.folder) undoRecords.delete(session);
    return { value: { deleted: count } };
  });
}

export async function undoLast(
  session: UserSession,
): Promise<{ restored: number; folder: string }> {
  const record = undoRecords.get(session);
  if (!record) throw new AlphaMailError('AM_NOTHING_TO_UNDO', 'no move or delete to undo');
  undoRecords.delete(session);
  return session.inFolder('undo', record.to, async (client, cache) => {
    const uids = record.uids.filter((uid) => cache.index.slotOf(uid) >= 0);
    if (cache.index.state.uidValidity !== record.uidValidity || uids.length === 0) {
      throw new AlphaMailError('AM_NOTHING_TO_UNDO', 'the moved messages are gone');
    }
    await requireFolder(session, client, record.from);
    await moveSelected(
      session,
      client,
      cache,
      record.to,
      record.from,
      uids.sort((a, b) => a - b),
    );
    return { value: { restored: uids.length, folder: record.from } };
  });
}
