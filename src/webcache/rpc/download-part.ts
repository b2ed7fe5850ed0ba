// Owns the `downloadPart` stream: one body part, transfer-decoded, byte-exact (no charset
// conversion), streamed in chunks by imapflow. Must not buffer the whole part.
import type { Readable } from 'node:stream';
import { AlphaMailError } from '../../base/index.js';
import type { StreamMeta, StreamParams } from '../../protocol/index.js';
import { attachmentOf, findPart } from '../imap/bodystructure.js';
import type { RpcContext } from './context.js';
import { holdUntilDone } from './stream-hold.js';

export function downloadPart(ctx: RpcContext) {
  return async (
    params: StreamParams<'downloadPart'>,
  ): Promise<{ meta: StreamMeta; body: Readable }> => {
    const session = ctx.registry.get(params.session);
    return session.inFolder('downloadPart', params.folder, async (client) => {
      const fetched = await client.fetchOne(
        String(params.uid),
        { uid: true, bodyStructure: true },
        { uid: true },
      );
      if (!fetched || fetched.uid !== params.uid) {
        throw new AlphaMailError('AM_MESSAGE_NOT_FOUND', 'no such message', { uid: params.uid });
      }
      const node = fetched.bodyStructure ? findPart(fetched.bodyStructure, params.part) : null;
      if (!node)
        throw new AlphaMailError('AM_PART_NOT_FOUND', 'no such part', { part: params.part });
      const info = attachmentOf(node, 'attachment');
      // decodeText: false keeps text attachments in their own charset, byte for byte.
      const download = await client.download(String(params.uid), params.part, {
        uid: true,
        decodeText: false,
      });
      if (!download.content) {
        throw new AlphaMailError('AM_PART_NOT_FOUND', 'part not returned', { part: params.part });
      }
      const meta: StreamMeta = {
        contentType: info.contentType,
        filename: info.filename,
        size: null,
      };
      return { value: { meta, body: download.content }, hold: holdUntilDone(download.content) };
    });
  };
}
