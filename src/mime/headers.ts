// Owns reading a message's header block (IMAP BODY.PEEK[HEADER]) into the fields the index
// shows, and RFC 2047 decoding. Pure: no network or disk; never throws on malformed input.
import { TextDecoder } from 'node:util';
import { addressParser } from 'postal-mime';
import { decodeCharset, decodeTransferEncoding, decodeUnlabelled } from './decode.js';

/** Header blocks beyond this are spam or attacks; the rest is ignored (with a notice). */
const maxHeaderBlockBytes = 256 * 1024;
/** Addresses kept per field: a million-recipient To line must not balloon the index. */
const maxAddressesPerField = 500;
/** Encoded-word-bearing text longer than this is not decoded word by word (regex cost). */
const maxDecodedHeaderChars = 64 * 1024;

export interface Address {
  name: string;
  address: string;
}

export interface MessageHeaders {
  subject: string;
  from: Address[];
  to: Address[];
  cc: Address[];
  replyTo: Address[];
  /** ISO 8601, or null when absent or unreadable. */
  date: string | null;
  /** With angle brackets, as written: `<id@host>`. */
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  /** Short, human-readable notes on what could not be read. */
  notices: string[];
}

// RFC 2047 §2: =?charset?encoding?encoded-text?= with no blanks or '?' inside.
const encodedWordPattern = /=\?([^?\s]+)\?([QqBb])\?([^?\s]*)\?=/g;
const base64TextPattern = /^[A-Za-z0-9+/]*={0,2}$/;

interface Piece {
  readonly text?: string;
  readonly charset?: string;
  readonly bytes?: Buffer;
}

function wordBytes(encoding: string, text: string): Buffer | null {
  if (encoding === 'B' || encoding === 'b') {
    if (!base64TextPattern.test(text)) return null;
    return decodeTransferEncoding(Buffer.from(text, 'latin1'), 'base64');
  }
  // Q: '_' is a space (RFC 2047 §4.2); =XX escapes; the rest is literal.
  const literal = Buffer.from(text.replace(/_/g, ' '), 'utf8');
  return decodeTransferEncoding(literal, 'quoted-printable');
}

/**
 * Decodes RFC 2047 encoded words in any charset. Blanks between adjacent encoded words are
 * dropped (§6.2) and adjacent words in one charset are joined as bytes first, so a multibyte
 * character split across two words survives. Malformed words are left as written.
 */
export function decodeHeaderWords(s: string): string {
  if (!s.includes('=?') || s.length > maxDecodedHeaderChars) return s;
  const pieces: Piece[] = [];
  let last = 0;
  let previousWasWord = false;
  for (const match of s.matchAll(encodedWordPattern)) {
    const [whole, charset = '', encoding = '', text = ''] = match;
    const between = s.slice(last, match.index);
    const bytes = wordBytes(encoding, text);
    if (bytes === null) {
      pieces.push({ text: between + whole });
      previousWasWord = false;
    } else {
      if (!(previousWasWord && /^[ \t\r\n]*$/.test(between)) && between !== '') {
        pieces.push({ text: between });
      }
      const before = pieces[pieces.length - 1];
      const label = charset.toLowerCase().replace(/\*.*$/, '');
      if (previousWasWord && before?.bytes !== undefined && before.charset === label) {
        pieces[pieces.length - 1] = { charset: label, bytes: Buffer.concat([before.bytes, bytes]) };
      } else {
        pieces.push({ charset: label, bytes });
      }
      previousWasWord = true;
    }
    last = match.index + whole.length;
  }
  pieces.push({ text: s.slice(last) });
  return pieces
    .map((p) => p.text ?? decodeCharset(p.bytes ?? Buffer.alloc(0), p.charset ?? null))
    .join('');
}

/** Splits the header block into unfolded lines, each decoded from bytes on its own. */
function unfoldedLines(raw: Buffer, notices: string[]): string[] {
  let block = raw;
  if (block.length > maxHeaderBlockBytes) {
    block = block.subarray(0, maxHeaderBlockBytes);
    notices.push('The header is too long; only its start was read.');
  }
  const lines: string[] = [];
  let start = 0;
  while (start < block.length) {
    let end = block.indexOf(0x0a, start);
    if (end === -1) end = block.length;
    let lineEnd = end;
    if (lineEnd > start && block[lineEnd - 1] === 0x0d) lineEnd--;
    const bytes = block.subarray(start, lineEnd);
    start = end + 1;
    if (bytes.length === 0) break; // blank line: end of the header block
    // Per line, so one Latin-1 header does not spoil the UTF-8 ones around it.
    const text = decodeUnlabelled(bytes);
    const first = bytes[0];
    if ((first === 0x20 || first === 0x09) && lines.length > 0) {
      lines[lines.length - 1] += text;
    } else {
      lines.push(text);
    }
  }
  return lines;
}

