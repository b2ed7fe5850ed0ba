// Owns the remote image proxy: signing the URLs the sanitiser rewrites and GET /remote-image,
// which fetches them so the reader's address never reaches the sender. Must not be an open proxy.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { lookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP } from 'node:net';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { WebDeps } from '../context.js';
import { requireSignedIn } from '../plugins/session.js';

/** One budget for DNS, every redirect hop and the body: a slow sender cannot hold a request. */
export const remoteFetchTimeoutMs = 10_000;
/** Largest image passed on; reading stops beyond it (a huge body cannot fill memory). */
export const remoteImageMaxBytes = 5 * 1024 * 1024;
/** Redirects followed, each re-checked; more is a loop or a trick. */
export const remoteMaxRedirects = 3;
/** A common, neutral User-Agent: it must not say who reads the message. */
const neutralUserAgent = 'Mozilla/5.0 (compatible; AlphaMail image proxy)';
/** How long a browser may keep a proxied image; private: never in a shared cache. */
const imageCacheControl = 'private, max-age=3600';
/** The image's own document: no script, no subresource, a unique origin. */
export const remoteImageCsp = "default-src 'none'; sandbox";
/** Raster types only: SVG can carry script and remote references. */
const allowedImageTypes = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/avif',
]);
export const remoteImagePath = '/remote-image';

/**
 * Loopback, private, link-local, multicast, unspecified and other non-public ranges. v4-mapped
 * and NAT64 v6 ranges are refused whole, so a private v4 address cannot hide inside one.
 */
const nonPublicV4 = new BlockList();
/** Separate lists: node matches an IPv4 address against v4-mapped IPv6 rules of the same list. */
const nonPublicV6 = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  nonPublicV4.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 96],
  ['::ffff:0:0', 96],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  nonPublicV6.addSubnet(net, prefix, 'ipv6');
}

export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  return family === 4 ? !nonPublicV4.check(address, 'ipv4') : !nonPublicV6.check(address, 'ipv6');
}

/** Signs and checks the URLs the sanitiser puts into a message frame. */
export interface RemoteImageSigner {
  /** The same-origin URL that fetches `url` through the proxy. */
  readonly proxyUrl: (url: string) => string;
  readonly verify: (url: string, signature: string) => boolean;
}

/** The signing key's size: 256 bits, SHA-256's output length (RFC 2104 §3's minimum). */
const signingKeyBytes = 32;

/**
 * Signed URLs only ever come from AlphaMail's own frames. The key is kept in the web tier's
 * database: a frame still open across a restart of the web tier, or served by another web
 * process on the same data directory, keeps its images.
 */
const signers = new WeakMap<WebDeps, RemoteImageSigner>();

export function remoteImageSigner(deps: WebDeps): RemoteImageSigner {
  let signer = signers.get(deps);
  if (signer === undefined) {
    const key = deps.sessions.key('remote-image', signingKeyBytes);
    const sign = (url: string) => createHmac('sha256', key).update(url).digest();
    signer = {
      proxyUrl: (url) =>
        `${remoteImagePath}?u=${encodeURIComponent(url)}&s=${sign(url).toString('base64url')}`,
      verify: (url, signature) => {
        const expected = sign(url);
        const given = Buffer.from(signature, 'base64url');
        return given.length === expected.length && timingSafeEqual(given, expected);
      },
    };
    signers.set(deps, signer);
  }
  return signer;
}

/** Why a fetch was refused; logged, never shown. */
class RemoteFetchRefused extends Error {}

export interface FetchPolicy {
  /** Whether a destination address may be contacted: isPublicAddress in production. */
  readonly addressAllowed: (address: string) => boolean;
}

export interface FetchedImage {
  readonly type: string;
  readonly body: Buffer;
}

function lookupAll(host: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => {
    lookup(host, { all: true, verbatim: true }, (err, addresses) => {
      if (err) reject(new RemoteFetchRefused(`cannot resolve: ${err.code ?? err.message}`));
      else resolve(addresses);
    });
  });
}

/** Resolves once, refuses non-public answers, and returns the one address to connect to. */
async function checkedAddress(url: URL, policy: FetchPolicy): Promise<LookupAddress> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const family = isIP(host);
  const addresses = family !== 0 ? [{ address: host, family }] : await lookupAll(host);
  const first = addresses[0];
  if (first === undefined) throw new RemoteFetchRefused('no address');
  // Every answer is checked, not only the one we use: a mixed answer is a rebinding attempt.
  if (!addresses.every((a) => policy.addressAllowed(a.address))) {
    throw new RemoteFetchRefused('non-public address');
  }
  return first;
}

