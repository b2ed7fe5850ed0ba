// Owns the `sessionStats` method: what a session's cache holds, for tests and metrics.
// Must not send IMAP commands.
import type { Params, Result } from '../../protocol/index.js';
import type { RpcContext } from './context.js';

export function sessionStats(ctx: RpcContext) {
  return (params: Params<'sessionStats'>): Promise<Result<'sessionStats'>> =>
    Promise.resolve(ctx.registry.get(params.session).stats());
}
