// Owns the `listThreads` method: one page of a folder's conversations, newest activity first,
// from the folder's and Sent's indexes. Must not send IMAP for a warm folder with a fresh Sent
// and known previews.
import type { Params, Result } from '../../protocol/index.js';
import { fillSnippets, markSynced, sentPathOf, syncSent } from '../threads/conversation-io.js';
import { threadRow, threadsOf } from '../threads/folder-threads.js';
import type { RpcContext } from './context.js';
import { folderInfoOf } from './list-messages.js';

export function listThreads(ctx: RpcContext) {
  return async (params: Params<'listThreads'>): Promise<Result<'listThreads'>> => {
    const session = ctx.registry.get(params.session);
    const sentPath = await sentPathOf(session);
    if (sentPath !== null && sentPath !== params.folder) await syncSent(session, sentPath, false);
    return session.inFolder('listThreads', params.folder, async (client, cache) => {
      if (sentPath === params.folder) markSynced(cache);
      const sent = sentPath === null ? null : (session.folders.get(sentPath)?.index ?? null);
      const threads = threadsOf(cache.index, sent);
      const total = threads.order.length;
      const pageCount = Math.max(1, Math.ceil(total / params.pageSize));
      const page = Math.min(params.page, pageCount);
      const onPage = [
        ...threads.order.subarray((page - 1) * params.pageSize, page * params.pageSize),
      ];
      const missing = onPage
        .map((t) => threadRow(threads, t).snippetUid)
        .filter((uid): uid is number => uid !== null);
      await fillSnippets(session, client, cache, missing);
      const listed = (await session.folderListWith(client)).find((f) => f.path === params.folder);
      const unread = cache.index.unreadCount();
      return {
        value: {
          folder: folderInfoOf(listed, params.folder, cache.index.count, unread),
          total,
          unread,
          page,
          pageCount,
          threads: onPage.map((t) => threadRow(threads, t).row),
        },
      };
    });
  };
}
