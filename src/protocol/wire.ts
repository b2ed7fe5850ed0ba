// Owns the framing of the web↔webcache RPC: HTTP+JSON over a Unix socket (or TCP with a
// shared secret), paths, the metadata header of streams, and errors as {code,message,details}.
import { AlphaMailError, isErrorCode } from '../base/index.js';
import { wireError, type WireError } from './schemas.js';

export const rpcPathPrefix = '/rpc/';
export const streamPathPrefix = '/stream/';
export const eventsPath = '/events';
/** Raw attachment bytes web→webcache; the metadata travels in `streamMetaHeader`. */
export const uploadPath = '/upload';
/** Header carrying the shared secret when the webcache listens on TCP. */
export const secretHeader = 'x-alphamail-secret';
/** Header carrying a stream's or an upload's JSON metadata (URI-encoded). */
export const streamMetaHeader = 'x-alphamail-meta';

/** Where the webcache listens: a Unix socket path, or TCP host:port with a shared secret. */
export type RpcEndpoint =
  | { kind: 'unix'; socketPath: string }
  | { kind: 'tcp'; host: string; port: number; secret: string };

export function toWireError(err: unknown): WireError {
  if (err instanceof AlphaMailError) {
    return { code: err.code, message: err.message, details: { ...err.details } };
  }
  return { code: 'AM_INTERNAL', message: 'internal error' };
}

/** Rebuilds a typed error on the receiving side; unknown codes become AM_INTERNAL. */
export function fromWireError(value: unknown): AlphaMailError {
  const parsed = wireError.safeParse(value);
  if (!parsed.success) return new AlphaMailError('AM_INTERNAL', 'malformed error from webcache');
  const { code, message, details } = parsed.data;
  return new AlphaMailError(isErrorCode(code) ? code : 'AM_INTERNAL', message, details ?? {});
}
