// Owns the `composeFrom` method: hands it to compose/ with the caller's session.
// Must not hold IMAP or MIME logic: compose/ does.
import type { Params, Result } from '../../protocol/index.js';
import * as compose from '../compose/index.js';
import type { RpcContext } from './context.js';

export function composeFrom(ctx: RpcContext) {
  return (p: Params<'composeFrom'>): Promise<Result<'composeFrom'>> =>
    compose.composeFrom(ctx.registry.get(p.session), ctx.config, p);
}
