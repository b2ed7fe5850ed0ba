// Owns the upload endpoint: spools attachment bytes for a signed-in session.
// Must not accept bytes for a session the webcache does not know.
import type { UploadHandler } from '../../protocol/index.js';
import { spoolUpload } from '../compose/spool.js';
import type { RpcContext } from './context.js';

export function upload(ctx: RpcContext): UploadHandler {
  return (meta, body) => {
    const session = ctx.registry.get(meta.session);
    session.lastUsedMs = Date.now();
    return spoolUpload(ctx.config.dataDir, meta, body, ctx.config.maxUploadBytes);
  };
}
