// Owns the `messageSource` stream: the raw message (BODY.PEEK[] in chunks), e.g. for "save as".
// Must not buffer the whole message.
import type { Readable } from 'node:stream';
import { AlphaMailError } from '../../base/index.js';
import type { StreamMeta, StreamParams } from '../../protocol/index.js';
import type { RpcContext } from './context.js';
import { holdUntilDone } from './stream-hold.js';

export function messageSource(ctx: RpcContext) {
  return async (
    params: StreamParams<'messageSource'>,
  ): Promise<{ meta: StreamMeta; body: Readable }> => {
    const session = ctx.registry.get(params.session);
    return session.inFolder('messageSource', params.folder, async (client) => {
      const download = await client.download(String(params.uid), undefined, { uid: true });
      if (!download.content) {
        throw new AlphaMailError('AM_MESSAGE_NOT_FOUND', 'no such message', { uid: params.uid });
      }
      const meta: StreamMeta = {
        contentType: 'message/rfc822',
        filename: `message-${params.uid}.eml`,
        size: download.meta.expectedSize ?? null,
      };
      return { value: { meta, body: download.content }, hold: holdUntilDone(download.content) };
    });
  };
}
