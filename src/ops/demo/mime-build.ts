// Owns the byte-exact building blocks of generated demo mail: charsets, RFC 2047 words,
// transfer encodings, MIME parts with CRLF line ends. Must not decide content; pure functions.
import iconv from 'iconv-lite';

/** RFC 2045 §6.7/6.8: encoded lines stay at or under 76 characters. */
const encodedLineChars = 76;
/** Characters of text per RFC 2047 encoded word, so each word stays under 75 octets. */
const wordChars = { ascii: 30, wide: 9 };

export type Charset = 'utf-8' | 'iso-8859-1' | 'koi8-r' | 'iso-2022-jp' | 'gb2312' | 'us-ascii';
export type TransferEncoding = '7bit' | '8bit' | 'quoted-printable' | 'base64';

/**
 * ISO-2022-JP (RFC 1468) from EUC-JP: JIS X 0208 pairs are EUC-JP pairs with the high bits
 * cleared, framed by ESC $ B … ESC ( B. iconv-lite has no ISO-2022-JP encoder of its own.
 */
function encodeIso2022Jp(text: string): Buffer {
  const euc = iconv.encode(text, 'euc-jp');
  if (iconv.decode(euc, 'euc-jp') !== text) throw new Error(`ISO-2022-JP cannot hold: ${text}`);
  const out: number[] = [];
  let wide = false;
  for (let i = 0; i < euc.length; i++) {
    const byte = euc[i] as number;
    if (byte < 0x80) {
      if (wide) out.push(0x1b, 0x28, 0x42);
      wide = false;
      out.push(byte);
    } else {
      if (byte === 0x8e || byte === 0x8f) throw new Error('half-width kana and JIS X 0212 unused');
      if (!wide) out.push(0x1b, 0x24, 0x42);
      wide = true;
      out.push(byte & 0x7f, (euc[i + 1] as number) & 0x7f);
      i++;
    }
  }
  if (wide) out.push(0x1b, 0x28, 0x42);
  return Buffer.from(out);
}

export function encodeCharset(text: string, charset: Charset): Buffer {
  if (charset === 'iso-2022-jp') return encodeIso2022Jp(text);
  if (charset === 'us-ascii' || charset === 'utf-8') return Buffer.from(text, 'utf8');
  const bytes = iconv.encode(text, charset);
  // Guard against characters the charset cannot hold (iconv-lite writes '?').
  if (iconv.decode(bytes, charset) !== text) throw new Error(`${charset} cannot hold: ${text}`);
  return bytes;
}

/** Whether every character of `text` exists in `charset`. */
export function canEncode(text: string, charset: Charset): boolean {
  if (charset === 'utf-8') return true;
  // eslint-disable-next-line no-control-regex -- US-ASCII is exactly the range 0x00-0x7f.
  if (charset === 'us-ascii') return /^[\x00-\x7f]*$/.test(text);
  try {
    encodeCharset(text, charset);
    return true;
  } catch {
    return false;
  }
}

function isPlainAscii(text: string): boolean {
  return /^[\x20-\x7e]*$/.test(text);
}

