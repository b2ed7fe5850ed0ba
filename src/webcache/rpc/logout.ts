// Owns the `logout` method: closes the session's IMAP connection (indexes are saved first) and
// removes the session's spooled uploads.
// Must not fail for a session that is already gone.
import type { Params, Result } from '../../protocol/index.js';
import { removeSessionSpool } from '../compose/index.js';
import type { RpcContext } from './context.js';

export function logout(ctx: RpcContext) {
  return async (params: Params<'logout'>): Promise<Result<'logout'>> => {
    const wasOpen = await ctx.registry.logout(params.session);
    await removeSessionSpool(ctx.config.dataDir, params.session);
    return { wasOpen };
  };
}
