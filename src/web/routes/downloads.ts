// Owns byte-for-byte replies: attachment downloads (and inline images for the frame) and the raw
// message source, streamed from the webcache. Must not let a download render as a page of ours:
// attachment disposition, nosniff, a sandbox CSP, and no type a browser would run.
import type { FastifyInstance } from 'fastify';
import { AlphaMailError } from '../../base/index.js';
import type { WebDeps } from '../context.js';
import { downloadCsp } from '../plugins/security-headers.js';
import { requireSignedIn } from '../plugins/session.js';
import { folderParam, uidParam } from './common.js';

/** Images the message frame may show inline (cid: references); never SVG, which can script. */
export const inlineImageTypes: ReadonlySet<string> = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
]);

/** Types passed through as labelled; everything else is application/octet-stream. */
const passThroughTypes =
  /^(?:image\/(?:png|jpeg|gif|webp|bmp|tiff)|audio\/[a-z0-9.+-]+|video\/[a-z0-9.+-]+|text\/(?:plain|csv|calendar)|application\/(?:pdf|zip|gzip|x-tar|x-7z-compressed|rtf|msword|vnd\.ms-[a-z0-9.-]+|vnd\.openxmlformats-officedocument\.[a-z0-9.-]+|vnd\.oasis\.opendocument\.[a-z0-9.-]+))$/;
/** Whatever a browser might render or run, even if it matched above (e.g. "+xml" suffixes). */
const renderableTypes = /html|[/+]xml$|svg|script|xsl|css|multipart|message\//;

/** The Content-Type a download is served with. */
export function downloadContentType(declared: string): string {
  const type = (declared.split(';')[0] ?? '').trim().toLowerCase();
  if (!passThroughTypes.test(type) || renderableTypes.test(type)) return 'application/octet-stream';
  return type;
}

/** RFC 5987 attr-char: what may stand unencoded in filename*. */
function encodeExtValue(value: string): string {
  return encodeURIComponent(value).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * Content-Disposition per RFC 6266 §4.3: an ASCII `filename` fallback for old clients and the
 * real name as UTF-8 in `filename*` (RFC 5987). Control characters and path separators go.
 */
export function contentDisposition(kind: 'attachment' | 'inline', filename: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what we strip
  const clean = filename.replace(/[\u0000-\u001f\u007f/\\]/g, '_').trim() || 'download';
  const fallback = clean.replace(/[^\x20-\x7e]|["%;]/g, '_');
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${encodeExtValue(clean)}`;
}

export function registerDownloadRoutes(app: FastifyInstance, deps: WebDeps): void {
  app.get('/f/:folder/:uid/part/:part', async (request, reply) => {
    const who = requireSignedIn(request);
    const folder = folderParam(request);
    const uid = uidParam(request);
    const part = (request.params as { part?: unknown }).part;
    if (typeof part !== 'string' || !/^\d{1,5}(?:\.\d{1,5}){0,15}$/.test(part)) {
      throw new AlphaMailError('AM_PART_NOT_FOUND', 'bad part number in URL');
    }
    const { meta, body } = await deps.mail.openStream(who, 'downloadPart', { folder, uid, part });
    const declared = (meta.contentType.split(';')[0] ?? '').trim().toLowerCase();
    const isInline =
      (request.query as Record<string, unknown>).inline === '1' && inlineImageTypes.has(declared);
    const filename = meta.filename.trim() === '' ? `part-${part}` : meta.filename;
    return reply
      .header('content-security-policy', downloadCsp)
      .header(
        'content-disposition',
        contentDisposition(isInline ? 'inline' : 'attachment', filename),
      )
      .header('cache-control', 'private, no-store')
      .type(isInline ? declared : downloadContentType(meta.contentType))
      .send(body);
  });

  app.get('/f/:folder/:uid/source', async (request, reply) => {
    const who = requireSignedIn(request);
    const folder = folderParam(request);
    const uid = uidParam(request);
    const { body } = await deps.mail.openStream(who, 'messageSource', { folder, uid });
    return reply
      .header('content-security-policy', downloadCsp)
      .header('content-disposition', contentDisposition('inline', `message-${uid}.txt`))
      .header('cache-control', 'private, no-store')
      .type('text/plain; charset=utf-8')
      .send(body);
  });
}
