// Owns the shapes shared by every part of the web↔webcache contract (addresses, folders,
// message summaries and details). Must not import anything but zod: see schemas.ts.
import { z } from 'zod';

/** The session key the web tier chose for a signed-in user (not the browser cookie). */
export const sessionKey = z.string().regex(/^[A-Za-z0-9_-]{16,128}$/);

/** A folder's full path as the IMAP server names it (decoded, with its separator). */
export const folderPath = z.string().min(1).max(1000);

/** The page a paged list is asked for (fields to spread into a params object). */
export const pageRequest = {
  page: z.number().int().min(1),
  pageSize: z.number().int().min(5).max(500),
};

/** Where a paged answer lies: the page given (clamped to the last) and how many there are. */
export const pagePosition = {
  page: z.number().int().min(1),
  pageCount: z.number().int().min(1),
};

export const address = z.object({ name: z.string(), address: z.string() });
export type Address = z.infer<typeof address>;

export const sortField = z.enum(['date', 'from', 'subject', 'size']);
export type SortField = z.infer<typeof sortField>;
export const sortOrder = z.enum(['asc', 'desc']);
export type SortOrder = z.infer<typeof sortOrder>;

export const specialUse = z.enum([
  'inbox',
  'drafts',
  'sent',
  'junk',
  'trash',
  'archive',
  'all',
  'flagged',
]);
export type SpecialUse = z.infer<typeof specialUse>;

export const folderInfo = z.object({
  /** Full IMAP path, decoded to UTF-8 (modified UTF-7 is only on the wire). */
  path: z.string(),
  /** Path segments shown to the user, prefix removed, friendly name for special-use. */
  displayParts: z.array(z.string()),
  /** Shown name of the folder itself. */
  name: z.string(),
  /** Nesting depth below the prefix, 0 at top level. */
  depth: z.number().int().min(0),
  specialUse: specialUse.nullable(),
  selectable: z.boolean(),
  subscribed: z.boolean(),
  total: z.number().int().min(0).nullable(),
  unread: z.number().int().min(0).nullable(),
});
export type FolderInfo = z.infer<typeof folderInfo>;

export const messageSummary = z.object({
  uid: z.number().int().positive(),
  from: z.array(address),
  to: z.array(address),
  subject: z.string(),
  snippet: z.string().nullable(),
  /** Sent date (Date header, falling back to arrival), ISO 8601. */
  date: z.string(),
  size: z.number().int().min(0),
  isUnread: z.boolean(),
  isFlagged: z.boolean(),
  isAnswered: z.boolean(),
  isDraft: z.boolean(),
  hasAttachments: z.boolean(),
});
export type MessageSummary = z.infer<typeof messageSummary>;

export const attachmentInfo = z.object({
  /** IMAP body part number, e.g. "2" or "1.2". */
  part: z.string().regex(/^\d+(\.\d+)*$/),
  filename: z.string(),
  contentType: z.string(),
  /** Decoded size estimate in bytes (encoded size for base64 is scaled by 3/4). */
  size: z.number().int().min(0),
  disposition: z.enum(['attachment', 'inline']),
  contentId: z.string().nullable(),
});
export type AttachmentInfo = z.infer<typeof attachmentInfo>;

export const messageDetail = z.object({
  uid: z.number().int().positive(),
  folder: z.string(),
  subject: z.string(),
  from: z.array(address),
  to: z.array(address),
  cc: z.array(address),
  replyTo: z.array(address),
  date: z.string().nullable(),
  messageId: z.string().nullable(),
  inReplyTo: z.string().nullable(),
  references: z.array(z.string()),
  isFlagged: z.boolean(),
  isUnread: z.boolean(),
  size: z.number().int().min(0),
  /** Decoded text of the text/plain part shown, if any. */
  text: z.string().nullable(),
  /** Decoded, NOT sanitised text/html part shown, if any: the web tier sanitises it. */
  html: z.string().nullable(),
  attachments: z.array(attachmentInfo),
  /** Short notices for the reader, e.g. that a malformed part could not be shown. */
  notices: z.array(z.string()),
  /** Neighbours in the folder's order the reader came from. */
  prevUid: z.number().int().positive().nullable(),
  nextUid: z.number().int().positive().nullable(),
});
export type MessageDetail = z.infer<typeof messageDetail>;

/** Every per-user method carries the web tier's session key. */
export const withSession = { session: sessionKey };
