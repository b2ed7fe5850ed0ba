// Owns the `logout` method: closes the session's IMAP connection (indexes are saved first).
// Must not fail for a session that is already gone.
import type { Params, Result } from '../../protocol/index.js';
import type { RpcContext } from './context.js';

export function logout(ctx: RpcContext) {
  return async (params: Params<'logout'>): Promise<Result<'logout'>> => ({
    wasOpen: await ctx.registry.logout(params.session),
  });
}
