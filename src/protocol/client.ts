// Owns the typed RPC client the web tier uses. Validates every reply against the schema.
// Must not retry state-changing calls on its own: the caller decides.
import http from 'node:http';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AlphaMailError } from '../base/index.js';
import {
  methods,
  streams,
  streamMeta,
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
  fromWireError,
  rpcPathPrefix,
  secretHeader,
  streamMetaHeader,
  streamPathPrefix,
  eventsPath,
  uploadPath,
  type RpcEndpoint,
} from './wire.js';

/** Budget for one RPC call, covering connect, the webcache's IMAP work and the reply. */
export const defaultCallTimeoutMs = 30_000;
/** Replies larger than this are refused: a page's worth of data is far smaller. */
export const maxReplyBytes = 64 * 1024 * 1024;

export interface WebcacheClient {
  call<M extends MethodName>(method: M, params: Params<M>, timeoutMs?: number): Promise<Result<M>>;
  openStream<S extends StreamName>(
    name: S,
    params: StreamParams<S>,
  ): Promise<{ meta: StreamMeta; body: Readable }>;
  /** Server-sent events of one session (new mail and the like), as a raw readable. */
  openEvents(session: string): Promise<Readable>;
  /** Spools an attachment's raw bytes in the webcache; the id goes into a draft's attachments. */
  upload(meta: UploadMeta, body: Readable | Buffer): Promise<UploadResult>;
}

/**
 * Connections to the webcache are kept open between calls (a page makes two or three): opening
 * one per call costs both processes a connect and an accept. Idle ones are closed after this.
 */
const idleConnectionMs = 4_000;

function requestOptions(
  endpoint: RpcEndpoint,
  agent: http.Agent,
  path: string,
): http.RequestOptions {
  const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/json' };
  if (endpoint.kind === 'unix') {
    return { socketPath: endpoint.socketPath, path, method: 'POST', headers, agent };
  }
  headers[secretHeader] = endpoint.secret;
  return { host: endpoint.host, port: endpoint.port, path, method: 'POST', headers, agent };
}

function post(
  endpoint: RpcEndpoint,
  agent: http.Agent,
  path: string,
  body: unknown,
  timeoutMs: number,
  rawHeaders?: http.OutgoingHttpHeaders,
): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const options = requestOptions(endpoint, agent, path);
    if (rawHeaders) options.headers = { ...options.headers, ...rawHeaders };
    const req = http.request(options, resolve);
    req.setTimeout(timeoutMs, () => {
      req.destroy(new AlphaMailError('AM_TIMEOUT', `webcache did not answer ${path} in time`));
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err instanceof AlphaMailError) return reject(err);
      reject(
        new AlphaMailError('AM_WEBCACHE_DOWN', `webcache unreachable: ${err.code ?? err.message}`),
      );
    });
    if (!rawHeaders) {
      req.end(JSON.stringify(body));
      return;
    }
    if (Buffer.isBuffer(body)) {
      req.end(body);
      return;
    }
    // The server may answer (e.g. "too large") before it has read everything: that reply wins.
    pipeline(body as Readable, req).catch(() => undefined);
  });
}

/**
 * Reads a whole JSON reply. Plain 'data' listeners and one concat only when the reply came in
 * pieces: this runs for every RPC, and a page makes two or three.
 */
function readJson(res: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxReplyBytes) {
        res.off('data', onData);
        res.destroy();
        reject(new AlphaMailError('AM_INTERNAL', 'webcache reply too large'));
        return;
      }
      chunks.push(chunk);
    };
    res.on('data', onData);
    res.once('error', (err) => {
      reject(
        err instanceof AlphaMailError
          ? err
          : new AlphaMailError('AM_WEBCACHE_DOWN', 'webcache reply cut off'),
      );
    });
    let ended = false;
    // A reply cut off without an error event still settles the call.
    res.once('close', () => {
      if (!ended) reject(new AlphaMailError('AM_WEBCACHE_DOWN', 'webcache reply cut off'));
    });
    res.once('end', () => {
      ended = true;
      const whole = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
      try {
        resolve(JSON.parse(whole?.toString('utf8') ?? '') as unknown);
      } catch {
        reject(new AlphaMailError('AM_INTERNAL', 'webcache reply is not JSON'));
      }
    });
  });
}

export function createWebcacheClient(endpoint: RpcEndpoint): WebcacheClient {
  // The server closes idle connections after 5 s (Node's default): we give up ours first, so
  // a call never goes out on a connection the server is closing.
  const agent = new http.Agent({ keepAlive: true, timeout: idleConnectionMs, scheduling: 'lifo' });
  return {
    async call(method, params, timeoutMs = defaultCallTimeoutMs) {
      const spec = methods[method];
      const res = await post(
        endpoint,
        agent,
        rpcPathPrefix + method,
        spec.params.parse(params),
        timeoutMs,
      );
      const body = await readJson(res);
      if (res.statusCode !== 200) throw fromWireError(body);
      const parsed = spec.result.safeParse(body);
      if (!parsed.success) {
        throw new AlphaMailError('AM_INTERNAL', `webcache reply to ${method} broke the contract`, {
          issues: parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`),
        });
      }
      return parsed.data as Result<typeof method>;
    },

    async openStream(name, params) {
      const res = await post(
        endpoint,
        agent,
        streamPathPrefix + name,
        streams[name].params.parse(params),
        defaultCallTimeoutMs,
      );
      if (res.statusCode !== 200) throw fromWireError(await readJson(res));
      const raw = res.headers[streamMetaHeader];
      const meta = streamMeta.safeParse(
        typeof raw === 'string' ? (JSON.parse(decodeURIComponent(raw)) as unknown) : null,
      );
      if (!meta.success) {
        res.destroy();
        throw new AlphaMailError('AM_INTERNAL', 'stream without valid metadata');
      }
      // Once the body flows, the per-call timeout no longer applies: big downloads take time.
      res.socket.setTimeout(0);
      return { meta: meta.data, body: res };
    },

    async openEvents(session) {
      const res = await post(endpoint, agent, eventsPath, { session }, defaultCallTimeoutMs);
      if (res.statusCode !== 200) throw fromWireError(await readJson(res));
      res.socket.setTimeout(0);
      return res;
    },

    async upload(meta, body) {
      const header = encodeURIComponent(JSON.stringify(uploadMeta.parse(meta)));
      const res = await post(endpoint, agent, uploadPath, body, defaultCallTimeoutMs, {
        'content-type': 'application/octet-stream',
        [streamMetaHeader]: header,
      });
      const reply = await readJson(res);
      if (res.statusCode !== 200) throw fromWireError(reply);
      const parsed = uploadResult.safeParse(reply);
      if (!parsed.success)
        throw new AlphaMailError('AM_INTERNAL', 'upload reply broke the contract');
      return parsed.data;
    },
  };
}
