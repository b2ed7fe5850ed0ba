// Owns the `login` method: opens (or replaces) the session's IMAP connection.
// Must not log or keep the password outside the session object.
import type { Params, Result } from '../../protocol/index.js';
import type { RpcContext } from './context.js';

export function login(ctx: RpcContext) {
  return async (params: Params<'login'>): Promise<Result<'login'>> => {
    const session = await ctx.registry.login(
      params.session,
      params.user,
      params.domain,
      params.password,
    );
    return {
      user: session.user,
      domain: session.domain.domain,
      capabilities: session.capabilities(),
    };
  };
}
