// Owns IMAP modified UTF-7 mailbox names (RFC 3501 §5.1.3): UTF-16 text ↔ the 7-bit wire form.
// Pure: no I/O; decoding malformed input throws AM_BAD_REQUEST and nothing else.
import { AlphaMailError } from '../base/index.js';

/** RFC 3501 §5.1.3: base64 of RFC 2045 with "," in place of "/", and no "=" padding. */
const modifiedBase64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,';
const ampersand = 0x26;
const hyphen = 0x2d;

/** Printable US-ASCII stands for itself; everything else goes into a base64 run. */
function isDirect(codeUnit: number): boolean {
  return codeUnit >= 0x20 && codeUnit <= 0x7e;
}

function encodeRun(run: string): string {
  let out = '';
  let bits = 0;
  let bitCount = 0;
  for (let i = 0; i < run.length; i++) {
    // UTF-16 code units, big-endian, so lone surrogates survive a round trip too.
    bits = (bits << 16) | run.charCodeAt(i);
    bitCount += 16;
    while (bitCount >= 6) {
      bitCount -= 6;
      out += modifiedBase64[(bits >> bitCount) & 0x3f];
    }
    bits &= (1 << bitCount) - 1;
  }
  if (bitCount > 0) out += modifiedBase64[(bits << (6 - bitCount)) & 0x3f];
  return out;
}

/** Encodes a mailbox name (any JavaScript string) into its wire form. */
export function encodeMailboxName(name: string): string {
  let out = '';
  let i = 0;
  while (i < name.length) {
    const unit = name.charCodeAt(i);
    if (isDirect(unit)) {
      out += unit === ampersand ? '&-' : name.charAt(i);
      i++;
      continue;
    }
    let end = i + 1;
    while (end < name.length && !isDirect(name.charCodeAt(end))) end++;
    out += `&${encodeRun(name.slice(i, end))}-`;
    i = end;
  }
  return out;
}

function malformed(wire: string, at: number, what: string): AlphaMailError {
  return new AlphaMailError(
    'AM_BAD_REQUEST',
    `malformed modified UTF-7 mailbox name at offset ${at}: ${what}`,
    { offset: at, length: wire.length },
  );
}

function decodeRun(wire: string, start: number, end: number): string {
  let out = '';
  let bits = 0;
  let bitCount = 0;
  for (let i = start; i < end; i++) {
    const value = modifiedBase64.indexOf(wire.charAt(i));
    if (value < 0) throw malformed(wire, i, 'not a modified base64 character');
    bits = ((bits << 6) | value) & 0x3fffff;
    bitCount += 6;
    if (bitCount >= 16) {
      bitCount -= 16;
      out += String.fromCharCode((bits >> bitCount) & 0xffff);
      bits &= (1 << bitCount) - 1;
    }
  }
  // RFC 2152 (which §5.1.3 builds on): the bits left over must be fewer than six, and zero.
  if (bitCount >= 6 || bits !== 0) throw malformed(wire, end, 'base64 run ends mid-character');
  return out;
}

/** Decodes a wire mailbox name. Throws AM_BAD_REQUEST for anything RFC 3501 does not allow. */
export function decodeMailboxName(wire: string): string {
  let out = '';
  let i = 0;
  while (i < wire.length) {
    const unit = wire.charCodeAt(i);
    if (!isDirect(unit)) throw malformed(wire, i, 'character outside printable US-ASCII');
    if (unit !== ampersand) {
      out += wire.charAt(i);
      i++;
      continue;
    }
    let end = i + 1;
    while (end < wire.length && wire.charCodeAt(end) !== hyphen) end++;
    if (end >= wire.length) throw malformed(wire, i, '"&" run without closing "-"');
    out += end === i + 1 ? '&' : decodeRun(wire, i + 1, end);
    i = end + 1;
  }
  return out;
}
