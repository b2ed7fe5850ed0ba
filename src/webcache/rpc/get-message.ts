// Owns the `getMessage` method: the reader's view of one message, marking it read on request
// (UID STORE +FLAGS.SILENT (\Seen)) and its neighbours in the folder's cached order.
// Must not transfer attachments: message-view fetches only the shown text parts.
import type { Params, Result } from '../../protocol/index.js';
import { flagBitsOf } from '../imap/index-fetch.js';
import { loadMessage } from '../imap/message-view.js';
import { flagBits } from '../index/folder-index.js';
import type { RpcContext } from './context.js';

export function getMessage(ctx: RpcContext) {
  return async (params: Params<'getMessage'>): Promise<Result<'getMessage'>> => {
    const session = ctx.registry.get(params.session);
    return session.inFolder('getMessage', params.folder, async (client, cache) => {
      const loaded = await loadMessage(client, params.uid);
      let isUnread = !loaded.flags.has('\\Seen');
      if (params.markRead && isUnread) {
        await client.messageFlagsAdd(String(params.uid), ['\\Seen'], { uid: true, silent: true });
        isUnread = false;
      }
      const bits = flagBitsOf(loaded.flags) | (isUnread ? 0 : flagBits.seen);
      if (cache.index.setFlags(params.uid, bits)) session.indexChanged(params.folder);
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
          isFlagged: loaded.flags.has('\\Flagged'),
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
