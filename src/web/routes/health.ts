// Owns /healthz (this process answers) and /readyz (the webcache answers a ping in time).
// Must not need a session or reveal anything beyond "ok" and which check failed.
import type { FastifyInstance } from 'fastify';
import type { WebcacheClient } from '../../protocol/index.js';

/** A webcache that does not answer a ping within this is not ready (a load balancer waits). */
export const readyPingBudgetMs = 2000;

export function registerHealthRoutes(app: FastifyInstance, client: WebcacheClient): void {
  app.get('/healthz', async (_request, reply) => {
    await reply.header('cache-control', 'no-store').type('text/plain').send('ok\n');
  });
  app.get('/readyz', async (_request, reply) => {
    const isReady = await client.call('ping', {}, readyPingBudgetMs).then(
      () => true,
      () => false,
    );
    await reply
      .code(isReady ? 200 : 503)
      .header('cache-control', 'no-store')
      .type('text/plain')
      .send(isReady ? 'ok\n' : 'webcache not reachable\n');
  });
}
