// Owns how the operations tools reach the webcache: the RPC endpoint of a config, over protocol/
// only. Must not import webcache/: the tools must work exactly when the webcache is stuck.
import type { AlphaMailConfig } from '../config/index.js';
import { createWebcacheClient, type RpcEndpoint, type WebcacheClient } from '../protocol/index.js';

export function webcacheEndpointOf(config: AlphaMailConfig): RpcEndpoint {
  const w = config.webcache;
  return w.kind === 'unix'
    ? { kind: 'unix', socketPath: w.socketPath }
    : { kind: 'tcp', host: w.host, port: w.port, secret: w.secret };
}

export function webcacheClientOf(config: AlphaMailConfig): WebcacheClient {
  return createWebcacheClient(webcacheEndpointOf(config));
}
