// Owns the `getMessage` method: the reader's view of one message, marking it read on request (in
// the index at once, on the server by seen-writer's batched STORE) and its neighbours in order.
// Must not transfer attachments: message-view fetches only the shown text parts.
import type { Params, Result } from '../../protocol/index.js';
import { flagBitsOf } from '../imap/index-fetch.js';
import { loadMessage } from '../imap/message-view.js';
import { storeFlags } from '../imap/store-flags.js';
import { flagBits } from '../index/folder-index.js';
import type { RpcContext } from './context.js';

export function getMessage(ctx: RpcContext) {
  return async (params: Params<'getMessage'>): Promise<Result<'getMessage'>> => {
    const session = ctx.registry.get(params.session);
    return session.inFolder('getMessage', params.folder, async (client, cache) => {
      // The page and its frame document ask for the same message: the second costs no IMAP.
      const slot = cache.index.slotOf(params.uid);
      let loaded = slot >= 0 ? cache.reader.get(params.uid) : undefined;
      ctx.metrics.cacheLookups.inc({ cache: 'reader', result: loaded ? 'hit' : 'miss' });
      if (loaded === undefined) {
        const known = slot >= 0 ? { size: cache.index.sizeAt(slot) } : undefined;
        loaded = await loadMessage(client, params.uid, known);
        cache.reader.set(params.uid, loaded);
      }
      const indexBits = slot >= 0 ? cache.index.flagsAt(slot) : null;
      const flags = indexBits === null ? flagBitsOf(loaded.flags) : indexBits;
      const wasUnread = (flags & flagBits.seen) === 0;
      const marking = params.markRead && wasUnread;
      const isUnread = wasUnread && !marking;
      if (cache.index.setFlags(params.uid, flags | (marking ? flagBits.seen : 0))) {
        session.indexChanged(params.folder);
      }
      if (marking && slot >= 0) session.seen.soon(params.folder, params.uid);
      else if (marking) {
        // Not in the index (expunged meanwhile, or not yet fetched): stored now, unbatched; the
        // message is shown all the same when the server does not take it.
        await storeFlags(client, String(params.uid), ['\\Seen'], 'add').catch((err: unknown) =>
          session.logger.warn({ err }, 'marking a message read failed'),
        );
      }
      const { prevUid, nextUid } = cache.sort.neighbours(params.sort, params.order, params.uid);
      const h = loaded.headers;
      return {
        value: {
          uid: params.uid,
          folder: params.folder,
          subject: h.subject,
          from: h.from,
          to: h.to,
          cc: h.cc,
          replyTo: h.replyTo,
          date: h.date,
          messageId: h.messageId,
          inReplyTo: h.inReplyTo,
          references: h.references,
          isFlagged: (flags & flagBits.flagged) !== 0,
          isUnread,
          size: loaded.size,
          text: loaded.text,
          html: loaded.html,
          attachments: loaded.attachments,
          notices: loaded.notices,
          prevUid,
          nextUid,
        },
      };
    });
  };
}
