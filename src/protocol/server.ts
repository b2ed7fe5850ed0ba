// Owns the server side of the RPC framing: routes POST /rpc/<method> and /stream/<name> to
// handlers, validates params with the same schemas as the client, writes {code,message} errors.
// Must not know what a handler does: the webcache supplies them (one module per method).
import http from 'node:http';
import { z } from 'zod';
import { timingSafeEqual } from 'node:crypto';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AlphaMailError, type Logger } from '../base/index.js';
import {
  methods,
  streams,
  sessionKey,
  type MethodName,
  type Params,
  type Result,
  type StreamMeta,
  type StreamName,
  type StreamParams,
  type UploadMeta,
  type UploadResult,
  uploadMeta,
  uploadResult,
} from './schemas.js';
import {
  eventsPath,
  rpcPathPrefix,
  secretHeader,
  streamMetaHeader,
  streamPathPrefix,
  toWireError,
  uploadPath,
  type RpcEndpoint,
} from './wire.js';

/** Request bodies are small JSON objects; anything bigger is refused before parsing. */
export const maxRequestBytes = 1024 * 1024;

/** One handler per method: the compiler proves none is missing. */
export type MethodHandlers = { [M in MethodName]: (params: Params<M>) => Promise<Result<M>> };
export type StreamHandlers = {
  [S in StreamName]: (params: StreamParams<S>) => Promise<{ meta: StreamMeta; body: Readable }>;
};
/** Called for GET-like event subscriptions; writes SSE lines until `signal` aborts. */
export type EventsHandler = (
  session: string,
  send: (event: string, data: unknown) => void,
  signal: AbortSignal,
) => Promise<void>;

/**
 * Receives an upload's raw bytes (POST /upload). The handler consumes `body` and enforces the size
 * limit itself; the framing imposes none so big attachments stream straight to the spool.
 */
export type UploadHandler = (meta: UploadMeta, body: Readable) => Promise<UploadResult>;

export interface RpcServerOptions {
  endpoint: RpcEndpoint;
  handlers: MethodHandlers;
  streamHandlers: StreamHandlers;
  events: EventsHandler;
  upload: UploadHandler;
  logger: Logger;
}

/** Reads a whole JSON request with plain 'data' listeners: this runs for every RPC. */
function readBody(req: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxRequestBytes) {
        req.off('data', onData);
        reject(new AlphaMailError('AM_BAD_REQUEST', 'request too large'));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('error', reject);
    req.once('end', () => {
      const whole = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
      try {
        resolve(JSON.parse(whole?.toString('utf8') ?? '') as unknown);
      } catch {
        reject(new AlphaMailError('AM_BAD_REQUEST', 'request body is not JSON'));
      }
    });
  });
}

function parseMetaHeader(raw: string | string[] | undefined): unknown {
  if (typeof raw !== 'string') return null;
  try {
    return JSON.parse(decodeURIComponent(raw)) as unknown;
  } catch {
    throw new AlphaMailError('AM_BAD_REQUEST', 'upload metadata is not JSON');
  }
}

function sendError(res: http.ServerResponse, err: unknown): void {
  const wire = toWireError(err);
  const status = err instanceof AlphaMailError ? err.status : 500;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(wire));
}

function isAuthorised(endpoint: RpcEndpoint, req: http.IncomingMessage): boolean {
  if (endpoint.kind === 'unix') return true;
  const given = req.headers[secretHeader];
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(endpoint.secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

function parseParams(schema: z.ZodType, body: unknown): unknown {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new AlphaMailError('AM_BAD_REQUEST', 'invalid parameters', {
      issues: parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`),
    });
  }
  return parsed.data;
}

export function createRpcServer(options: RpcServerOptions): http.Server {
  const { endpoint, handlers, streamHandlers, events, upload, logger } = options;

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (req.method !== 'POST') throw new AlphaMailError('AM_NOT_FOUND', 'POST only');
    if (!isAuthorised(endpoint, req)) throw new AlphaMailError('AM_AUTH_REQUIRED', 'bad secret');
    const url = req.url ?? '';

    if (url === uploadPath) {
      const raw = req.headers[streamMetaHeader];
      const meta = parseParams(uploadMeta, parseMetaHeader(raw)) as UploadMeta;
      const checked = uploadResult.parse(await upload(meta, req));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(checked));
      return;
    }

    const body = await readBody(req);

    if (url.startsWith(rpcPathPrefix)) {
      const name = url.slice(rpcPathPrefix.length);
      if (!Object.hasOwn(methods, name))
        throw new AlphaMailError('AM_NOT_FOUND', `no method ${name}`);
      const method = name as MethodName;
      const params = parseParams(methods[method].params, body);
      const handler = handlers[method] as (p: unknown) => Promise<unknown>;
      const result = await handler(params);
      // Validate our own reply too: a broken contract is caught where it is made.
      const checked = methods[method].result.parse(result);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(checked));
      return;
    }

    if (url.startsWith(streamPathPrefix)) {
      const name = url.slice(streamPathPrefix.length);
      if (!Object.hasOwn(streams, name))
        throw new AlphaMailError('AM_NOT_FOUND', `no stream ${name}`);
      const stream = name as StreamName;
      const params = parseParams(streams[stream].params, body);
      const handler = streamHandlers[stream] as (
        p: unknown,
      ) => Promise<{ meta: StreamMeta; body: Readable }>;
      const { meta, body: data } = await handler(params);
      res.writeHead(200, {
        'content-type': 'application/octet-stream',
        [streamMetaHeader]: encodeURIComponent(JSON.stringify(meta)),
      });
      await pipeline(data, res);
      return;
    }

    if (url === eventsPath) {
      const { session } = parseParams(eventsParams, body) as { session: string };
      const controller = new AbortController();
      res.on('close', () => controller.abort());
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
      res.write(': connected\n\n');
      await events(
        session,
        (event, data) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`),
        controller.signal,
      );
      res.end();
      return;
    }

    throw new AlphaMailError('AM_NOT_FOUND', 'no such path');
  }

  return http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!(err instanceof AlphaMailError) || err.code === 'AM_INTERNAL') {
        logger.error({ err, url: req.url }, 'rpc handler failed');
      }
      sendError(res, err);
    });
  });
}

const eventsParams = z.object({ session: sessionKey });
