// Owns the contract for writing mail: drafts, sending, reply/forward templates, uploads of
// attachments and address suggestions. Must not import anything but zod and shapes.ts.
import { z } from 'zod';
import { address, folderPath, withSession } from './shapes.js';

const uid = z.number().int().positive();

/** An attachment of a draft, named by where its bytes are now. */
export const draftAttachment = z.discriminatedUnion('kind', [
  /** Bytes the web tier uploaded with `client.upload` (spooled by the webcache). */
  z.object({ kind: z.literal('upload'), id: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/) }),
  /** A body part of a stored message (a draft being edited, or a message being forwarded). */
  z.object({
    kind: z.literal('part'),
    folder: folderPath,
    uid,
    part: z.string().regex(/^\d+(\.\d+)*$/),
  }),
  /** A whole stored message, attached as message/rfc822 (forward as attachment). */
  z.object({ kind: z.literal('message'), folder: folderPath, uid }),
]);
export type DraftAttachment = z.infer<typeof draftAttachment>;

/** What a user wrote; everything needed to save it as a draft or send it. */
export const draftInput = z.object({
  from: address,
  to: z.array(address).max(500),
  cc: z.array(address).max(500),
  bcc: z.array(address).max(500),
  subject: z.string().max(998),
  /** Plain-text body in UTF-8 with \n line ends; sent as format=flowed. */
  text: z.string().max(5_000_000),
  /** Message-ID (with angle brackets) of the message replied to, or null. */
  inReplyTo: z.string().max(998).nullable(),
  references: z.array(z.string().max(998)).max(100),
  attachments: z.array(draftAttachment).max(100),
  /** The stored draft this one replaces (deleted once the new copy is stored or sent). */
  replacesDraft: z.object({ folder: folderPath, uid }).nullable(),
  /** When sending a reply: the original, to be flagged \Answered (or $Forwarded) after sending. */
  answers: z
    .object({ folder: folderPath, uid, kind: z.enum(['answered', 'forwarded']) })
    .nullable(),
});
export type DraftInput = z.infer<typeof draftInput>;

/** An attachment as listed on the compose page. */
export const draftAttachmentInfo = z.object({
  ref: draftAttachment,
  filename: z.string(),
  contentType: z.string(),
  size: z.number().int().min(0),
});
export type DraftAttachmentInfo = z.infer<typeof draftAttachmentInfo>;

/** A draft as the compose page shows it: the fields plus the attachments described. */
export const draftView = draftInput.omit({ attachments: true }).extend({
  attachments: z.array(draftAttachmentInfo),
});
export type DraftView = z.infer<typeof draftView>;

export const storedDraft = z.object({ folder: folderPath, uid });

export const composeMethods = {
  /** Stores the draft in the Drafts folder (APPEND with \Draft), removing `replacesDraft`. */
  saveDraft: {
    params: z.object({ ...withSession, draft: draftInput }),
    result: storedDraft,
  },
  /** Reopens a stored draft for editing; its attachments come back as `part` refs. */
  getDraft: {
    params: z.object({ ...withSession, folder: folderPath, uid }),
    result: draftView,
  },
  /**
   * Submits through the domain's SMTP server with the user's own credentials, stores a copy in
   * Sent, removes `replacesDraft` and flags `answers`. A failed submission is not an error
   * reply: the draft is stored (or kept) in Drafts and `sent: false` says why.
   */
  sendMessage: {
    params: z.object({ ...withSession, draft: draftInput }),
    result: z.discriminatedUnion('sent', [
      z.object({
        sent: z.literal(true),
        messageId: z.string(),
        /** The copy in Sent, or null when the domain has no Sent folder or APPEND failed. */
        sentCopy: storedDraft.nullable(),
        /** Recipients the server refused while taking the message for the others. */
        refused: z.array(z.object({ address: z.string(), reason: z.string() })),
      }),
      z.object({
        sent: z.literal(false),
        /** A short sentence for the user, e.g. "The mail server refused bob@x: no such user". */
        reason: z.string(),
        /** Where what the user wrote is now kept. */
        draft: storedDraft,
      }),
    ]),
  },
  /**
   * A prefilled draft answering or forwarding a stored message: recipients (the user's own
   * address not repeated), "Re:"/"Fwd:" not stacked, the original quoted, In-Reply-To and
   * References set, attachments carried over for forwards.
   */
  composeFrom: {
    params: z.object({
      ...withSession,
      folder: folderPath,
      uid,
      mode: z.enum(['reply', 'replyAll', 'forward', 'forwardAsAttachment']),
      /** The identity the user writes as (so it is left out of reply-all). */
      from: address,
    }),
    result: draftView,
  },
  /** Addresses the user has written to or received from, most used first. */
  suggestAddresses: {
    params: z.object({ ...withSession, limit: z.number().int().min(1).max(1000) }),
    result: z.object({ addresses: z.array(address) }),
  },
} as const;

/** Metadata of an upload (`client.upload`): travels in the upload's header. */
export const uploadMeta = z.object({
  ...withSession,
  filename: z.string().min(1).max(255),
  contentType: z.string().min(1).max(255),
});
export type UploadMeta = z.infer<typeof uploadMeta>;

/** The webcache's answer to an upload: a spool id to use in `draftAttachment`. */
export const uploadResult = z.object({
  id: z.string(),
  filename: z.string(),
  contentType: z.string(),
  size: z.number().int().min(0),
});
export type UploadResult = z.infer<typeof uploadResult>;
