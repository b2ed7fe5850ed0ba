// Owns the `saveDraft` method: hands it to compose/ with the caller's session.
// Must not hold IMAP or MIME logic: compose/ does.
import type { Params, Result } from '../../protocol/index.js';
import * as compose from '../compose/index.js';
import type { RpcContext } from './context.js';

export function saveDraft(ctx: RpcContext) {
  return (p: Params<'saveDraft'>): Promise<Result<'saveDraft'>> =>
    compose.saveDraft(ctx.registry.get(p.session), ctx.config, p);
}
