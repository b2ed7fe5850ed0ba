// Owns managing folders over IMAP: create, rename, delete, subscribe, always building paths with
// the domain's prefix and separator, then refreshing the cached folder list. Must not touch
// messages inside folders other than by deleting the folder.
import type { ImapFlow } from 'imapflow';
import { AlphaMailError, isAlphaMailError } from '../../base/index.js';
import { joinFolderPath } from '../../mailbox/index.js';
import type { FolderInfo } from '../../protocol/index.js';
import type { UserSession } from '../session/user-session.js';

function isInbox(path: string): boolean {
  return path.toUpperCase() === 'INBOX';
}

/** The full path of a new folder `name` in `parent`; a bad name is AM_FOLDER_NAME_INVALID. */
function childPath(session: UserSession, parent: string | null, name: string): string {
  try {
    return joinFolderPath(parent, name, session.domain);
  } catch (err) {
    if (isAlphaMailError(err, 'AM_BAD_REQUEST')) {
      throw new AlphaMailError('AM_FOLDER_NAME_INVALID', err.message, { problem: err.message });
    }
    throw err;
  }
}

/** The folder `path` sits in (null: top level below the prefix), per the domain's layout. */
export function parentOf(path: string, domain: { prefix: string; separator: string }): string {
  const { prefix, separator } = domain;
  const below = prefix !== '' && path.startsWith(prefix) ? path.slice(prefix.length) : path;
  const at = below.lastIndexOf(separator);
  return at < 0 ? '' : path.slice(0, path.length - below.length + at);
}

function findFolder(list: readonly FolderInfo[], path: string): FolderInfo {
  const folder = list.find((f) => f.path === path);
  if (!folder) throw new AlphaMailError('AM_FOLDER_NOT_FOUND', 'no such folder', { folder: path });
  return folder;
}

function refuseProtected(folder: FolderInfo): void {
  // INBOX cannot go (RFC 3501 §6.3.4); special folders are where mail clients put things.
  if (isInbox(folder.path) || folder.specialUse !== null) {
    throw new AlphaMailError('AM_FOLDER_PROTECTED', 'special folder', { folder: folder.path });
  }
}

/** The folder and everything below it, deepest first. */
function subtree(session: UserSession, list: readonly FolderInfo[], path: string): FolderInfo[] {
  const below = path + session.domain.separator;
  return list
    .filter((f) => f.path === path || f.path.startsWith(below))
    .sort((a, b) => b.path.length - a.path.length);
}

/** Leaves a folder that is about to be renamed or deleted, and forgets the cached indexes. */
async function release(
  session: UserSession,
  client: ImapFlow,
  folders: readonly FolderInfo[],
): Promise<void> {
  const paths = new Set(folders.map((f) => f.path));
  if (client.mailbox && paths.has(client.mailbox.path)) await client.mailboxClose();
  for (const path of paths) session.folders.delete(path);
}

function isAlreadyExists(err: unknown): boolean {
  return (err as { serverResponseCode?: unknown } | null)?.serverResponseCode === 'ALREADYEXISTS';
}

export function createFolder(
  session: UserSession,
  input: { parent: string | null; name: string },
): Promise<{ path: string }> {
  return session.run('createFolder', 'user', async (client) => {
    const list = await session.folderListWith(client);
    if (input.parent !== null) findFolder(list, input.parent);
    const path = childPath(session, input.parent, input.name);
    if (list.some((f) => f.path === path)) {
      throw new AlphaMailError('AM_FOLDER_EXISTS', 'folder exists', { folder: path });
    }
    const created = await client.mailboxCreate(path).catch((err: unknown) => {
      if (isAlreadyExists(err)) return { created: false };
      throw err;
    });
    if (!created.created) {
      throw new AlphaMailError('AM_FOLDER_EXISTS', 'folder exists', { folder: path });
    }
    // Subscribed, so other mail clients that show only subscribed folders see it too.
    await client.mailboxSubscribe(path);
    await session.reloadFolders(client);
    return { value: { path } };
  });
}

export function renameFolder(
  session: UserSession,
  input: { folder: string; name: string },
): Promise<{ path: string }> {
  return session.run('renameFolder', 'user', async (client) => {
    const list = await session.folderListWith(client);
    const folder = findFolder(list, input.folder);
    refuseProtected(folder);
    const parent = parentOf(folder.path, session.domain);
    const path = childPath(session, parent === '' ? null : parent, input.name);
    if (path === folder.path) return { value: { path } };
    if (list.some((f) => f.path === path)) {
      throw new AlphaMailError('AM_FOLDER_EXISTS', 'folder exists', { folder: path });
    }
    const moving = subtree(session, list, folder.path);
    await release(session, client, moving);
    await client.mailboxRename(folder.path, path).catch((err: unknown) => {
      if (isAlreadyExists(err)) throw new AlphaMailError('AM_FOLDER_EXISTS', 'folder exists');
      throw err;
    });
    // RENAME does not carry subscriptions along (RFC 3501 §6.3.5 leaves it to the client).
    for (const f of moving.filter((m) => m.subscribed)) {
      const renamed = path + f.path.slice(folder.path.length);
      await client.mailboxUnsubscribe(f.path);
      await client.mailboxSubscribe(renamed);
    }
    await session.reloadFolders(client);
    return { value: { path } };
  });
}

export function deleteFolder(
  session: UserSession,
  input: { folder: string },
): Promise<{ deleted: boolean }> {
  return session.run('deleteFolder', 'user', async (client) => {
    const list = await session.folderListWith(client);
    const folder = findFolder(list, input.folder);
    refuseProtected(folder);
    const going = subtree(session, list, folder.path);
    await release(session, client, going);
    // Children first: a server may keep a parent with children as \Noselect (RFC 3501 §6.3.4).
    for (const f of going) {
      if (f.subscribed) await client.mailboxUnsubscribe(f.path);
      await client.mailboxDelete(f.path);
    }
    await session.reloadFolders(client);
    return { value: { deleted: true } };
  });
}

export function setSubscribed(
  session: UserSession,
  input: { folder: string; subscribed: boolean },
): Promise<{ subscribed: boolean }> {
  return session.run('setSubscribed', 'user', async (client) => {
    const folder = findFolder(await session.folderListWith(client), input.folder);
    const isDone = input.subscribed
      ? await client.mailboxSubscribe(folder.path)
      : await client.mailboxUnsubscribe(folder.path);
    if (!isDone) throw new AlphaMailError('AM_IMAP_ERROR', 'SUBSCRIBE refused');
    // The cached list object is the one listFolders hands out: patch it, no LIST needed.
    const cached = session.folderInfo(folder.path);
    if (cached) cached.subscribed = input.subscribed;
    return { value: { subscribed: input.subscribed } };
  });
}
