// Owns the `search` method: a kept result when its folders are unchanged, else a new search on
// the server; then one page in the requested order. Must not send IMAP commands for a kept result.
import type { Params, Result, SearchHit } from '../../protocol/index.js';
import { pageOfResult, type SearchResult } from '../search/result-cache.js';
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

export function search(ctx: RpcContext) {
  return async (params: SearchParams): Promise<Result<'search'>> => {
    const session = ctx.registry.get(params.session);
    const request = { scope: params.scope, folder: params.folder, criteria: params.criteria };
    const result = (await cachedSearch(session, request)) ?? (await runSearch(session, request));
    return pageReply(session, result, params);
  };
}
