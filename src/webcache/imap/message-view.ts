// Owns reading one message for the reader: UID FETCH of FLAGS, BODYSTRUCTURE, BODY.PEEK[HEADER]
// (and RFC822.SIZE unless the index knows it), then only the shown text parts (capped).
// Must not fetch attachments.
import type { FetchMessageObject, ImapFlow } from 'imapflow';
import { AlphaMailError } from '../../base/index.js';
import { decodeBodyPart, parseMessageHeaders, type MessageHeaders } from '../../mime/index.js';
import type { AttachmentInfo } from '../../protocol/index.js';
import { isUnsplit, planDisplay, type DisplayPlan, type TextPartRef } from './bodystructure.js';

/** Largest text part transferred for display; the rest is left with a notice. */
export const maxShownPartBytes = 2 * 1024 * 1024;

export interface LoadedMessage {
  /** Flags when fetched; a cached copy takes them from the index instead. */
  flags: Set<string>;
  /** Characters of decoded text and HTML, for the reader cache's bound. */
  chars: number;
  size: number;
  headers: MessageHeaders;
  text: string | null;
  html: string | null;
  attachments: AttachmentInfo[];
  notices: string[];
}

const emptyHeaders: MessageHeaders = {
  subject: '',
  from: [],
  to: [],
  cc: [],
  replyTo: [],
  date: null,
  messageId: null,
  inReplyTo: null,
  references: [],
  notices: [],
};

async function fetchShownParts(
  client: ImapFlow,
  uid: number,
  parts: readonly TextPartRef[],
): Promise<Map<string, Buffer>> {
  if (parts.length === 0) return new Map();
  const message = await client.fetchOne(
    String(uid),
    {
      uid: true,
      bodyParts: parts.map((p) => ({ key: p.part, start: 0, maxLength: maxShownPartBytes })),
    },
    { uid: true },
  );
  return message ? (message.bodyParts ?? new Map()) : new Map();
}

function decodeShown(
  bytes: Map<string, Buffer>,
  ref: TextPartRef,
  notices: string[],
): string | null {
  const raw = bytes.get(ref.part.toLowerCase());
  if (raw === undefined) {
    notices.push(`Part ${ref.part} could not be read from the server.`);
    return null;
  }
  if (raw.length >= maxShownPartBytes && ref.size > maxShownPartBytes) {
    notices.push(`Part ${ref.part} is long; only its first ${maxShownPartBytes} bytes are shown.`);
  }
  let text: string;
  try {
    // Line ends as '\n': mail is CRLF on the wire, the reader and the web tier want one form.
    text = decodeBodyPart(raw, { encoding: ref.encoding, charset: ref.charset || null }).replace(
      /\r\n/g,
      '\n',
    );
  } catch {
    notices.push(`Part ${ref.part} could not be decoded.`);
    return null;
  }
  if (ref.unsplitBoundary === undefined) return text;
  return unsplitPartText(ref, text, notices);
}

/**
 * A nested multipart the server did not split: when its body has no delimiter line of its own
 * boundary (RFC 2046 §5.1.1), it is shown as sent with a notice; when it has one, its parts
 * were really empty and nothing is shown.
 */
function unsplitPartText(ref: TextPartRef, text: string, notices: string[]): string | null {
  const boundary = ref.unsplitBoundary ?? '';
  const delimited =
    boundary !== '' && text.split('\n').some((line) => line.startsWith(`--${boundary}`));
  if (delimited || text.trim() === '') return null;
  notices.push(`The parts of part ${ref.part} could not be told apart; it is shown as sent.`);
  return text;
}

/** Shown when a multipart message could not be split into its parts. */
const unsplitNotice = 'The parts of this message could not be told apart; it is shown as sent.';

/**
 * Whether the header block says multipart/*. Dovecot reads a multipart without a usable
 * boundary (none, or RFC 2231-continued) as one text part, so only the header tells.
 */
function declaresMultipart(header: Buffer | undefined): boolean {
  if (header === undefined) return false;
  const unfolded = header.toString('latin1').replace(/\r?\n[ \t]+/g, ' ');
  return /^content-type:[ \t]*multipart\//im.test(unfolded);
}

/** What the folder index already holds of a message, so the reader need not ask again. */
export interface KnownMessage {
  /** RFC822.SIZE as the index fetched it. */
  size: number;
}

/**
 * Everything the reader shows of `uid` in the selected folder; AM_MESSAGE_NOT_FOUND if gone.
 * `known` (from the index) drops RFC822.SIZE from the FETCH: on maildir, Dovecot recomputes it
 * after a flag change in the folder (~1.5 ms of its CPU per open, measured), and it never changes.
 */
export async function loadMessage(
  client: ImapFlow,
  uid: number,
  known?: KnownMessage,
): Promise<LoadedMessage> {
  const fetched: FetchMessageObject | false = await client.fetchOne(
    String(uid),
    { uid: true, flags: true, size: known === undefined, bodyStructure: true, headers: true },
    { uid: true },
  );
  if (!fetched || fetched.uid !== uid) {
    throw new AlphaMailError('AM_MESSAGE_NOT_FOUND', 'no such message', { uid });
  }
  const size = known?.size ?? fetched.size ?? 0;
  const notices: string[] = [];
  let headers = emptyHeaders;
  try {
    headers = parseMessageHeaders(fetched.headers ?? Buffer.alloc(0));
    notices.push(...headers.notices);
  } catch {
    notices.push('The message headers could not be read.');
  }
  let plan: DisplayPlan = { plain: [], html: null, attachments: [] };
  if (fetched.bodyStructure && declaresMultipart(fetched.headers)) {
    if (!fetched.bodyStructure.type.startsWith('multipart/')) notices.push(unsplitNotice);
  }
  if (fetched.bodyStructure && isUnsplit(fetched.bodyStructure)) {
    // Nothing of the message would be shown: show its whole body as text instead.
    notices.push(unsplitNotice);
    const whole = { part: 'TEXT', encoding: '7bit', charset: '', size };
    plan = { plain: [{ ...whole, subtype: 'plain' }], html: null, attachments: [] };
  } else if (fetched.bodyStructure) {
    try {
      plan = planDisplay(fetched.bodyStructure);
    } catch {
      notices.push('The structure of this message could not be read.');
    }
  } else {
    notices.push('The server did not describe the structure of this message.');
  }
  const shown = [...plan.plain, ...(plan.html ? [plan.html] : [])];
  const bytes = await fetchShownParts(client, uid, shown);
  const texts = plan.plain
    .map((ref) => decodeShown(bytes, ref, notices))
    .filter((t): t is string => t !== null);
  const text = texts.length > 0 ? texts.join('\n\n') : null;
  const html = plan.html ? decodeShown(bytes, plan.html, notices) : null;
  return {
    flags: fetched.flags ?? new Set(),
    chars: (text?.length ?? 0) + (html?.length ?? 0),
    size,
    headers,
    text,
    html,
    attachments: plan.attachments,
    notices,
  };
}
