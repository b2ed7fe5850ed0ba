// Owns the IMAP side of conversations: finding Sent, bringing its index up to date for a
// threaded view, and reading the shown messages' texts in the selected folder through the
// reader cache. Must not decide grouping (thread-builder.ts) nor shape RPC replies (rpc/).
import type { ImapFlow } from 'imapflow';
import { htmlToText } from '../../mime/index.js';
import { sentFolder } from '../compose/store.js';
import { loadMessage, type LoadedMessage } from '../imap/message-view.js';
import type { UserSession } from '../session/user-session.js';
import { fetchSnippets } from '../sync/snippets.js';
import type { FolderCache } from '../sync/folder-cache.js';

/** A threaded index resyncs Sent (SELECT Sent, then the folder again) at most this often. */
export const sentRefreshMs = 60_000;
/** Newest messages of a conversation whose text is read; older ones show their preview. */
export const maxTextMessages = 20;
/** Previews fetched for one conversation view, per folder (one FETCH per 100). */
export const maxSnippetMessages = 200;
/** Characters of one message's text in a conversation reply; the message page shows all. */
export const maxTextChars = 50_000;

const syncedAt = new WeakMap<FolderCache, number>();

/** The Sent folder's path (special-use \Sent, else "Sent"), or null; no IMAP when listed. */
export function sentPathOf(session: UserSession): Promise<string | null> {
  return session.run('findSent', 'user', async (client) => ({
    value: await sentFolder(session, client),
  }));
}

/**
 * Makes Sent's index current unless it was synced lately and its listed count matches (an
 * APPEND by us raises the listed count, so our own sends are seen at once). `force` always syncs.
 */
export async function syncSent(session: UserSession, path: string, force: boolean): Promise<void> {
  if (session.isSelected(path)) return;
  const cache = session.folders.get(path);
  if (!force && cache !== undefined) {
    const isRecent = Date.now() - (syncedAt.get(cache) ?? 0) < sentRefreshMs;
    const listed = session.folderInfo(path)?.total ?? cache.index.count;
    if (isRecent && listed === cache.index.count) return;
  }
  await session.inFolder('syncSent', path, (_client, synced) => {
    markSynced(synced);
    return Promise.resolve({ value: undefined });
  });
}

export function markSynced(cache: FolderCache): void {
  syncedAt.set(cache, Date.now());
}

/** Fetches missing previews of `uids` (at most maxSnippetMessages) in the selected folder. */
export async function fillSnippets(
  session: UserSession,
  client: ImapFlow,
  cache: FolderCache,
  uids: readonly number[],
): Promise<void> {
  const missing = uids
    .filter((uid) => {
      const slot = cache.index.slotOf(uid);
      return slot >= 0 && !cache.index.hasSnippetAt(slot);
    })
    .slice(-maxSnippetMessages);
  if (missing.length === 0) return;
  await fetchSnippets(client, cache.index, missing);
  session.indexChanged(cache.index.state.path);
}

/** The shown text of `uid` in the selected folder: text/plain, else the HTML as text. */
export async function readText(
  client: ImapFlow,
  cache: FolderCache,
  uid: number,
): Promise<string | null> {
  let loaded: LoadedMessage | undefined = cache.reader.get(uid);
  if (loaded === undefined) {
    loaded = await loadMessage(client, uid);
    cache.reader.set(uid, loaded);
  }
  const text = loaded.text ?? (loaded.html !== null ? htmlToText(loaded.html) : null);
  if (text === null || text.length <= maxTextChars) return text;
  return `${text.slice(0, maxTextChars)}\n[…]`;
}
