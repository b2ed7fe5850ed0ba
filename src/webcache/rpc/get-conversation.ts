// Owns the `getConversation` method: every message of one message's conversation, in date order,
// from its folder and from Sent, the newest few with their text. Sent is synced first (one SELECT)
// and its texts read while selected; then the folder. Must not read more than maxTextMessages
// texts nor fetch attachments.
import { AlphaMailError, type Logger } from '../../base/index.js';
import type { ConversationMessage, Params, Result } from '../../protocol/index.js';
import { storeFlags } from '../imap/store-flags.js';
import { uidSet } from '../imap/uid-set.js';
import { flagBits } from '../index/folder-index.js';
import {
  fillSnippets,
  markSynced,
  maxTextMessages,
  readText,
  sentPathOf,
} from '../threads/conversation-io.js';
import {
  messageAt,
  membersOf,
  threadOfUid,
  threadsOf,
  type FolderThreads,
} from '../threads/folder-threads.js';
import type { FolderCache } from '../sync/folder-cache.js';
import type { RpcContext } from './context.js';
import { summaryAt } from './list-messages.js';

/** The conversation of `uid`: its members, and which of them get their text. */
function conversationOf(threads: FolderThreads, uid: number) {
  const thread = threadOfUid(threads, uid);
  if (thread < 0) throw new AlphaMailError('AM_MESSAGE_NOT_FOUND', 'no such message', { uid });
  const members = membersOf(threads, thread).map((n) => messageAt(threads, n));
  return { members, shown: new Set(members.slice(-maxTextMessages)) };
}

export function getConversation(ctx: RpcContext) {
  return async (params: Params<'getConversation'>): Promise<Result<'getConversation'>> => {
    const session = ctx.registry.get(params.session);
    const sentPath = await sentPathOf(session);
    const withSent = sentPath !== null && sentPath !== params.folder;
    const sentTexts = new Map<number, string | null>();
    if (withSent) {
      if (!session.folders.has(params.folder)) {
        await session.inFolder('getConversation', params.folder, () =>
          Promise.resolve({ value: undefined }),
        );
      }
      // Always resynced here: a reply the user just sent from elsewhere belongs on this page.
      await session.inFolder('getConversation', sentPath, async (client, sent) => {
        markSynced(sent);
        const own = session.folders.get(params.folder);
        if (own === undefined || own.index.slotOf(params.uid) < 0) return { value: undefined };
        const { members, shown } = conversationOf(threadsOf(own.index, sent.index), params.uid);
        const inSent = members.filter((m) => m.inSent);
        const uids = inSent.map((m) => m.index.uidAt(m.slot));
        await fillSnippets(session, client, sent, uids);
        for (const m of inSent) {
          if (!shown.has(m)) continue;
          const uid = m.index.uidAt(m.slot);
          sentTexts.set(uid, await readText(client, sent, uid));
        }
        return { value: undefined };
      });
    }
    return session.inFolder('getConversation', params.folder, async (client, cache) => {
      const sent = withSent ? (session.folders.get(sentPath)?.index ?? null) : null;
      const { members, shown } = conversationOf(threadsOf(cache.index, sent), params.uid);
      const own = members.filter((m) => !m.inSent).map((m) => m.index.uidAt(m.slot));
      await fillSnippets(session, client, cache, own);
      const texts = new Map<number, string | null>();
      for (const m of members) {
        if (!m.inSent && shown.has(m)) {
          const uid = m.index.uidAt(m.slot);
          texts.set(uid, await readText(client, cache, uid));
        }
      }
      if (params.markRead) await markShownRead(client, cache, members, shown, session.logger);
      if (params.markRead) session.indexChanged(params.folder);
      const messages: ConversationMessage[] = members.map((m) => {
        const summary = summaryAt(m.index, m.slot);
        const folder = m.inSent ? (sentPath ?? params.folder) : params.folder;
        const text = (m.inSent ? sentTexts : texts).get(summary.uid) ?? null;
        return {
          folder,
          uid: summary.uid,
          subject: summary.subject,
          from: summary.from,
          to: summary.to,
          date: summary.date,
          snippet: summary.snippet,
          text,
          isUnread: summary.isUnread,
          hasAttachments: summary.hasAttachments,
        };
      });
      const subject = messages[0]?.subject ?? '';
      return { value: { folder: params.folder, subject, messages } };
    });
  };
}

/**
 * UID STORE +FLAGS.SILENT (\Seen) on the shown unread messages of the folder. The conversation
 * is shown all the same when the server does not take it; the index then keeps them unread.
 */
async function markShownRead(
  client: Parameters<typeof readText>[0],
  cache: FolderCache,
  members: ReturnType<typeof conversationOf>['members'],
  shown: ReturnType<typeof conversationOf>['shown'],
  logger: Logger,
): Promise<void> {
  const unread = members
    .filter((m) => !m.inSent && shown.has(m) && (m.index.flagsAt(m.slot) & flagBits.seen) === 0)
    .map((m) => m.index.uidAt(m.slot));
  if (unread.length === 0) return;
  try {
    await storeFlags(client, uidSet(unread), ['\\Seen'], 'add');
  } catch (err) {
    logger.warn({ err }, 'marking a conversation read failed');
    return;
  }
  for (const uid of unread) {
    const slot = cache.index.slotOf(uid);
    if (slot >= 0) cache.index.setFlags(uid, cache.index.flagsAt(slot) | flagBits.seen);
  }
}
