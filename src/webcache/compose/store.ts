// Owns the IMAP side of drafts and sent copies: finding (or creating) Drafts and Sent, APPEND
// with flags, removing a replaced draft and flagging the answered message, keeping the cached
// indexes and folder counts right. Must not build MIME (build.ts) nor talk SMTP (submit.ts).
import type { ImapFlow } from 'imapflow';
import { AlphaMailError } from '../../base/index.js';
import type { FolderInfo, SpecialUse } from '../../protocol/index.js';
import { storeFlags } from '../imap/store-flags.js';
import { flagBits } from '../index/folder-index.js';
import { fetchNewMessages } from '../sync/folder-sync.js';
import type { UserSession } from '../session/user-session.js';

/** Name given to a Drafts folder we have to create (below the domain's prefix). */
const draftsName = 'Drafts';

function byUseOrName(list: FolderInfo[], use: SpecialUse, name: string): string | null {
  const selectable = list.filter((f) => f.selectable);
  return (
    selectable.find((f) => f.specialUse === use)?.path ??
    selectable.find((f) => f.name.toLowerCase() === name.toLowerCase() && f.depth === 0)?.path ??
    null
  );
}

/** The Drafts folder: special-use \Drafts, else one named Drafts, else created. */
export async function draftsFolder(session: UserSession, client: ImapFlow): Promise<string> {
  const found = byUseOrName(await session.folderListWith(client), 'drafts', draftsName);
  if (found !== null) return found;
  const path = session.domain.prefix + draftsName;
  await client.mailboxCreate(path).catch((err: unknown) => {
    // Created meanwhile by another client: fine.
    if ((err as { serverResponseCode?: unknown }).serverResponseCode !== 'ALREADYEXISTS') throw err;
  });
  await client.mailboxSubscribe(path);
  const list = await session.reloadFolders(client);
  if (!list.some((f) => f.path === path)) {
    throw new AlphaMailError('AM_NO_SPECIAL_FOLDER', 'Drafts could not be created');
  }
  return path;
}

export async function sentFolder(session: UserSession, client: ImapFlow): Promise<string | null> {
  return byUseOrName(await session.folderListWith(client), 'sent', 'Sent');
}

/**
 * APPENDs `raw` to `path` and accounts for it: the selected folder's index fetches it at once;
 * another folder's listed counts grow and its index resyncs on its next SELECT (CONDSTORE).
 */
export async function appendMessage(
  session: UserSession,
  client: ImapFlow,
  path: string,
  raw: Buffer,
  flags: string[],
): Promise<number> {
  const appended = await client.append(path, raw, flags);
  if (!appended) throw new AlphaMailError('AM_IMAP_ERROR', 'APPEND was refused by the server');
  const cache = session.folders.get(path);
  if (cache && session.isSelected(path) && client.mailbox && client.mailbox.path === path) {
    if ((await fetchNewMessages(client, cache)).length > 0) session.indexChanged(path);
  } else {
    const info = session.folderInfo(path);
    if (info) {
      info.total = (info.total ?? 0) + 1;
      if (!flags.includes('\\Seen')) info.unread = (info.unread ?? 0) + 1;
    }
  }
  // Without UIDPLUS there is no APPENDUID: find the copy by its Message-ID instead.
  if (appended.uid !== undefined) return appended.uid;
  return 0;
}

/**
 * Removes one stored message (a replaced draft) for good. With UIDPLUS only that UID is
 * expunged; without it EXPUNGE would also remove other \Deleted messages, so it runs only when
 * no other message of the folder carries \Deleted (otherwise the draft stays flagged \Deleted).
 */
export async function removeStored(
  session: UserSession,
  folder: string,
  uid: number,
): Promise<void> {
  await session.inFolder('removeDraft', folder, async (client, cache) => {
    let isAlone = client.capabilities.has('UIDPLUS');
    if (!isAlone) {
      const flagged = await client.search({ deleted: true }, { uid: true });
      isAlone = Array.isArray(flagged) && flagged.every((u) => u === uid);
    }
    // imapflow's delete is STORE +FLAGS (\Deleted) then UID EXPUNGE (UIDPLUS) or EXPUNGE.
    if (isAlone) {
      // imapflow answers a failed delete with false too (see imap/store-flags.ts).
      if (!(await client.messageDelete(String(uid), { uid: true }))) {
        throw new AlphaMailError('AM_IMAP_ERROR', 'the replaced draft was not deleted');
      }
    } else await storeFlags(client, String(uid), ['\\Deleted'], 'add');
    if (isAlone && cache.index.removeUids([uid]) > 0) session.indexChanged(folder);
    return { value: undefined };
  });
}

/** Flags the message a sent reply answers (\Answered) or forwards ($Forwarded). */
export async function flagAnswered(
  session: UserSession,
  target: { folder: string; uid: number; kind: 'answered' | 'forwarded' },
): Promise<void> {
  await session.inFolder('flagAnswered', target.folder, async (client, cache) => {
    const flag = target.kind === 'answered' ? '\\Answered' : '$Forwarded';
    await storeFlags(client, String(target.uid), [flag], 'add');
    const slot = cache.index.slotOf(target.uid);
    if (slot >= 0 && target.kind === 'answered') {
      // The index keeps \Answered as a flag bit; $Forwarded is not shown in the index.
      if (cache.index.setFlags(target.uid, cache.index.flagsAt(slot) | flagBits.answered)) {
        session.indexChanged(target.folder);
      }
    }
    return { value: undefined };
  });
}
