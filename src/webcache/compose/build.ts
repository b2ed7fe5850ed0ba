// Owns building the RFC 5322 message of a draft with nodemailer's MailComposer: UTF-8 headers,
// text/plain format=flowed, attachments, threading headers, Message-ID in the sender's domain.
// Must not send or store: drafts.ts and send.ts decide where the bytes go.
import { randomBytes } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { Address, DraftInput } from '../../protocol/index.js';
import { toFlowed } from '../../mime/index.js';
import type { ResolvedAttachment } from './attachments.js';

/** Header remembering which message a saved draft answers, so a reopened reply still flags it. */
export const answersHeader = 'X-AlphaMail-Answers';
/** Random bytes of a Message-ID's left part. */
const messageIdBytes = 18;

export function newMessageId(from: Address, fallbackDomain: string): string {
  const at = from.address.lastIndexOf('@');
  const domain = at > 0 ? from.address.slice(at + 1) : fallbackDomain;
  return `<${randomBytes(messageIdBytes).toString('base64url')}@${domain}>`;
}

/** "answered 42 INBOX": kind, UID, then the folder path URI-encoded (any characters). */
export function formatAnswers(answers: NonNullable<DraftInput['answers']>): string {
  return `${answers.kind} ${answers.uid} ${encodeURIComponent(answers.folder)}`;
}

export function parseAnswers(value: string | undefined): DraftInput['answers'] {
  const match = /^(answered|forwarded) (\d+) (\S+)$/.exec((value ?? '').trim());
  if (!match?.[1] || !match[2] || !match[3]) return null;
  try {
    const kind = match[1] === 'answered' ? 'answered' : 'forwarded';
    return { kind, uid: Number(match[2]), folder: decodeURIComponent(match[3]) };
  } catch {
    return null;
  }
}

function mailbox(a: Address): { name: string; address: string } {
  return { name: a.name, address: a.address };
}

interface MimeNodeLike {
  filename?: string;
  getHeader(key: string): unknown;
  childNodes: MimeNodeLike[];
  setHeader(key: string, value: string): void;
  build(callback: (err: Error | null, message: Buffer) => void): void;
  keepBcc: boolean;
}

/** The body text node: the root of a single-part message, else the first text/plain leaf. */
function textNode(node: MimeNodeLike): MimeNodeLike | null {
  const type = node.getHeader('Content-Type');
  if (typeof type === 'string' && /^text\/plain\b/i.test(type) && !node.filename) return node;
  for (const child of node.childNodes) {
    const found = textNode(child);
    if (found) return found;
  }
  return null;
}

/**
 * The message bytes. `keepBcc`: the Bcc header stays (drafts and the Sent copy show it; the
 * submitted copy must not carry it).
 */
export function buildMessage(
  draft: DraftInput,
  attachments: readonly ResolvedAttachment[],
  opts: { messageId: string; date: Date; keepBcc: boolean },
): Promise<Buffer> {
  const composer = new MailComposer({
    from: mailbox(draft.from),
    to: draft.to.map(mailbox),
    cc: draft.cc.map(mailbox),
    bcc: draft.bcc.map(mailbox),
    subject: draft.subject,
    messageId: opts.messageId,
    date: opts.date,
    ...(draft.inReplyTo === null ? {} : { inReplyTo: draft.inReplyTo }),
    ...(draft.references.length === 0 ? {} : { references: draft.references.join(' ') }),
    ...(draft.answers === null
      ? {}
      : { headers: { [answersHeader]: formatAnswers(draft.answers) } }),
    text: toFlowed(draft.text),
    textEncoding: 'quoted-printable',
    attachments: attachments.map((a) => ({
      filename: a.info.filename,
      content: a.content,
      contentType: a.info.contentType,
      // An attached message goes as it is (7bit/8bit), any other file as base64.
      ...(a.info.contentType === 'message/rfc822'
        ? {}
        : { contentTransferEncoding: 'base64' as const }),
    })),
  });
  // The compiled node is nodemailer's MimeNode; only the members used here are typed.
  const root = composer.compile() as unknown as MimeNodeLike;
  root.keepBcc = opts.keepBcc;
  textNode(root)?.setHeader('Content-Type', 'text/plain; charset=utf-8; format=flowed');
  return new Promise((resolve, reject) =>
    root.build((err, message) => (err ? reject(err) : resolve(message))),
  );
}
