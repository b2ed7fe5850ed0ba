// Public entry of web/: the Fastify web tier (server-rendered pages that work without
// JavaScript). Must not import webcache/, viewers/ or shares/: it reaches mail through protocol/.
import type { Logger } from '../base/index.js';
import type { AlphaMailConfig } from '../config/index.js';
import type { WebcacheClient } from '../protocol/index.js';
import { buildWebApp } from './app.js';
import { createWebMetrics, startMetricsListener } from './metrics.js';
import { createWebcacheClient } from '../protocol/index.js';

export { buildWebApp, sessionFileName, type WebOptions } from './app.js';

export interface RunningWeb {
  readonly url: string;
  close(): Promise<void>;
}

/** Builds the app and listens on config.webListen; close() stops listening and closes the store. */
export async function startWeb(opts: {
  config: AlphaMailConfig;
  logger: Logger;
  client?: WebcacheClient;
}): Promise<RunningWeb> {
  const metrics = createWebMetrics();
  const client = opts.client ?? createWebcacheClient(opts.config.webcache);
  const app = buildWebApp({ ...opts, client, metrics });
  const { host, port } = opts.config.webListen;
  const metricsListen = opts.config.ops.metricsListen;
  let metricsApp: Awaited<ReturnType<typeof startMetricsListener>> | null = null;
  try {
    await app.listen({ host, port });
    if (metricsListen) metricsApp = await startMetricsListener(metricsListen, metrics, client);
  } catch (err) {
    await app.close();
    throw err;
  }
  const address = app.server.address();
  const boundPort = typeof address === 'object' && address !== null ? address.port : port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${boundPort}`,
    close: async () => {
      await Promise.all([app.close(), metricsApp?.close()]);
    },
  };
}
