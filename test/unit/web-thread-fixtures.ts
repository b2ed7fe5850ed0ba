// Owns the scripted webcache's answers to `listThreads` and `getConversation`, for the web tier's
// unit tests: a fixed list of conversations and one conversation with a reply from Sent. Must not
// pretend to thread anything.
import { AlphaMailError } from '../../src/base/index.js';
import type {
  ConversationMessage,
  FolderInfo,
  MethodHandlers,
  ThreadSummary,
} from '../../src/protocol/index.js';

/** Conversations listed for INBOX (other folders have none). */
export const scriptedThreadCount = 12;

/** Every getConversation call's markRead, in order (tests clear it). */
export const conversationCalls: { folder: string; uid: number; markRead: boolean }[] = [];

export const scriptedThreads: ThreadSummary[] = Array.from(
  { length: scriptedThreadCount },
  (_, i) => ({
    uid: 40 - i,
    subject: i === 0 ? 'Plans <b>& "more"</b>' : `Topic ${i}`,
    participants: i === 0 ? ['Mallory <evil>', 'Alice'] : [`Sender ${i}`],
    count: i === 0 ? 3 : 1,
    unread: i === 0 ? 1 : 0,
    snippet: i === 0 ? '<img src=x onerror=alert(1)>' : null,
    latestDate: new Date(Date.UTC(2024, 5, 30 - i, 12)).toISOString(),
    // The first is scriptedConversation below: INBOX 31 and 40 (its reply is in Sent).
    folderUids: i === 0 ? [31, 40] : [40 - i],
  }),
);

/** The conversation of INBOX UID 40: two messages in INBOX and the user's reply in Sent. */
export const scriptedConversation: ConversationMessage[] = [
  {
    folder: 'INBOX',
    uid: 31,
    subject: 'Plans <b>& "more"</b>',
    from: [{ name: 'Mallory <evil>', address: 'mallory@example.net' }],
    to: [{ name: 'Alice', address: 'alice@example.edu' }],
    date: '2024-06-28T09:00:00.000Z',
    snippet: 'First <i>message</i>',
    text: 'First message <script>alert(1)</script>\nsecond line',
    isUnread: false,
    hasAttachments: false,
  },
  {
    folder: 'Sent',
    uid: 4,
    subject: 'Re: Plans <b>& "more"</b>',
    from: [{ name: 'Alice', address: 'alice@example.edu' }],
    to: [{ name: 'Mallory <evil>', address: 'mallory@example.net' }],
    date: '2024-06-29T10:00:00.000Z',
    snippet: 'My reply',
    text: null,
    isUnread: false,
    hasAttachments: false,
  },
  {
    folder: 'INBOX',
    uid: 40,
    subject: 'Re: Plans <b>& "more"</b>',
    from: [{ name: 'Mallory <evil>', address: 'mallory@example.net' }],
    to: [{ name: 'Alice', address: 'alice@example.edu' }],
    date: '2024-06-30T12:00:00.000Z',
    snippet: 'Latest words',
    text: 'Latest words of the conversation',
    isUnread: true,
    hasAttachments: true,
  },
];

export function threadHandlers(
  calls: string[],
  known: (session: string) => void,
  folders: readonly FolderInfo[],
): Pick<MethodHandlers, 'listThreads' | 'getConversation'> {
  return {
    listThreads: (p) => {
      calls.push('listThreads');
      known(p.session);
      const info = folders.find((f) => f.path === p.folder);
      if (!info) return Promise.reject(new AlphaMailError('AM_FOLDER_NOT_FOUND', 'no folder'));
      const all = p.folder === 'INBOX' ? scriptedThreads : [];
      const pageCount = Math.max(1, Math.ceil(all.length / p.pageSize));
      const page = Math.min(p.page, pageCount);
      return Promise.resolve({
        folder: info,
        total: all.length,
        unread: p.folder === 'INBOX' ? 1 : 0,
        page,
        pageCount,
        threads: all.slice((page - 1) * p.pageSize, page * p.pageSize),
      });
    },
    getConversation: (p) => {
      calls.push('getConversation');
      known(p.session);
      conversationCalls.push({ folder: p.folder, uid: p.uid, markRead: p.markRead });
      const isKnown = p.folder === 'INBOX' && scriptedConversation.some((m) => m.uid === p.uid);
      if (!isKnown) return Promise.reject(new AlphaMailError('AM_MESSAGE_NOT_FOUND', 'gone'));
      return Promise.resolve({
        folder: p.folder,
        subject: scriptedConversation[0]?.subject ?? '',
        messages: scriptedConversation,
      });
    },
  };
}
