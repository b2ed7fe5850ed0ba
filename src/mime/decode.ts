// Owns turning stored MIME bytes into text: Content-Transfer-Encoding and charsets, tolerant of
// input cut at any byte (partial fetches). Pure: no network, no disk; never throws on bad input.
import { TextDecoder } from 'node:util';
import iconv from 'iconv-lite';

/** Labels iconv-lite spells differently from what mail clients write (keys are normalised). */
const iconvAliases: ReadonlyMap<string, string> = new Map([
  ['unicode11utf7', 'utf7'],
  ['utf7imap', 'utf7imap'],
  ['macroman', 'macintosh'],
  ['xmacroman', 'macintosh'],
]);

/** Base64 alphabet plus the URL-safe variant Node also accepts; anything else is noise. */
const notBase64Pattern = /[^A-Za-z0-9+/\-_]/g;

function isHexDigit(byte: number | undefined): boolean {
  if (byte === undefined) return false;
  return (
    (byte >= 0x30 && byte <= 0x39) ||
    (byte >= 0x41 && byte <= 0x46) ||
    (byte >= 0x61 && byte <= 0x66)
  );
}

/**
 * Base64 that survives line breaks, junk and truncation: every complete 2- or 3-character tail
 * still yields the bytes it fully determines, so a cut part decodes to a prefix of the whole.
 * Padding splits segments, because some senders concatenate separately padded chunks.
 */
function decodeBase64Tolerant(bytes: Buffer): Buffer {
  const text = bytes.toString('latin1');
  const chunks: Buffer[] = [];
  for (const segment of text.split(/=+/)) {
    const clean = segment.replace(notBase64Pattern, '');
    if (clean.length > 0) chunks.push(Buffer.from(clean, 'base64'));
  }
  return Buffer.concat(chunks);
}

/**
 * Quoted-printable per RFC 2045 §6.7, on bytes so 8-bit junk survives. Soft breaks are removed;
 * an '=' not followed by two hex digits is kept literally, except at the very end where it is
 * an escape cut by truncation and dropped. Trailing blanks added by transports are stripped.
 */
function decodeQuotedPrintableTolerant(bytes: Buffer): Buffer {
  const out = Buffer.alloc(bytes.length);
  let length = 0;
  let i = 0;
  while (i < bytes.length) {
    const byte = bytes[i] as number;
    if (byte === 0x3d) {
      const next = bytes[i + 1];
      const after = bytes[i + 2];
      if (next === undefined) break; // "=" cut at the end
      if (isHexDigit(next) && isHexDigit(after)) {
        out[length++] = Number.parseInt(String.fromCharCode(next, after as number), 16);
        i += 3;
        continue;
      }
      if (isHexDigit(next) && after === undefined) break; // "=4" cut at the end
      // Soft line break: '=' then optional blanks then CRLF or LF.
      let j = i + 1;
      while (bytes[j] === 0x20 || bytes[j] === 0x09) j++;
      if (bytes[j] === 0x0d && bytes[j + 1] === 0x0a) {
        i = j + 2;
        continue;
      }
      if (bytes[j] === 0x0a) {
        i = j + 1;
        continue;
      }
      if (j >= bytes.length || (bytes[j] === 0x0d && j + 1 >= bytes.length)) break;
      out[length++] = byte;
      i++;
      continue;
    }
    if (byte === 0x20 || byte === 0x09) {
      // Blanks before a line end were added in transit (RFC 2045 §6.7 rule 3).
      let j = i;
      while (bytes[j] === 0x20 || bytes[j] === 0x09) j++;
      if (bytes[j] === 0x0d || bytes[j] === 0x0a) {
        i = j;
        continue;
      }
    }
    out[length++] = byte;
    i++;
  }
  return out.subarray(0, length);
}

/** Undoes Content-Transfer-Encoding; unknown encodings pass through as 8bit. Never throws. */
export function decodeTransferEncoding(bytes: Buffer, encoding: string | null): Buffer {
  const name = (encoding ?? '').trim().toLowerCase();
  if (name === 'base64') return decodeBase64Tolerant(bytes);
  if (name === 'quoted-printable') return decodeQuotedPrintableTolerant(bytes);
  return bytes;
}

