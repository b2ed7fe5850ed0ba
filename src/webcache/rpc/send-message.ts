// Owns the `sendMessage` method: hands it to compose/ with the caller's session.
// Must not hold IMAP or MIME logic: compose/ does.
import type { Params, Result } from '../../protocol/index.js';
import * as compose from '../compose/index.js';
import type { RpcContext } from './context.js';

export function sendMessage(ctx: RpcContext) {
  return (p: Params<'sendMessage'>): Promise<Result<'sendMessage'>> =>
    compose.sendMessage(ctx.registry.get(p.session), ctx.config, p);
}
