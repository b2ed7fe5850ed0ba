// Owns the contract for conversations: the threaded index of a folder (one row per conversation)
// and one conversation's messages across the folder and Sent. Must not import anything but zod
// and shapes.ts.
import { z } from 'zod';
import {
  address,
  folderInfo,
  folderPath,
  pagePosition,
  pageRequest,
  withSession,
} from './shapes.js';

/** One conversation with at least one message in the listed folder. */
export const threadSummary = z.object({
  /** The newest message of the conversation in the listed folder: what the row opens. */
  uid: z.number().int().positive(),
  /** Subject of the conversation's first message. */
  subject: z.string(),
  /** Senders' names (address when unnamed), first appearance first, the user's own included. */
  participants: z.array(z.string()),
  /** Messages in the conversation, its replies in Sent included. */
  count: z.number().int().min(1),
  /** Unread messages of the conversation in the listed folder. */
  unread: z.number().int().min(0),
  /** Preview of the newest message whose preview is known. */
  snippet: z.string().nullable(),
  /** Date of the newest message, ISO 8601. */
  latestDate: z.string(),
  /**
   * UIDs of the conversation's messages in the listed folder, oldest first: what organising the
   * row acts on (its replies in Sent are not touched).
   */
  folderUids: z.array(z.number().int().positive().max(0xffffffff)).min(1),
});
export type ThreadSummary = z.infer<typeof threadSummary>;

export const conversationMessage = z.object({
  folder: z.string(),
  uid: z.number().int().positive(),
  subject: z.string(),
  from: z.array(address),
  to: z.array(address),
  /** Sent date, ISO 8601. */
  date: z.string(),
  snippet: z.string().nullable(),
  /** The message's text (HTML turned into text); null when not read for this view. */
  text: z.string().nullable(),
  isUnread: z.boolean(),
  hasAttachments: z.boolean(),
});
export type ConversationMessage = z.infer<typeof conversationMessage>;

export const threadMethods = {
  /** A folder's conversations, newest activity first, paged; answered from the indexes. */
  listThreads: {
    params: z.object({
      ...withSession,
      folder: folderPath,
      ...pageRequest,
    }),
    result: z.object({
      folder: folderInfo,
      /** Conversations in the folder. */
      total: z.number().int().min(0),
      /** Unread messages in the folder. */
      unread: z.number().int().min(0),
      ...pagePosition,
      threads: z.array(threadSummary),
    }),
  },
  /**
   * The conversation of one message: every message of it in date order, from the folder and
   * from Sent. Only the newest few carry their text; `markRead` marks those read.
   */
  getConversation: {
    params: z.object({
      ...withSession,
      folder: folderPath,
      uid: z.number().int().positive(),
      markRead: z.boolean(),
    }),
    result: z.object({
      folder: z.string(),
      subject: z.string(),
      messages: z.array(conversationMessage),
    }),
  },
} as const;
