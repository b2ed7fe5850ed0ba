// Public entry of webcache/: starts the daemon (RPC server on the configured endpoint, session
// table, index store) and closes it all again. Must not be imported by web/ (protocol/ only).
import { chmodSync, existsSync, lstatSync, unlinkSync } from 'node:fs';
import type { Server } from 'node:http';
import { AlphaMailError, type Logger } from '../base/index.js';
import type { AlphaMailConfig } from '../config/index.js';
import { createRpcServer, type RpcEndpoint } from '../protocol/index.js';
import { IndexStore } from './persist/index-store.js';
import { buildHandlers } from './rpc/handlers.js';
import { SessionRegistry } from './session/registry.js';
import { createWebcacheMetrics, instrumentHandlers, startMetricsServer } from './metrics.js';

export { IndexStore } from './persist/index-store.js';

/** Socket permissions: the web tier's group may connect, nobody else. */
const socketMode = 0o660;

export interface Webcache {
  close(): Promise<void>;
}

/** A socket file left by a crashed webcache is removed; anything else there is an error. */
function removeStaleSocket(path: string): void {
  if (!existsSync(path)) return;
  if (!lstatSync(path).isSocket()) {
    throw new AlphaMailError('AM_CONFIG_SYNTAX', `${path} exists and is not a socket`);
  }
  unlinkSync(path);
}

function listen(server: Server, endpoint: RpcEndpoint): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    const ready = (): void => {
      server.off('error', reject);
      resolve();
    };
    if (endpoint.kind === 'unix') server.listen(endpoint.socketPath, ready);
    else server.listen(endpoint.port, endpoint.host, ready);
  });
}

export async function startWebcache(opts: {
  config: AlphaMailConfig;
  logger: Logger;
}): Promise<Webcache> {
  const { config, logger } = opts;
  // The config's endpoint has the protocol's RpcEndpoint shape.
  const endpoint: RpcEndpoint = config.webcache;
  const store = IndexStore.open(config.dataDir, logger);
  let sessionCount = (): number => 0;
  const metrics = createWebcacheMetrics(() => sessionCount());
  const registry = new SessionRegistry(config, store, logger, (kind) =>
    metrics.imapCommands.inc({ command: kind }),
  );
  sessionCount = () => registry.size;
  const built = buildHandlers({ config, registry, startedAtMs: Date.now(), logger, metrics });
  const server = createRpcServer({
    endpoint,
    ...built,
    handlers: instrumentHandlers(built.handlers, metrics, registry),
    logger,
  });
  let metricsServer: Server | null = null;
  try {
    if (endpoint.kind === 'unix') removeStaleSocket(endpoint.socketPath);
    await listen(server, endpoint);
    if (endpoint.kind === 'unix') chmodSync(endpoint.socketPath, socketMode);
    const metricsListen = config.ops.webcacheMetricsListen;
    if (metricsListen) metricsServer = await startMetricsServer(metricsListen, metrics, logger);
  } catch (err) {
    server.close();
    store.close();
    throw err;
  }

  let closing: Promise<void> | null = null;
  return {
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        metricsServer?.close();
        // Streams and event subscriptions would keep close() waiting forever.
        server.closeAllConnections();
        await registry.closeAll();
        await stopped;
        store.close();
        logger.info('webcache stopped');
      })();
      return closing;
    },
  };
}
