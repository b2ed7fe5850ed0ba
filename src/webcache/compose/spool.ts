// Owns the upload spool: attachment bytes the web tier sent, one file per upload under
// <dataDir>/spool/<hash of session key>/<id> (mode 0600) with a small JSON sidecar of metadata.
// Must not keep uploads of a session past its logout, nor decide when old files go (the sweeper).
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { AlphaMailError } from '../../base/index.js';
import type { UploadMeta, UploadResult } from '../../protocol/index.js';

/** Spool files are readable by the webcache's user only. */
const spoolFileMode = 0o600;
const spoolDirMode = 0o700;
/** Random bytes of an upload id (base64url: 24 characters). */
const uploadIdBytes = 18;
const metaSuffix = '.json';

export interface SpooledUpload {
  /** Where the bytes are. */
  readonly path: string;
  readonly filename: string;
  readonly contentType: string;
  readonly size: number;
}

/** The spool directory of one session; the key itself never appears on disk. */
export function sessionSpoolDir(dataDir: string, sessionKey: string): string {
  const hash = createHash('sha256').update(sessionKey).digest('hex').slice(0, 32);
  return join(dataDir, 'spool', hash);
}

function checkId(id: string): void {
  if (!/^[A-Za-z0-9_-]{8,64}$/.test(id))
    throw new AlphaMailError('AM_BAD_REQUEST', 'bad upload id');
}

/**
 * Streams `body` into a new spool file. Over `maxBytes` the file is removed and the rest of the
 * body drained (so the sender reads our answer, not a broken pipe): AM_UPLOAD_TOO_LARGE.
 */
export async function spoolUpload(
  dataDir: string,
  meta: UploadMeta,
  body: Readable,
  maxBytes: number,
): Promise<UploadResult> {
  const dir = sessionSpoolDir(dataDir, meta.session);
  await mkdir(dir, { recursive: true, mode: spoolDirMode });
  const id = randomBytes(uploadIdBytes).toString('base64url');
  const path = join(dir, id);
  const out = createWriteStream(path, { mode: spoolFileMode, flags: 'wx' });
  const opened = new Promise<void>((resolve, reject) => {
    out.once('open', () => resolve());
    out.once('error', reject);
  });
  await opened;
  let size = 0;
  let isTooLarge = false;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (isTooLarge) continue;
      if (size > maxBytes) {
        isTooLarge = true;
        continue;
      }
      if (!out.write(chunk))
        await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    }
  } finally {
    await new Promise<void>((resolve, reject) =>
      out.end((err?: Error | null) => (err ? reject(err) : resolve())),
    );
  }
  if (isTooLarge) {
    await unlink(path).catch(() => undefined);
    throw new AlphaMailError('AM_UPLOAD_TOO_LARGE', `upload over ${maxBytes} bytes`, {
      maxBytes,
    });
  }
  const result: UploadResult = { id, filename: meta.filename, contentType: meta.contentType, size };
  await writeFile(path + metaSuffix, JSON.stringify(result), { mode: spoolFileMode });
  return result;
}

/** An upload of this session, or AM_BAD_REQUEST when it is gone (swept, or another session's). */
export async function findUpload(
  dataDir: string,
  sessionKey: string,
  id: string,
): Promise<SpooledUpload> {
  checkId(id);
  const path = join(sessionSpoolDir(dataDir, sessionKey), id);
  try {
    const meta = JSON.parse(await readFile(path + metaSuffix, 'utf8')) as UploadResult;
    const { size } = await stat(path);
    return { path, filename: meta.filename, contentType: meta.contentType, size };
  } catch {
    throw new AlphaMailError('AM_BAD_REQUEST', 'the uploaded attachment is no longer there', {
      id,
    });
  }
}

/** Removes every upload of a session (at logout). Never throws. */
export async function removeSessionSpool(dataDir: string, sessionKey: string): Promise<void> {
  await rm(sessionSpoolDir(dataDir, sessionKey), { recursive: true, force: true }).catch(
    () => undefined,
  );
}
