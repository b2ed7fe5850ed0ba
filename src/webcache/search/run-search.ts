// Owns running a search for a session: one folder or every selectable folder, each selected and
// indexed, searched on the server, hits' snippets fetched, the result kept for paging.
// Must not build RPC replies (rpc/search.ts pages the result) nor keep results across sessions.
import { AlphaMailError, withDeadline } from '../../base/index.js';
import type { SearchCriteria, SearchScope } from '../../protocol/index.js';
import type { UserSession } from '../session/user-session.js';
import type { FolderCache } from '../sync/folder-cache.js';
import { fetchSnippets } from '../sync/snippets.js';
import { searchSelected } from './imap-search.js';
import {
  SearchResultCache,
  searchResultId,
  stampOf,
  type Hit,
  type SearchResult,
} from './result-cache.js';

/**
 * One budget for a whole search, every folder of an all-folders search included; below the web's
 * RPC budget (30 s) so the user gets our timeout, not a dropped call. Folders indexed before the
 * budget ran out stay indexed, so asking again goes further.
 */
export const searchBudgetMs = 25_000;
/**
 * Hits per folder whose missing previews are fetched while the folder is selected: paging a
 * result later must not select folders again, and a person rarely pages past this.
 */
export const maxSnippetHitsPerFolder = 250;

export interface SearchRequest {
  readonly scope: SearchScope;
  readonly folder: string;
  readonly criteria: SearchCriteria;
}

/** Kept with the session object itself, so they go when the session goes. */
const resultsBySession = new WeakMap<UserSession, SearchResultCache>();

export function searchResultsOf(session: UserSession): SearchResultCache {
  let results = resultsBySession.get(session);
  if (!results) {
    results = new SearchResultCache();
    resultsBySession.set(session, results);
  }
  return results;
}

/** Searches the folder `path` (selecting and syncing it as needed); hits in ascending UID. */
async function searchFolder(
  session: UserSession,
  path: string,
  criteria: SearchCriteria,
): Promise<{ hits: Hit[]; cache: FolderCache }> {
  return session.inFolder('search', path, async (client, cache) => {
    const { index } = cache;
    await session.seen.storeNow(client);
    const slots = await searchSelected(client, index, criteria);
    const uids = slots.map((slot) => index.uidAt(slot));
    const needPreview = slots
      .filter((slot) => !index.hasSnippetAt(slot))
      .slice(-maxSnippetHitsPerFolder)
      .map((slot) => index.uidAt(slot));
    if (needPreview.length > 0) {
      await fetchSnippets(client, index, needPreview);
      session.indexChanged(path);
    }
    return { value: { hits: uids.map((uid) => ({ folder: path, uid })), cache } };
  });
}

/** The selectable folders in list order, from the session's folder list (LIST when not known). */
async function searchableFolders(session: UserSession): Promise<string[]> {
  const list = await session.run('searchFolders', 'user', async (client) => ({
    value: await session.folderListWith(client),
  }));
  return list.filter((f) => f.selectable).map((f) => f.path);
}

/** The kept result of this search when its folders are unchanged, else null. */
export async function cachedSearch(
  session: UserSession,
  request: SearchRequest,
): Promise<SearchResult | null> {
  const id = searchResultId(request.scope, request.folder, request.criteria);
  // Through the queue, though no command is sent: an index is never read half-synced.
  return session.run('searchCache', 'user', () =>
    Promise.resolve({ value: searchResultsOf(session).get(id, session.folders) }),
  );
}

/** Runs the search on the server and keeps its result. */
export async function runSearch(
  session: UserSession,
  request: SearchRequest,
): Promise<SearchResult> {
  const id = searchResultId(request.scope, request.folder, request.criteria);
  const searched = await withDeadline(searchBudgetMs, 'search', async (signal) => {
    if (request.scope === 'folder') {
      const one = await searchFolder(session, request.folder, request.criteria);
      return [{ path: request.folder, ...one }];
    }
    const paths = await searchableFolders(session);
    // The folder in view goes last, so it is the one selected (and warm) afterwards.
    const selected = session.selectedFolder;
    const order = [...paths.filter((p) => p !== selected), ...paths.filter((p) => p === selected)];
    const found = new Map<string, { hits: Hit[]; cache: FolderCache }>();
    for (const path of order) {
      if (signal.aborted) break;
      try {
        found.set(path, await searchFolder(session, path, request.criteria));
      } catch (err) {
        // Deleted or made unselectable since the list was read: nothing of it to show.
        if (err instanceof AlphaMailError && err.code === 'AM_FOLDER_NOT_FOUND') continue;
        throw err;
      }
    }
    return paths.flatMap((path) => {
      const one = found.get(path);
      return one ? [{ path, ...one }] : [];
    });
  });
  return searchResultsOf(session).set({
    id,
    scope: request.scope,
    folders: searched.map((s) => s.path),
    hits: searched.flatMap((s) => s.hits),
    stamps: new Map(searched.map((s) => [s.path, stampOf(s.cache)])),
  });
}
