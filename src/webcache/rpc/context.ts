// Owns what every RPC handler is given: the session table and the process start time.
// Must not hold per-request state.
import type { Logger } from '../../base/index.js';
import type { SessionRegistry } from '../session/registry.js';

export interface RpcContext {
  registry: SessionRegistry;
  startedAtMs: number;
  logger: Logger;
}
