// Owns the `search` and `searchNeighbours` methods: a kept result when its folders are unchanged,
// else a new search on the server; then one page, or one hit's neighbours, in the requested
// order. Must not send IMAP commands for a kept result.
import type { HitRef, Params, Result, SearchHit } from '../../protocol/index.js';
import { pageOfResult, type Hit, type SearchResult } from '../search/result-cache.js';
import { cachedSearch, runSearch } from '../search/run-search.js';
import type { UserSession } from '../session/user-session.js';
import type { RpcContext } from './context.js';
import { summaryAt } from './list-messages.js';

type SearchParams = Params<'search'>;

function pageReply(
  session: UserSession,
  result: SearchResult,
  params: SearchParams,
): Promise<Result<'search'>> {
  // Through the queue: the indexes read here are not half-way through a sync.
  return session.run('searchPage', 'user', () => {
    const total = result.hits.length;
    const pageCount = Math.max(1, Math.ceil(total / params.pageSize));
    const page = Math.min(params.page, pageCount);
    const start = (page - 1) * params.pageSize;
    const hits: SearchHit[] = [];
    for (const hit of pageOfResult(
      result,
      session.folders,
      params.sort,
      params.order,
      start,
      params.pageSize,
    )) {
      const index = session.folders.get(hit.folder)?.index;
      const slot = index ? index.slotOf(hit.uid) : -1;
      // Gone since the search (only possible for a result just made): left out, not invented.
      if (index && slot >= 0) hits.push({ ...summaryAt(index, slot), folder: hit.folder });
    }
    return Promise.resolve({
      value: {
        resultId: result.id,
        scope: result.scope,
        folders: [...result.folders],
        total,
        page,
        pageCount,
        hits,
      },
    });
  });
}

/** The kept result of this search, or a new one. */
async function resultFor(
  session: UserSession,
  params: Pick<SearchParams, 'scope' | 'folder' | 'criteria'>,
): Promise<SearchResult> {
  const request = { scope: params.scope, folder: params.folder, criteria: params.criteria };
  return (await cachedSearch(session, request)) ?? (await runSearch(session, request));
}

export function search(ctx: RpcContext) {
  return async (params: SearchParams): Promise<Result<'search'>> => {
    const session = ctx.registry.get(params.session);
    return pageReply(session, await resultFor(session, params), params);
  };
}

/**
 * The hit before and after `hit` among `ordered`, skipping hits no longer in their folder's
 * index (as a results page leaves them out); position null when `hit` is not among them.
 */
export function neighboursOf(
  ordered: readonly Hit[],
  hit: HitRef,
  isPresent: (h: Hit) => boolean,
): { total: number; position: number | null; prev: HitRef | null; next: HitRef | null } {
  const shown = ordered.filter(isPresent);
  const at = shown.findIndex((h) => h.folder === hit.folder && h.uid === hit.uid);
  const ref = (h: Hit | undefined): HitRef | null =>
    h === undefined ? null : { folder: h.folder, uid: h.uid };
  return {
    total: shown.length,
    position: at < 0 ? null : at,
    prev: at < 0 ? null : ref(shown[at - 1]),
    next: at < 0 ? null : ref(shown[at + 1]),
  };
}

export function searchNeighbours(ctx: RpcContext) {
  return async (params: Params<'searchNeighbours'>): Promise<Result<'searchNeighbours'>> => {
    const session = ctx.registry.get(params.session);
    const result = await resultFor(session, params);
    // Through the queue, as pageReply: the indexes read here are not half-way through a sync.
    return session.run('searchPage', 'user', () => {
      const { folders } = session;
      const ordered = pageOfResult(
        result,
        folders,
        params.sort,
        params.order,
        0,
        result.hits.length,
      );
      const isPresent = (h: Hit): boolean =>
        (folders.get(h.folder)?.index.slotOf(h.uid) ?? -1) >= 0;
      return Promise.resolve({ value: neighboursOf(ordered, params.hit, isPresent) });
    });
  };
}