function normaliseLabel(label: string): string {
  return label
    .trim()
    .toLowerCase()
    .replace(/\*.*$/, '') // RFC 2231 language tag: utf-8*en
    .replace(/^["']|["']$/g, '');
}

/** A fresh decoder per call: stream mode keeps state, and stream mode is what drops a cut tail. */
function makeWhatwgDecoder(label: string, fatal: boolean): TextDecoder | null {
  try {
    return new TextDecoder(label, { fatal });
  } catch {
    return null; // not a WHATWG label, or the "replacement" encoding (iso-2022-kr, hz-gb-2312)
  }
}

function iconvName(label: string): string | null {
  const compact = label.replace(/[^a-z0-9]/g, '');
  const candidates = [
    label,
    iconvAliases.get(compact) ?? '',
    label.replace(/^(?:x-|cs)/, ''),
    compact.replace(/^(?:x|cs)/, ''),
  ];
  for (const candidate of candidates) {
    if (candidate !== '' && iconv.encodingExists(candidate)) return candidate;
  }
  return null;
}

function isStrictUtf8(bytes: Buffer, stream: boolean): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream });
    return true;
  } catch {
    return false;
  }
}

/**
 * True when the bytes are UTF-8. A cut last sequence counts only when a complete multibyte
 * sequence came before it: a lone final 0xE9 is far more likely Latin-1 "é" than a cut.
 */
function isUtf8(bytes: Buffer): boolean {
  if (isStrictUtf8(bytes, false)) return true;
  if (!isStrictUtf8(bytes, true)) return false;
  let tail = bytes.length - 1;
  while (tail > 0 && ((bytes[tail] as number) & 0xc0) === 0x80) tail--;
  return bytes.subarray(0, tail).some((b) => b >= 0x80);
}

/** Text whose charset nobody told us: UTF-8 when the bytes are valid UTF-8, else windows-1252. */
export function decodeUnlabelled(bytes: Buffer): string {
  const label = isUtf8(bytes) ? 'utf-8' : 'windows-1252';
  return (makeWhatwgDecoder(label, false) as TextDecoder).decode(bytes, { stream: true });
}

/** The charsets we can name a decoder for, so callers can tell "known" from "guessed". */
export function isKnownCharset(charset: string): boolean {
  const label = normaliseLabel(charset);
  return makeWhatwgDecoder(label, false) !== null || iconvName(label) !== null;
}

/**
 * Bytes in a declared charset to text. WHATWG labels (what browsers accept, incl. x-sjis,
 * ks_c_5601-1987, latin1 → windows-1252) go to TextDecoder; others (UTF-7, old code pages) to
 * iconv-lite; unknown or absent charsets are guessed. A trailing incomplete multibyte sequence
 * is dropped, since the bytes may be the first part of a longer fetch.
 */
export function decodeCharset(bytes: Buffer, charset: string | null): string {
  const label = normaliseLabel(charset ?? '');
  // us-ascii is routinely declared over 8-bit text; guessing serves readers better.
  if (label === '' || label === 'us-ascii' || label === 'ascii') return decodeUnlabelled(bytes);
  const whatwg = makeWhatwgDecoder(label, false);
  if (whatwg !== null) return whatwg.decode(bytes, { stream: true });
  const name = iconvName(label);
  if (name !== null) {
    try {
      // write() without end() keeps an incomplete tail back instead of emitting U+FFFD.
      return iconv.getDecoder(name).write(bytes);
    } catch {
      return decodeUnlabelled(bytes);
    }
  }
  return decodeUnlabelled(bytes);
}

/** Transfer decoding then charset decoding of one body part. */
export function decodeBodyPart(
  bytes: Buffer,
  part: { encoding: string | null; charset: string | null },
): string {
  return decodeCharset(decodeTransferEncoding(bytes, part.encoding), part.charset);
}
