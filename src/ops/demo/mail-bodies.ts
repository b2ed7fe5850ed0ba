// Owns the body shapes of generated mail (plain, HTML, alternative, mixed, nested, related,
// forwarded) and what a correct decoder must find in each. Must not pick folders or dates.
import type { Charset, MimePart, TransferEncoding } from './mime-build.js';
import { crlf, encodeCharset, leafPart, multipart, parameter } from './mime-build.js';
import {
  makeCsv,
  makePdf,
  makePng,
  makeTextFile,
  type Language,
  type Random,
} from './demo-content.js';

export type BodyKind =
  'plain' | 'html' | 'alternative' | 'mixed' | 'nested' | 'related' | 'forward';

export const bodyKinds: readonly BodyKind[] = [
  'plain',
  'html',
  'alternative',
  'mixed',
  'nested',
  'related',
  'forward',
];

/** Address of the tracking pixel some HTML mail carries: loopback, a port nobody serves. */
export const trackingPixelUrl = 'http://127.0.0.1:9/pixel.gif';

export interface GeneratedAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
  disposition: 'attachment' | 'inline';
  /** Without angle brackets; set for inline images referenced as cid: from HTML. */
  contentId: string | null;
}

export interface BuiltBody {
  part: MimePart;
  /** The plain text body decoded, line ends as '\n' (CRLF on the wire), or null. */
  text: string | null;
  html: string | null;
  attachments: GeneratedAttachment[];
}

export interface BodyInput {
  random: Random;
  kind: BodyKind;
  language: Language;
  charset: Charset;
  recipientName: string;
  senderName: string;
  /** Builds a complete message for the forwarded case (message/rfc822). */
  innerMessage: () => Buffer;
}

function paragraphs(input: BodyInput): string[] {
  const { random, language } = input;
  const count = random.int(1, 4);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const sentences: string[] = [];
    for (let j = random.int(1, 3); j > 0; j--) sentences.push(random.pick(language.sentences));
    out.push(sentences.join(' '));
  }
  return out;
}

function plainText(input: BodyInput, paras: string[]): string {
  const name = input.recipientName.split(' ')[0] ?? '';
  const greeting = name === '' ? input.language.greeting : `${input.language.greeting} ${name}`;
  const signature = input.senderName === '' ? '' : `\n${input.senderName}`;
  return `${greeting}\n\n${paras.join('\n\n')}\n\n${input.language.closing}${signature}\n`;
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c,
  );
}

function linkify(text: string): string {
  return escapeHtml(text).replace(
    /https?:\/\/[^\s<]+[^\s<.,;:!?)]/g,
    (url) => `<a href="${url}">${url}</a>`,
  );
}

function htmlText(input: BodyInput, paras: string[], extra: string): string {
  const body = paras.map((p) => `<p>${linkify(p)}</p>`).join('\n');
  return (
    `<!DOCTYPE html>\n<html><head><meta charset="${input.charset}"><title></title></head>\n` +
    `<body style="font-family: sans-serif">\n<p>${escapeHtml(input.language.greeting)}</p>\n` +
    `${body}\n<p>${escapeHtml(input.language.closing)}</p>\n${extra}</body></html>\n`
  );
}

function textEncoding(random: Random, charset: Charset): TransferEncoding {
  if (charset === 'us-ascii') return random.pick(['7bit', 'quoted-printable'] as const);
  if (charset === 'iso-2022-jp') return random.pick(['7bit', 'base64'] as const);
  return random.pick(['8bit', 'quoted-printable', 'base64'] as const);
}

function textPart(input: BodyInput, subtype: 'plain' | 'html', text: string): MimePart {
  return leafPart({
    contentType: `text/${subtype}; charset="${input.charset}"`,
    // On the wire every line ends in CRLF, so Dovecot hands back exactly these bytes.
    content: encodeCharset(crlf(text), input.charset),
    encoding: textEncoding(input.random, input.charset),
  });
}

