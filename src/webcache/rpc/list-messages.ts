// Owns the `listMessages` method: one page of a folder in the requested order, with snippets.
// Must not send IMAP commands for a warm folder whose page snippets are known.
import type { FolderInfo, MessageSummary, Params, Result } from '../../protocol/index.js';
import { decodeAddresses, flagBits, type FolderIndex } from '../index/folder-index.js';
import { fetchSnippets } from '../sync/snippets.js';
import type { RpcContext } from './context.js';

export function summaryAt(index: FolderIndex, slot: number): MessageSummary {
  const flags = index.flagsAt(slot);
  const fromAddress = index.fromAddressAt(slot);
  const fromName = index.fromNameAt(slot);
  return {
    uid: index.uidAt(slot),
    from: fromAddress === '' && fromName === '' ? [] : [{ name: fromName, address: fromAddress }],
    to: decodeAddresses(index.toAt(slot)),
    subject: index.subjectAt(slot),
    snippet: index.snippetAt(slot),
    date: new Date(index.dateAt(slot)).toISOString(),
    size: index.sizeAt(slot),
    isUnread: (flags & flagBits.seen) === 0,
    isFlagged: (flags & flagBits.flagged) !== 0,
    isAnswered: (flags & flagBits.answered) !== 0,
    isDraft: (flags & flagBits.draft) !== 0,
    hasAttachments: (flags & flagBits.hasAttachments) !== 0,
  };
}

export function folderInfoOf(
  listed: FolderInfo | undefined,
  path: string,
  total: number,
  unread: number,
) {
  const folder: FolderInfo = {
    path,
    displayParts: listed?.displayParts ?? [path],
    name: listed?.name ?? path,
    depth: listed?.depth ?? 0,
    specialUse: listed?.specialUse ?? null,
    selectable: true,
    subscribed: listed?.subscribed ?? false,
    total,
    unread,
  };
  return folder;
}

export function listMessages(ctx: RpcContext) {
  return async (params: Params<'listMessages'>): Promise<Result<'listMessages'>> => {
    const session = ctx.registry.get(params.session);
    if (params.sort === 'date' && params.order === 'desc' && params.page === 1) {
      // A big folder seen for the first time: its first page comes before its index.
      const early = await session.coldFirstPage(params.folder, params.pageSize);
      if (early !== null) {
        const listed = session.folderInfo(params.folder) ?? undefined;
        const unread = listed?.unread ?? 0;
        return {
          folder: folderInfoOf(listed, params.folder, early.total, unread),
          total: early.total,
          unread,
          page: 1,
          pageCount: Math.max(1, Math.ceil(early.total / params.pageSize)),
          messages: early.slots.map((s) => summaryAt(early.index, s)),
        };
      }
    }
    return session.inFolder('listMessages', params.folder, async (client, cache) => {
      const { index, sort } = cache;
      const total = index.count;
      const pageCount = Math.max(1, Math.ceil(total / params.pageSize));
      const page = Math.min(params.page, pageCount);
      const slots = sort.page(
        params.sort,
        params.order,
        (page - 1) * params.pageSize,
        params.pageSize,
      );
      // UIDs, not slots: an EXPUNGE during the snippet FETCH shifts slots.
      const uids = slots.map((s) => index.uidAt(s));
      const missing = slots.filter((s) => !index.hasSnippetAt(s)).map((s) => index.uidAt(s));
      if (missing.length > 0) {
        await fetchSnippets(client, index, missing);
        session.indexChanged(params.folder);
      }
      const listed = (await session.folderListWith(client)).find((f) => f.path === params.folder);
      const unread = index.unreadCount();
      const folder = folderInfoOf(listed, params.folder, total, unread);
      const messages = uids
        .map((uid) => index.slotOf(uid))
        .filter((s) => s >= 0)
        .map((s) => summaryAt(index, s));
      return { value: { folder, total, unread, page, pageCount, messages } };
    });
  };
}
