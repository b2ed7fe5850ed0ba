// Owns assembling the web tier: Fastify with form bodies, the session store, plugins and the
// routes of each page family. Must not listen on a socket: index.ts's startWeb does that.
import { join } from 'node:path';
import formBody from '@fastify/formbody';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from '../base/index.js';
import type { AlphaMailConfig } from '../config/index.js';
import { createWebcacheClient, type WebcacheClient } from '../protocol/index.js';
import type { WebDeps } from './context.js';
import { registerCsrf } from './plugins/csrf.js';
import { registerErrorPages } from './plugins/errors.js';
import { registerSecurityHeaders } from './plugins/security-headers.js';
import { registerSession } from './plugins/session.js';
import { createWebMetrics, registerPageTiming, type WebMetrics } from './metrics.js';
import { LoginRateLimiter } from './rate-limit.js';
import { loadAssets, registerAssetRoutes } from './routes/assets.js';
import { registerAuthRoutes } from './routes/auth.js';
import { registerComposeRoutes } from './routes/compose.js';
import { registerDownloadRoutes } from './routes/downloads.js';
import { registerEventRoutes } from './routes/events.js';
import { registerFolderManageRoutes } from './routes/folder-manage.js';
import { registerFolderRoutes } from './routes/folders.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerMessageRoutes } from './routes/message.js';
import { registerOrganiseRoutes } from './routes/organise.js';
import { registerRemoteImageRoutes } from './routes/remote-image.js';
import { registerSearchRoutes } from './routes/search.js';
import { registerSettingsRoutes } from './routes/settings.js';
import { registerThreadRoutes } from './routes/threads.js';
import { SessionMail } from './session-mail.js';
import { openSessionStore } from './session-store.js';

/** Form posts are a few fields; anything larger is not ours (uploads will have their own). */
const maxFormBodyBytes = 64 * 1024;
/** A request that sends its headers slower than this is dropped (slowloris). */
const requestTimeoutMs = 60_000;
/** Name of the session database inside the data dir. */
export const sessionFileName = 'web.sqlite';

export interface WebOptions {
  readonly config: AlphaMailConfig;
  readonly logger: Logger;
  /** The webcache client; defaults to one for config.webcache. */
  readonly client?: WebcacheClient;
  /** For tests: a clock for sessions and the rate limiter. */
  readonly now?: () => number;
  /** Where page timings go; startWeb serves them on metrics_listen. */
  readonly metrics?: WebMetrics;
}

export function buildWebApp(options: WebOptions): FastifyInstance {
  const { config, logger } = options;
  const client = options.client ?? createWebcacheClient(config.webcache);
  const sessions = openSessionStore(join(config.dataDir, sessionFileName), {
    idleTimeoutMs: config.sessionIdleTimeoutMinutes * 60_000,
    now: options.now,
  });
  const bundle = loadAssets();
  const deps: WebDeps = {
    config,
    logger,
    client,
    sessions,
    mail: new SessionMail(client, sessions, logger),
    limiter: new LoginRateLimiter(options.now),
    isSecure: config.publicUrl.startsWith('https:'),
    assets: bundle.urls,
  };

  const app = Fastify({
    logger: false,
    bodyLimit: maxFormBodyBytes,
    requestTimeout: requestTimeoutMs,
    // X-Forwarded-For is believed only from these peers; request.ip (rate limit, logs) follows.
    trustProxy: config.ops.trustedProxies.length > 0 ? [...config.ops.trustedProxies] : false,
    return503OnClosing: true,
  });
  void app.register(formBody, { bodyLimit: maxFormBodyBytes });
  registerPageTiming(app, options.metrics ?? createWebMetrics());
  registerSecurityHeaders(app, deps);
  registerSession(app, deps);
  registerCsrf(app);
  registerErrorPages(app, deps);
  registerAssetRoutes(app, bundle);
  registerHealthRoutes(app, client);
  registerAuthRoutes(app, deps);
  registerFolderRoutes(app, deps);
  registerMessageRoutes(app, deps);
  registerThreadRoutes(app, deps);
  registerRemoteImageRoutes(app, deps);
  registerDownloadRoutes(app, deps);
  registerEventRoutes(app, deps);
  registerSettingsRoutes(app, deps);
  registerOrganiseRoutes(app, deps);
  registerFolderManageRoutes(app, deps);
  registerComposeRoutes(app, deps);
  registerSearchRoutes(app, deps);
  app.addHook('onResponse', (request, reply, done) => {
    logger.debug({ method: request.method, url: request.url, status: reply.statusCode }, 'http');
    done();
  });
  app.addHook('onClose', (_app, done) => {
    sessions.close();
    done();
  });
  return app;
}