function attachmentPart(attachment: GeneratedAttachment): MimePart {
  const isMessage = attachment.contentType.startsWith('message/');
  // RFC 2046 §5.2.1: message/rfc822 may only be 7bit, 8bit or binary.
  const encoding: TransferEncoding = !isMessage
    ? 'base64'
    : attachment.content.some((b) => b >= 0x80)
      ? '8bit'
      : '7bit';
  const extra = [
    `Content-Disposition: ${attachment.disposition}; ${parameter('filename', attachment.filename)}`,
  ];
  if (attachment.contentId !== null) extra.push(`Content-ID: <${attachment.contentId}>`);
  const type = isMessage
    ? attachment.contentType
    : `${attachment.contentType}; ${parameter('name', attachment.filename)}`;
  return leafPart({
    contentType: type,
    content: attachment.content,
    encoding,
    extraHeaders: extra,
  });
}

function randomAttachment(random: Random, index: number): GeneratedAttachment {
  const choice = random.int(0, 3);
  const base = { disposition: 'attachment' as const, contentId: null };
  switch (choice) {
    case 0:
      return {
        ...base,
        filename: `photo-${index + 1}.png`,
        contentType: 'image/png',
        content: makePng(random),
      };
    case 1:
      return {
        ...base,
        filename: random.pick(['report.pdf', 'Rechnung_März.pdf', 'invoice-2025.pdf']),
        contentType: 'application/pdf',
        content: makePdf(`Document ${random.hex(6)}`),
      };
    case 2:
      return {
        ...base,
        filename: 'notes.txt',
        contentType: 'text/plain',
        content: makeTextFile(random),
      };
    default:
      return {
        ...base,
        filename: 'figures.csv',
        contentType: 'text/csv',
        content: makeCsv(random),
      };
  }
}

function boundary(random: Random): string {
  return `----=_AlphaMail_${random.hex(16)}`;
}

export function buildBody(input: BodyInput): BuiltBody {
  const { random } = input;
  const paras = paragraphs(input);
  const text = plainText(input, paras);
  const pixel = random.chance(0.5)
    ? `<img src="${trackingPixelUrl}" width="1" height="1" alt="">\n`
    : '';
  switch (input.kind) {
    case 'plain':
      return { part: textPart(input, 'plain', text), text, html: null, attachments: [] };
    case 'html': {
      const html = htmlText(input, paras, pixel);
      return { part: textPart(input, 'html', html), text: null, html, attachments: [] };
    }
    case 'alternative': {
      const html = htmlText(input, paras, pixel);
      const part = multipart('alternative', boundary(random), [
        textPart(input, 'plain', text),
        textPart(input, 'html', html),
      ]);
      return { part, text, html, attachments: [] };
    }
    case 'mixed': {
      const attachments = Array.from({ length: random.int(1, 3) }, (_, i) =>
        randomAttachment(random, i),
      );
      const part = multipart('mixed', boundary(random), [
        textPart(input, 'plain', text),
        ...attachments.map(attachmentPart),
      ]);
      return { part, text, html: null, attachments };
    }
    case 'related':
    case 'nested': {
      const image: GeneratedAttachment = {
        filename: 'logo.png',
        contentType: 'image/png',
        content: makePng(random, 48, 16),
        disposition: 'inline',
        contentId: `logo.${random.hex(10)}@demo.test`,
      };
      const html = htmlText(input, paras, `<p><img src="cid:${image.contentId}" alt="Logo"></p>\n`);
      const related = multipart('related', boundary(random), [
        textPart(input, 'html', html),
        attachmentPart(image),
      ]);
      const alternative = multipart('alternative', boundary(random), [
        textPart(input, 'plain', text),
        related,
      ]);
      if (input.kind === 'related') return { part: alternative, text, html, attachments: [image] };
      const pdf: GeneratedAttachment = {
        filename: 'agenda.pdf',
        contentType: 'application/pdf',
        content: makePdf('Agenda'),
        disposition: 'attachment',
        contentId: null,
      };
      const part = multipart('mixed', boundary(random), [alternative, attachmentPart(pdf)]);
      return { part, text, html, attachments: [image, pdf] };
    }
    case 'forward': {
      const forwarded: GeneratedAttachment = {
        filename: 'forwarded-message.eml',
        contentType: 'message/rfc822',
        content: input.innerMessage(),
        disposition: 'attachment',
        contentId: null,
      };
      const part = multipart('mixed', boundary(random), [
        textPart(input, 'plain', text),
        attachmentPart(forwarded),
      ]);
      return { part, text, html: null, attachments: [forwarded] };
    }
  }
}
