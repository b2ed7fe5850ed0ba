// Owns reading the To/Cc/Bcc/From fields as a person types them ("Ann <ann@x.org>, "Doe, John"
// <j@y.com>; bob@z.net") into addresses, and writing addresses back into such a field. Pure.
import { domainToASCII } from 'node:url';
import { AlphaMailError } from '../base/index.js';

/** A typed field longer than this is not a recipient list (the protocol allows 500 addresses). */
export const maxAddressFieldChars = 100_000;
/** Same bound as the protocol's draft fields: more recipients are refused, not cut. */
export const maxAddressesPerField = 500;
/** RFC 5321 §4.5.3.1.1: local part at most 64 octets. */
const maxLocalPartOctets = 64;
/** RFC 5321 §4.5.3.1.2 and RFC 1035 §2.3.4: domain at most 255 octets, labels at most 63. */
const maxDomainOctets = 253;
const maxLabelOctets = 63;
/** RFC 5321 §4.5.3.1.3: a path holds 256 octets with its angle brackets. */
const maxAddressOctets = 254;

export interface TypedAddress {
  /** Display name, whitespace collapsed; '' when none was typed. */
  readonly name: string;
  readonly address: string;
}

/** RFC 5322 §3.2.3 atext: what an unquoted local-part word may hold. */
const atextRe = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+$/;
/** An ASCII DNS label (after IDNA): letters, digits, inner hyphens. */
const labelRe = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;
/** Characters that make a display name need quotes to read back the same (RFC 5322 specials). */
const needsQuotesRe = /[()<>[\]:;@\\,."]/;

function badAddress(piece: string, reason: string): AlphaMailError {
  const shown = piece.length > 200 ? `${piece.slice(0, 200)}…` : piece;
  return new AlphaMailError('AM_BAD_ADDRESS', `"${shown}" is not a valid email address`, {
    piece: shown,
    reason,
  });
}

/** Control characters count as spaces, runs of spaces become one: names are one line. */
function normalizeName(name: string): string {
  // eslint-disable-next-line no-control-regex -- folding control characters is the point
  return name.replace(/[\u0000-\u001f\u007f\s]+/g, ' ').trim();
}

function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** Why `addr` is not a usable addr-spec, or null when it is. Non-ASCII is allowed in the domain. */
function addressProblem(addr: string): string | null {
  const at = addr.lastIndexOf('@');
  if (at < 0) return 'it has no @';
  const local = addr.slice(0, at);
  const domain = addr.slice(at + 1);
  if (local === '') return 'nothing before the @';
  if (domain === '') return 'nothing after the @';
  if (byteLength(addr) > maxAddressOctets) return 'it is too long';
  if (byteLength(local) > maxLocalPartOctets) return 'the part before the @ is too long';
  const words = local.split('.');
  if (words.some((w) => !atextRe.test(w)))
    return 'the part before the @ has a character not allowed there';
  if (domain.endsWith('.')) return 'the domain ends with a dot';
  const ascii = domainToASCII(domain);
  if (ascii === '' || byteLength(ascii) > maxDomainOctets) return 'the domain is not valid';
  const labels = ascii.split('.');
  // An all-digit last label is an IP address to URL parsers, never a host name (RFC 1123 §2.1).
  if (
    labels.some((l) => l.length > maxLabelOctets || !labelRe.test(l)) ||
    /^\d+$/.test(labels.at(-1) ?? '')
  ) {
    return 'the domain is not valid';
  }
  return null;
}

/** Removes the quotes and backslash escapes of a quoted string (RFC 5322 §3.2.4). */
function unquote(quoted: string): string {
  return quoted.slice(1, -1).replace(/\\(.)/g, '$1');
}

/**
 * Splits at commas, semicolons and line breaks outside quotes and angle brackets. An open quote
 * or bracket at the end is an error naming the piece it started.
 */
function splitPieces(input: string): string[] {
  const pieces: string[] = [];
  let start = 0;
  let inQuote = false;
  let inAngle = false;
  for (let i = 0; i < input.length; i++) {
    const c = input[i];
    if (inQuote) {
      if (c === '\\') i++;
      else if (c === '"') inQuote = false;
    } else if (c === '"') inQuote = true;
    else if (c === '<') inAngle = true;
    else if (c === '>') inAngle = false;
    else if (!inAngle && (c === ',' || c === ';' || c === '\n' || c === '\r')) {
      pieces.push(input.slice(start, i));
      start = i + 1;
    }
  }
  const last = input.slice(start);
  if (inQuote) throw badAddress(last.trim(), 'a quote is not closed');
  if (inAngle) throw badAddress(last.trim(), 'a < is not closed by >');
  pieces.push(last);
  return pieces;
}

/** One recipient: `addr`, `<addr>`, `Name <addr>` or `"Quoted name" <addr>`. */
function parsePiece(piece: string): TypedAddress {
  const phraseEnd = angleStart(piece);
  if (phraseEnd < 0) {
    if (/["\s>]/.test(piece))
      throw badAddress(piece, 'a name needs the address in <angle brackets>');
    const problem = addressProblem(piece);
    if (problem) throw badAddress(piece, problem);
    return { name: '', address: piece };
  }
  const close = piece.indexOf('>', phraseEnd);
  if (close < 0) throw badAddress(piece, 'a < is not closed by >');
  if (piece.slice(close + 1).trim() !== '') throw badAddress(piece, 'text after the >');
  const address = piece.slice(phraseEnd + 1, close).trim();
  const problem = addressProblem(address);
  if (problem) throw badAddress(piece, problem);
  const phrase = piece.slice(0, phraseEnd).trim();
  let name: string;
  if (phrase.startsWith('"') && phrase.endsWith('"') && phrase.length >= 2) {
    if (phrase.slice(1, -1).replace(/\\./g, '').includes('"')) {
      throw badAddress(piece, 'a name has a stray quote');
    }
    name = unquote(phrase);
  } else {
    if (phrase.includes('"') || phrase.includes('>')) {
      throw badAddress(piece, 'a name has a stray quote or >');
    }
    name = phrase;
  }
  return { name: normalizeName(name), address };
}

/** Index of the first '<' outside a quoted string. */
function angleStart(piece: string): number {
  let inQuote = false;
  for (let i = 0; i < piece.length; i++) {
    const c = piece[i];
    if (inQuote) {
      if (c === '\\') i++;
      else if (c === '"') inQuote = false;
    } else if (c === '"') inQuote = true;
    else if (c === '<') return i;
  }
  return -1;
}

/**
 * Reads a typed address field. Empty pieces (", ,") are skipped. Throws AlphaMailError
 * AM_BAD_ADDRESS, with `details.piece` the offending text as typed (trimmed) and
 * `details.reason` a short phrase, and nothing else.
 */
export function parseAddressList(input: string): TypedAddress[] {
  if (input.length > maxAddressFieldChars) {
    throw new AlphaMailError('AM_BAD_ADDRESS', 'address field too long', {
      piece: `${input.slice(0, 40)}…`,
      reason: 'the field is too long',
    });
  }
  const out: TypedAddress[] = [];
  for (const raw of splitPieces(input)) {
    const piece = raw.trim();
    if (piece === '') continue;
    if (out.length >= maxAddressesPerField) {
      throw badAddress(piece, `more than ${maxAddressesPerField} addresses`);
    }
    out.push(parsePiece(piece));
  }
  return out;
}

/** Exactly one address (a From field): the same errors, plus one for none or several. */
export function parseOneAddress(input: string): TypedAddress {
  const list = parseAddressList(input);
  const only = list[0];
  if (list.length !== 1 || only === undefined) {
    throw badAddress(input.trim(), list.length === 0 ? 'no address' : 'more than one address');
  }
  return only;
}

/** One address as it reads back through parseAddressList. */
export function formatAddress(a: TypedAddress): string {
  const name = normalizeName(a.name);
  if (name === '') return a.address;
  const shown = needsQuotesRe.test(name) ? `"${name.replace(/(["\\])/g, '\\$1')}"` : name;
  return `${shown} <${a.address}>`;
}

/** A list as a person would type it: `Ann <ann@x.org>, "Doe, John" <j@y.com>`. */
export function formatAddressList(list: readonly TypedAddress[]): string {
  return list.map(formatAddress).join(', ');
}
