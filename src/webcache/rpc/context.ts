// Owns what every RPC handler is given: the config, the session table and the process start time.
// Must not hold per-request state.
import type { Logger } from '../../base/index.js';
import type { AlphaMailConfig } from '../../config/index.js';
import type { WebcacheMetrics } from '../metrics.js';
import type { SessionRegistry } from '../session/registry.js';

export interface RpcContext {
  config: AlphaMailConfig;
  registry: SessionRegistry;
  startedAtMs: number;
  logger: Logger;
  metrics: WebcacheMetrics;
}
