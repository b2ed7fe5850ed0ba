// Owns the `ping` method: proof of life for the web tier and the hang detector.
// Must not touch IMAP: it answers even when every IMAP server is down.
import type { Params, Result } from '../../protocol/index.js';
import type { RpcContext } from './context.js';

export function ping(ctx: RpcContext) {
  return (_params: Params<'ping'>): Promise<Result<'ping'>> =>
    Promise.resolve({
      pid: process.pid,
      uptimeMs: Date.now() - ctx.startedAtMs,
      sessions: ctx.registry.size,
    });
}
