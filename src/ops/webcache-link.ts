// Owns how the operations tools reach the webcache: the RPC endpoint of a config, over protocol/
// only. Must not import webcache/: the tools must work exactly when the webcache is stuck.
import type { AlphaMailConfig } from '../config/index.js';
import { createWebcacheClient, type WebcacheClient } from '../protocol/index.js';

export function webcacheClientOf(config: AlphaMailConfig): WebcacheClient {
  return createWebcacheClient(config.webcache);
}