function qWord(bytes: Buffer): string {
  let out = '';
  for (const byte of bytes) {
    if (byte === 0x20) out += '_';
    else if (/[A-Za-z0-9!*+\-/]/.test(String.fromCharCode(byte))) out += String.fromCharCode(byte);
    else out += '=' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/** RFC 2047 encoded words for `text`, folded with CRLF SP between words. */
export function encodeWords(text: string, charset: Charset, encoding: 'B' | 'Q'): string {
  const chars = [...text];
  const step = chars.every((c) => c.charCodeAt(0) < 0x100) ? wordChars.ascii : wordChars.wide;
  const words: string[] = [];
  for (let i = 0; i < chars.length; i += step) {
    const bytes = encodeCharset(chars.slice(i, i + step).join(''), charset);
    const payload = encoding === 'B' ? bytes.toString('base64') : qWord(bytes);
    words.push(`=?${charset.toUpperCase()}?${encoding}?${payload}?=`);
  }
  return words.join('\r\n ');
}

/** A header value that is plain ASCII as is, encoded words otherwise. */
export function headerText(text: string, charset: Charset = 'utf-8', enc: 'B' | 'Q' = 'B') {
  return isPlainAscii(text) ? text : encodeWords(text, charset, enc);
}

/** `Name <address>`: display name quoted or encoded as needed (RFC 5322 §3.4). */
export function formatAddress(name: string, address: string, charset: Charset = 'utf-8'): string {
  if (name === '') return address;
  if (!isPlainAscii(name)) return `${encodeWords(name, charset, 'B')} <${address}>`;
  if (/^[A-Za-z0-9 !#$%&'*+\-/=?^_`{|}~]*$/.test(name)) return `${name} <${address}>`;
  return `"${name.replace(/["\\]/g, '\\$&')}" <${address}>`;
}

/** RFC 5322 date, always in UTC with +0000 so it is reproducible. */
export function formatDate(date: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = 'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' ');
  const pad = (n: number): string => String(n).padStart(2, '0');
  return (
    `${days[date.getUTCDay()]}, ${date.getUTCDate()} ${months[date.getUTCMonth()]} ` +
    `${date.getUTCFullYear()} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:` +
    `${pad(date.getUTCSeconds())} +0000`
  );
}

function base64Lines(bytes: Buffer): string {
  const text = bytes.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < text.length; i += encodedLineChars) {
    lines.push(text.slice(i, i + encodedLineChars));
  }
  // Ending in CRLF keeps every generated message ending in a line break.
  return lines.map((line) => line + '\r\n').join('');
}

/** Quoted-printable (RFC 2045 §6.7) of bytes whose line ends are CRLF. */
function quotedPrintable(bytes: Buffer): string {
  const out: string[] = [];
  const text = bytes.toString('latin1');
  for (const line of text.split('\r\n')) {
    let encoded = '';
    let lineLength = 0;
    for (let i = 0; i < line.length; i++) {
      const code = line.charCodeAt(i);
      const atEnd = i === line.length - 1;
      const literal =
        (code >= 33 && code <= 126 && code !== 61) || ((code === 32 || code === 9) && !atEnd);
      const piece = literal
        ? line.charAt(i)
        : '=' + code.toString(16).toUpperCase().padStart(2, '0');
      if (lineLength + piece.length > encodedLineChars - 1) {
        encoded += '=\r\n';
        lineLength = 0;
      }
      encoded += piece;
      lineLength += piece.length;
    }
    out.push(encoded);
  }
  return out.join('\r\n');
}

/** Body bytes in their transfer encoding; text bodies must already have CRLF line ends. */
export function transferEncode(bytes: Buffer, encoding: TransferEncoding): Buffer {
  switch (encoding) {
    case 'base64':
      return Buffer.from(base64Lines(bytes), 'latin1');
    case 'quoted-printable':
      return Buffer.from(quotedPrintable(bytes), 'latin1');
    default:
      return bytes;
  }
}

/** Text with any line ends turned into CRLF. */
export function crlf(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}

export interface MimePart {
  /** Header lines without line ends, already encoded (ASCII only). */
  headers: string[];
  /** Body bytes after transfer encoding. */
  body: Buffer;
}

/** A leaf part: Content-Type with charset, transfer encoding, optional disposition. */
export function leafPart(opts: {
  contentType: string;
  content: Buffer;
  encoding: TransferEncoding;
  extraHeaders?: string[];
}): MimePart {
  return {
    headers: [
      `Content-Type: ${opts.contentType}`,
      `Content-Transfer-Encoding: ${opts.encoding}`,
      ...(opts.extraHeaders ?? []),
    ],
    body: transferEncode(opts.content, opts.encoding),
  };
}

/** A multipart/* part; the boundary must be unique in the message (caller supplies it). */
export function multipart(subtype: string, boundary: string, parts: MimePart[]): MimePart {
  const chunks: Buffer[] = [Buffer.from('This is a multi-part message in MIME format.\r\n')];
  for (const part of parts) {
    chunks.push(Buffer.from(`\r\n--${boundary}\r\n`), serializePart(part));
  }
  chunks.push(Buffer.from(`\r\n--${boundary}--\r\n`));
  return {
    headers: [`Content-Type: multipart/${subtype}; boundary="${boundary}"`],
    body: Buffer.concat(chunks),
  };
}

/** Headers, blank line, body. */
export function serializePart(part: MimePart): Buffer {
  return Buffer.concat([Buffer.from(part.headers.join('\r\n') + '\r\n\r\n', 'latin1'), part.body]);
}

/** `key="value"`, or RFC 2231 `key*=utf-8''…` when the value is not plain ASCII. */
export function parameter(key: string, value: string): string {
  if (isPlainAscii(value)) return `${key}="${value.replace(/["\\]/g, '\\$&')}"`;
  const escaped = [...Buffer.from(value, 'utf8')]
    .map((b) =>
      /[A-Za-z0-9.\-_]/.test(String.fromCharCode(b))
        ? String.fromCharCode(b)
        : '%' + b.toString(16).toUpperCase().padStart(2, '0'),
    )
    .join('');
  return `${key}*=utf-8''${escaped}`;
}
