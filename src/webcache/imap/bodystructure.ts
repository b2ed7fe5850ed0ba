// Owns reading an IMAP BODYSTRUCTURE: which text part previews a message, what the reader
// shows (plain/html) and which leaves are attachments. Must not fetch: it only plans fetches.
import type { MessageStructureObject } from 'imapflow';
import { safeFilename } from '../../mime/index.js';
import type { AttachmentInfo } from '../../protocol/index.js';

/** A text part the reader fetches and decodes. */
export interface TextPartRef {
  part: string;
  subtype: 'plain' | 'html';
  encoding: string;
  charset: string;
  /** Encoded size in bytes as the server reports it. */
  size: number;
  /**
   * Set for a nested multipart the server could not split (see isUnsplit): the part's whole body
   * is fetched and shown as text, unless it holds this boundary's delimiter line after all.
   */
  unsplitBoundary?: string;
}

export interface DisplayPlan {
  /** text/plain parts shown one after another. */
  plain: TextPartRef[];
  html: TextPartRef | null;
  attachments: AttachmentInfo[];
}

/** File name extensions for attachments without a name, by content type. */
const fallbackExtensions: Readonly<Record<string, string>> = {
  'text/plain': 'txt',
  'text/html': 'html',
  'text/csv': 'csv',
  'text/calendar': 'ics',
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'application/pdf': 'pdf',
  'application/zip': 'zip',
  'message/rfc822': 'eml',
};

/** The part number of a node; a single-part message's body is part "1" (RFC 3501 §6.4.5). */
export function partNumber(node: MessageStructureObject): string {
  return node.part ?? '1';
}

function isMultipart(node: MessageStructureObject): boolean {
  return node.type.startsWith('multipart/');
}

function isAttachmentDisposition(node: MessageStructureObject): boolean {
  return node.disposition === 'attachment';
}

function textRef(node: MessageStructureObject): TextPartRef | null {
  if (node.type !== 'text/plain' && node.type !== 'text/html') return null;
  return {
    part: partNumber(node),
    subtype: node.type === 'text/html' ? 'html' : 'plain',
    encoding: node.encoding ?? '7bit',
    charset: node.parameters?.charset ?? '',
    size: node.size ?? 0,
  };
}

/**
 * A multipart whose boundary never occurs: Dovecot describes it as one empty text/plain part
 * (seen with Dovecot 2.3 for a missing delimiter line or an RFC 2231-continued boundary). A
 * multipart whose only part is really empty looks the same; only its body tells them apart.
 */
export function isUnsplit(node: MessageStructureObject): boolean {
  const only = node.childNodes?.length === 1 ? node.childNodes[0] : undefined;
  return (
    isMultipart(node) &&
    only !== undefined &&
    only.type === 'text/plain' &&
    (only.size ?? 0) === 0 &&
    only.disposition === undefined &&
    only.id === undefined
  );
}

/** First text/plain or text/html leaf that is not an attachment, depth first; for snippets. */
export function firstTextPart(node: MessageStructureObject): TextPartRef | null {
  if (isMultipart(node)) {
    for (const child of node.childNodes ?? []) {
      const found = firstTextPart(child);
      if (found) return found;
    }
    return null;
  }
  if (node.type === 'message/rfc822' || isAttachmentDisposition(node)) return null;
  return textRef(node);
}

/** True when the message has a part a reader would list as an attachment. */
export function hasAttachments(root: MessageStructureObject): boolean {
  return planDisplay(root).attachments.some((a) => a.disposition === 'attachment');
}

function stripAngles(id: string | undefined): string | null {
  if (id === undefined || id.trim() === '') return null;
  return id.trim().replace(/^<|>$/g, '');
}

/** Decoded size estimate: base64 carries 3 bytes in 4 characters. */
function decodedSize(node: MessageStructureObject): number {
  const size = node.size ?? 0;
  return node.encoding === 'base64' ? Math.floor((size * 3) / 4) : size;
}

export function attachmentOf(
  node: MessageStructureObject,
  disposition: AttachmentInfo['disposition'],
): AttachmentInfo {
  const part = partNumber(node);
  const extension = fallbackExtensions[node.type] ?? 'bin';
  const named =
    node.dispositionParameters?.filename ??
    node.parameters?.name ??
    (node.type === 'message/rfc822' && node.envelope?.subject
      ? `${node.envelope.subject}.eml`
      : undefined);
  return {
    part,
    filename: safeFilename(named, `attachment-${part}.${extension}`),
    contentType: node.type || 'application/octet-stream',
    size: decodedSize(node),
    disposition,
    contentId: stripAngles(node.id),
  };
}