function collectFields(lines: readonly string[], notices: string[]): Map<string, string[]> {
  const fields = new Map<string, string[]>();
  let skipped = 0;
  for (const [index, line] of lines.entries()) {
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim().toLowerCase() : '';
    // eslint-disable-next-line no-control-regex -- stripping control characters is the point
    if (name === '' || /[\s\x00-\x1f]/.test(name)) {
      // An mbox "From " separator on the first line is normal, not worth a notice.
      if (!(index === 0 && line.startsWith('From '))) skipped++;
      continue;
    }
    const values = fields.get(name) ?? [];
    values.push(line.slice(colon + 1).trim());
    fields.set(name, values);
  }
  if (skipped > 0) notices.push(`Ignored ${skipped} malformed header line(s).`);
  return fields;
}

function cleanText(s: string): string {
  return (
    s
      // eslint-disable-next-line no-control-regex -- stripping control characters is the point
      .replace(/[\x00-\x1f\x7f]+/g, ' ')
      .replace(/ {2,}/g, ' ')
      .trim()
  );
}

/**
 * Encoded words in charsets TextDecoder lacks (UTF-7, old code pages) would be misread by the
 * address parser, so they are decoded here first and put back as quoted strings.
 */
function predecodeRareCharsets(value: string): string {
  return value.replace(
    encodedWordPattern,
    (whole, charset: string, _enc, _text, offset: number) => {
      try {
        new TextDecoder(charset.replace(/\*.*$/, ''));
        return whole;
      } catch {
        const quotesBefore = (value.slice(0, offset).match(/(?<!\\)"/g) ?? []).length;
        if (quotesBefore % 2 === 1) return whole; // inside a quoted string already
        const decoded = cleanText(decodeHeaderWords(whole));
        return `"${decoded.replace(/[\\"]/g, '\\$&')}"`;
      }
    },
  );
}

function parseAddresses(values: readonly string[] | undefined, notices: string[]): Address[] {
  if (values === undefined || values.length === 0) return [];
  const out: Address[] = [];
  try {
    for (const mailbox of addressParser(predecodeRareCharsets(values.join(', ')), {
      flatten: true,
    })) {
      if (out.length >= maxAddressesPerField) {
        notices.push(`Only the first ${maxAddressesPerField} addresses of a field are shown.`);
        break;
      }
      const name = cleanText(decodeHeaderWords(mailbox.name ?? ''));
      const address = cleanText(mailbox.address ?? '');
      if (name === '' && address === '') continue;
      out.push({ name, address });
    }
  } catch {
    notices.push('An address field could not be read.');
  }
  return out;
}

function parseDate(value: string | undefined, notices: string[]): string | null {
  if (value === undefined || value.trim() === '') return null;
  // Comments such as "(CEST)" and the obsolete "UT" confuse Date.parse; drop them.
  const cleaned = value
    .replace(/\([^)]*\)/g, ' ')
    .replace(/\bUT\b/, 'GMT')
    .trim();
  const ms = Date.parse(cleaned);
  if (Number.isNaN(ms)) {
    notices.push('The Date header could not be read.');
    return null;
  }
  return new Date(ms).toISOString();
}

function messageIds(value: string | undefined): string[] {
  if (value === undefined) return [];
  return (value.match(/<[^<>\s]+>/g) ?? []).slice(0, maxAddressesPerField);
}

function singleId(value: string | undefined): string | null {
  const ids = messageIds(value);
  if (ids[0] !== undefined) return ids[0];
  const bare = value?.trim().split(/\s+/)[0] ?? '';
  return bare === '' ? null : bare;
}

/** Reads a header block. Never throws: what cannot be read is left out with a notice. */
export function parseMessageHeaders(raw: Buffer): MessageHeaders {
  const notices: string[] = [];
  const fields = collectFields(unfoldedLines(raw, notices), notices);
  const first = (name: string): string | undefined => fields.get(name)?.[0];
  const references = messageIds(fields.get('references')?.join(' '));
  return {
    subject: cleanText(decodeHeaderWords(first('subject') ?? '')),
    from: parseAddresses(fields.get('from'), notices),
    to: parseAddresses(fields.get('to'), notices),
    cc: parseAddresses(fields.get('cc'), notices),
    replyTo: parseAddresses(fields.get('reply-to'), notices),
    date: parseDate(first('date'), notices),
    messageId: singleId(first('message-id')),
    inReplyTo: messageIds(first('in-reply-to'))[0] ?? null,
    references,
    notices: [...new Set(notices)],
  };
}
