// Owns the web tier's metrics (page latency per route) and its private listener for /metrics,
// /healthz and /readyz on metrics_listen. Must not serve /metrics on the public listener, nor
// put a URL's parameters (folder names, uids) in a label: routes are their patterns.
import Fastify, { type FastifyInstance } from 'fastify';
import {
  MetricsRegistry,
  prometheusContentType,
  secondsSince,
  type Histogram,
} from '../base/index.js';
import type { HostPortConfig } from '../config/index.js';
import type { WebcacheClient } from '../protocol/index.js';
import { registerHealthRoutes } from './routes/health.js';

export interface WebMetrics {
  readonly registry: MetricsRegistry;
  readonly pageSeconds: Histogram;
}

export function createWebMetrics(): WebMetrics {
  const registry = new MetricsRegistry();
  return {
    registry,
    pageSeconds: registry.histogram(
      'alphamail_web_page_duration_seconds',
      'Time the web tier took to answer a request, by route pattern, method and status class.',
    ),
  };
}

const startedAt = Symbol('startedAt');
declare module 'fastify' {
  interface FastifyRequest {
    [startedAt]?: bigint;
  }
}

/** Times every request of `app` into the page histogram. */
export function registerPageTiming(app: FastifyInstance, metrics: WebMetrics): void {
  app.addHook('onRequest', (request, _reply, done) => {
    request[startedAt] = process.hrtime.bigint();
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    const started = request[startedAt];
    if (started !== undefined) {
      // An unmatched URL has no pattern; its path would be an unbounded label.
      const route = request.is404 ? 'unmatched' : (request.routeOptions.url ?? 'unmatched');
      metrics.pageSeconds.observe(
        { route, method: request.method, status: `${Math.floor(reply.statusCode / 100)}xx` },
        secondsSince(started),
      );
    }
    done();
  });
}

/** The private listener: /metrics, /healthz and /readyz only. */
export async function startMetricsListener(
  listen: HostPortConfig,
  metrics: WebMetrics,
  client: WebcacheClient,
): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  registerHealthRoutes(app, client);
  app.get('/metrics', async (_request, reply) => {
    await reply.type(prometheusContentType).send(metrics.registry.render());
  });
  try {
    await app.listen({ host: listen.host, port: listen.port });
  } catch (err) {
    await app.close();
    throw err;
  }
  return app;
}
