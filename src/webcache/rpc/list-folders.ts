// Owns the `listFolders` method: the cached folder list (LIST with STATUS on first use).
// Must not send anything when the list is cached.
import type { Params, Result } from '../../protocol/index.js';
import type { RpcContext } from './context.js';

export function listFolders(ctx: RpcContext) {
  return async (params: Params<'listFolders'>): Promise<Result<'listFolders'>> => {
    const session = ctx.registry.get(params.session);
    // A cached list needs no IMAP, so it need not queue behind a long operation either.
    const folders =
      session.cachedFolderList() ??
      (await session.run('listFolders', 'user', async (client) => ({
        value: await session.folderListWith(client),
      })));
    return { folders: folders.map((f) => ({ ...f })), separator: session.domain.separator };
  };
}