/** Finds the node with part number `part`, not descending into attached messages. */
export function findPart(
  root: MessageStructureObject,
  part: string,
): MessageStructureObject | null {
  if (partNumber(root) === part && !isMultipart(root)) return root;
  if (!isMultipart(root)) return null;
  for (const child of root.childNodes ?? []) {
    const found = findPart(child, part);
    if (found) return found;
  }
  return null;
}

/**
 * What the reader shows. multipart/alternative: the plain and the html version; mixed: inline
 * text parts; related: the root plus its parts as inline attachments; everything else (and an
 * attached message as one item) is listed as an attachment.
 */
export function planDisplay(root: MessageStructureObject): DisplayPlan {
  const plan: DisplayPlan = { plain: [], html: null, attachments: [] };
  walk(root, plan, 'mixed');
  return plan;
}

type Context = 'mixed' | 'alternative' | 'related-root';

/**
 * A nested multipart the server did not split, as a text part to show whole. The message itself
 * is checked by the reader, which has its header.
 */
function unsplitRef(node: MessageStructureObject): TextPartRef | null {
  if (node.part === undefined || !isUnsplit(node)) return null;
  return {
    part: node.part,
    subtype: 'plain',
    encoding: node.encoding ?? '7bit',
    charset: '',
    size: node.size ?? 0,
    unsplitBoundary: node.parameters?.boundary ?? '',
  };
}

function walk(node: MessageStructureObject, plan: DisplayPlan, context: Context): void {
  const unsplit = unsplitRef(node);
  if (unsplit !== null) {
    plan.plain.push(unsplit);
    return;
  }
  if (node.type === 'multipart/alternative') return walkAlternative(node, plan);
  if (node.type === 'multipart/related') return walkRelated(node, plan);
  if (isMultipart(node)) {
    for (const child of node.childNodes ?? []) walk(child, plan, 'mixed');
    return;
  }
  const text = isAttachmentDisposition(node) ? null : textRef(node);
  if (text?.subtype === 'plain' && context !== 'alternative') {
    plan.plain.push(text);
    return;
  }
  if (text?.subtype === 'html' && plan.html === null) {
    plan.html = text;
    return;
  }
  plan.attachments.push(
    attachmentOf(node, node.disposition === 'inline' ? 'inline' : 'attachment'),
  );
}

function walkAlternative(node: MessageStructureObject, plan: DisplayPlan): void {
  const children = node.childNodes ?? [];
  let plainTaken = false;
  let htmlTaken = false;
  for (const child of children) {
    const text = textRef(child);
    const unsplit = unsplitRef(child);
    if (unsplit !== null) {
      // Another version of what the plain one shows; shown whole only when there is none.
      if (!plainTaken) plan.plain.push(unsplit);
      plainTaken = true;
    } else if (text?.subtype === 'plain' && !plainTaken && !isAttachmentDisposition(child)) {
      plan.plain.push(text);
      plainTaken = true;
    } else if (text?.subtype === 'html' && !htmlTaken && plan.html === null) {
      plan.html = text;
      htmlTaken = true;
    } else if (child.type === 'multipart/related' && !htmlTaken && plan.html === null) {
      walkRelated(child, plan);
      htmlTaken = plan.html !== null;
    } else if (isMultipart(child)) {
      walk(child, plan, 'alternative');
    } else {
      plan.attachments.push(attachmentOf(child, 'attachment'));
    }
  }
}

function walkRelated(node: MessageStructureObject, plan: DisplayPlan): void {
  const children = node.childNodes ?? [];
  const start = stripAngles(node.parameters?.start);
  const rootIndex = Math.max(
    0,
    start === null ? 0 : children.findIndex((c) => stripAngles(c.id) === start),
  );
  children.forEach((child, i) => {
    if (i === rootIndex) {
      walk(child, plan, 'related-root');
      return;
    }
    if (isMultipart(child)) {
      walk(child, plan, 'mixed');
      return;
    }
    // A related part the sender marked as an attachment is listed even when it has a
    // Content-ID: the HTML may show it, but the sender asked for it to be offered as a file.
    plan.attachments.push(
      attachmentOf(child, isAttachmentDisposition(child) ? 'attachment' : 'inline'),
    );
  });
}
