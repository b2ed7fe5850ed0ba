// Owns the webcache's metrics: sessions held, IMAP commands by kind, index and reader cache hits
// and misses, RPC latency per method; and the optional HTTP listener serving them.
// Must not serve anything but /metrics there, nor put a user, folder or address in a label.
import { createServer, type Server } from 'node:http';
import {
  MetricsRegistry,
  prometheusContentType,
  secondsSince,
  type Counter,
  type Histogram,
  type Logger,
} from '../base/index.js';
import type { HostPortConfig } from '../config/index.js';
import type { MethodHandlers, MethodName } from '../protocol/index.js';
import type { SessionRegistry } from './session/registry.js';

/** IMAP command words are short ASCII; anything else is counted as "other". */
const commandWordPattern = /^[A-Z][A-Z0-9-]{0,23}$/;
/** Methods that read a folder's index: an index in memory is a hit, a load or build a miss. */
const indexReadingMethods: ReadonlySet<MethodName> = new Set(['listMessages', 'getMessage']);

export interface WebcacheMetrics {
  readonly registry: MetricsRegistry;
  readonly imapCommands: Counter;
  readonly cacheLookups: Counter;
  readonly rpcSeconds: Histogram;
}

export function createWebcacheMetrics(sessions: () => number): WebcacheMetrics {
  const registry = new MetricsRegistry();
  registry.gauge('alphamail_webcache_sessions', 'IMAP sessions the webcache holds.', sessions);
  return {
    registry,
    imapCommands: registry.counter(
      'alphamail_webcache_imap_commands_total',
      'IMAP commands sent to the IMAP servers, by command.',
    ),
    cacheLookups: registry.counter(
      'alphamail_webcache_cache_lookups_total',
      'Lookups in the folder index cache and the reader cache, by result (hit or miss).',
    ),
    rpcSeconds: registry.histogram(
      'alphamail_webcache_rpc_duration_seconds',
      'Time the webcache took to answer an RPC call, by method.',
    ),
  };
}

/**
 * The kind of an IMAP command from imapflow's log line of it ("7 UID FETCH 1:* (FLAGS)" →
 * "UID FETCH"); the tag and arguments, which may name folders, are dropped. A line without a
 * tag (IDLE's DONE, an AUTHENTICATE continuation) is no command: null.
 */
export function imapCommandKind(line: string): string | null {
  const words = line.trim().split(/\s+/);
  if (words.length < 2) return null;
  const first = (words[1] ?? '').toUpperCase();
  if (!commandWordPattern.test(first)) return 'other';
  const second = (words[2] ?? '').toUpperCase();
  return first === 'UID' && commandWordPattern.test(second) ? `UID ${second}` : first;
}

function folderOf(params: unknown): { session: string; folder: string } | null {
  const p = params as { session?: unknown; folder?: unknown };
  return typeof p.session === 'string' && typeof p.folder === 'string'
    ? { session: p.session, folder: p.folder }
    : null;
}

/** Each handler timed per method; folder-reading ones also count index cache hits and misses. */
export function instrumentHandlers(
  handlers: MethodHandlers,
  metrics: WebcacheMetrics,
  sessions: SessionRegistry,
): MethodHandlers {
  const timed = (name: MethodName, handler: (params: never) => Promise<unknown>) => {
    return async (params: never): Promise<unknown> => {
      const started = process.hrtime.bigint();
      const target = indexReadingMethods.has(name) ? folderOf(params) : null;
      if (target !== null) {
        const session = sessions.find(target.session);
        if (session !== null) {
          const isHit = session.folders.has(target.folder);
          metrics.cacheLookups.inc({ cache: 'index', result: isHit ? 'hit' : 'miss' });
        }
      }
      try {
        return await handler(params);
      } finally {
        metrics.rpcSeconds.observe({ method: name }, secondsSince(started));
      }
    };
  };
  const entries = Object.entries(handlers) as [MethodName, (params: never) => Promise<unknown>][];
  // The mapped object has the same keys and signatures: the cast restores what entries() lost.
  return Object.fromEntries(
    entries.map(([name, handler]) => [name, timed(name, handler)]),
  ) as unknown as MethodHandlers;
}

/** Serves GET /metrics on `listen`; everything else is 404. */
export async function startMetricsServer(
  listen: HostPortConfig,
  metrics: WebcacheMetrics,
  logger: Logger,
): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method === 'GET' && (req.url ?? '').split('?')[0] === '/metrics') {
      res.writeHead(200, { 'content-type': prometheusContentType });
      res.end(metrics.registry.render());
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  logger.info({ host: listen.host, port: listen.port }, 'webcache metrics listening');
  return server;
}
