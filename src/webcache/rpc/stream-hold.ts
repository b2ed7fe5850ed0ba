// Owns how long a streamed download may keep the session's queue: until the stream ends, or
// a hard limit. Must not buffer data: it only watches the stream.
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';

/** A reader that stalls longer than this loses its download (the session must not freeze). */
export const maxStreamHoldMs = 10 * 60_000;

/** Settles when `body` ends, fails or is destroyed; destroys it after maxStreamHoldMs. */
export function holdUntilDone(body: Readable): Promise<void> {
  const timer = setTimeout(
    () => body.destroy(new Error('download took too long')),
    maxStreamHoldMs,
  );
  timer.unref();
  return finished(body)
    .catch(() => undefined)
    .finally(() => clearTimeout(timer));
}