/** One GET to the address already checked, so a second DNS answer cannot redirect it. */
function requestOnce(url: URL, pinned: LookupAddress, signal: AbortSignal) {
  const options: RequestOptions = {
    method: 'GET',
    agent: false,
    signal,
    headers: { 'user-agent': neutralUserAgent, accept: [...allowedImageTypes].join(', ') },
    lookup: (_host, opts, callback) => {
      // Node 20 asks for all addresses when it may try several families.
      if ((opts as { all?: boolean }).all) {
        (callback as (e: null, a: LookupAddress[]) => void)(null, [pinned]);
      } else {
        callback(null, pinned.address, pinned.family);
      }
    },
  };
  return new Promise<IncomingMessage>((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, options, resolve);
    req.on('error', reject);
    req.end();
  });
}

async function readLimited(response: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of response) {
    const piece = chunk as Buffer;
    total += piece.length;
    if (total > remoteImageMaxBytes) {
      response.destroy();
      throw new RemoteFetchRefused('too large');
    }
    chunks.push(piece);
  }
  return Buffer.concat(chunks);
}

function parseHttpUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new RemoteFetchRefused('not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new RemoteFetchRefused('not http or https');
  }
  if (url.username !== '' || url.password !== '') throw new RemoteFetchRefused('credentials');
  return url;
}

/** Fetches an image, following at most remoteMaxRedirects redirects, each hop re-checked. */
export async function fetchRemoteImage(start: string, policy: FetchPolicy): Promise<FetchedImage> {
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort(new RemoteFetchRefused('timed out'));
  }, remoteFetchTimeoutMs);
  const aborted = new Promise<never>((_resolve, reject) => {
    controller.signal.addEventListener('abort', () => {
      reject(new RemoteFetchRefused('timed out'));
    });
  });
  aborted.catch(() => undefined);
  try {
    let url = parseHttpUrl(start);
    for (let hop = 0; ; hop++) {
      const pinned = await Promise.race([checkedAddress(url, policy), aborted]);
      const response = await requestOnce(url, pinned, controller.signal);
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (status >= 300 && status < 400 && location !== undefined) {
        response.resume();
        if (hop >= remoteMaxRedirects) throw new RemoteFetchRefused('too many redirects');
        url = parseHttpUrl(new URL(location, url).href);
        continue;
      }
      if (status !== 200) {
        response.resume();
        throw new RemoteFetchRefused(`status ${status}`);
      }
      const type = (response.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
      if (type === undefined || !allowedImageTypes.has(type)) {
        response.destroy();
        throw new RemoteFetchRefused('not an allowed image type');
      }
      const declared = Number(response.headers['content-length'] ?? '0');
      if (declared > remoteImageMaxBytes) {
        response.destroy();
        throw new RemoteFetchRefused('too large');
      }
      return { type, body: await readLimited(response) };
    }
  } catch (err) {
    if (err instanceof RemoteFetchRefused) throw err;
    if (controller.signal.aborted) throw new RemoteFetchRefused('timed out');
    throw new RemoteFetchRefused(err instanceof Error ? err.message : 'fetch failed');
  } finally {
    clearTimeout(timer);
  }
}

/** A refusal says nothing about why: the reason goes to the log only. */
function refuse(reply: FastifyReply, status: 403 | 502): FastifyReply {
  return reply.code(status).header('cache-control', 'no-store').type('text/plain').send('');
}

export function registerRemoteImageRoutes(app: FastifyInstance, deps: WebDeps): void {
  const signer = remoteImageSigner(deps);
  const policy: FetchPolicy = {
    addressAllowed: deps.config.remoteFetchAllowPrivate ? () => true : isPublicAddress,
  };
  app.get(remoteImagePath, async (request, reply) => {
    requireSignedIn(request);
    const query = request.query as Record<string, unknown>;
    const url = query.u;
    const signature = query.s;
    if (typeof url !== 'string' || typeof signature !== 'string') return refuse(reply, 403);
    if (!signer.verify(url, signature)) return refuse(reply, 403);
    let image: FetchedImage;
    try {
      image = await fetchRemoteImage(url, policy);
    } catch (err) {
      deps.logger.info({ reason: err instanceof Error ? err.message : 'unknown' }, 'remote image');
      return refuse(reply, 502);
    }
    return reply
      .header('content-security-policy', remoteImageCsp)
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', imageCacheControl)
      .type(image.type)
      .send(image.body);
  });
}
