// Owns the FETCH items that build a folder index and turning one FETCH reply into a compact
// IndexEntry (BODYSTRUCTURE is read here and dropped). Must not select folders or hold locks.
import type { FetchMessageObject, FetchQueryObject } from 'imapflow';
import {
  encodeAddresses,
  encodings,
  flagBits,
  textSubtypes,
  type IndexEntry,
} from '../index/folder-index.js';
import { firstTextPart, hasAttachments } from './bodystructure.js';

/** Recipients kept per message in the index; the reader fetches the full list. */
const maxIndexedRecipients = 5;
/** References kept per message; long threads carry hundreds, threading needs the last few. */
const maxIndexedReferences = 20;

/** UID FETCH (UID FLAGS RFC822.SIZE INTERNALDATE ENVELOPE BODYSTRUCTURE
 *  BODY.PEEK[HEADER.FIELDS (REFERENCES)]). */
export const indexFetchQuery: FetchQueryObject = {
  uid: true,
  flags: true,
  size: true,
  internalDate: true,
  envelope: true,
  bodyStructure: true,
  headers: ['references'],
};

export function flagBitsOf(flags: Iterable<string> | undefined): number {
  let bits = 0;
  for (const flag of flags ?? []) {
    switch (flag.toLowerCase()) {
      case '\\seen':
        bits |= flagBits.seen;
        break;
      case '\\flagged':
        bits |= flagBits.flagged;
        break;
      case '\\answered':
        bits |= flagBits.answered;
        break;
      case '\\draft':
        bits |= flagBits.draft;
        break;
      case '\\deleted':
        bits |= flagBits.deleted;
        break;
    }
  }
  return bits;
}

/** Message-IDs from a raw "References:" header block (folded lines allowed). */
export function parseReferences(raw: Buffer | undefined): string[] {
  if (!raw) return [];
  const text = raw.toString('latin1').replace(/\r?\n[ \t]+/g, ' ');
  return text.match(/<[^<>\s]+>/g) ?? [];
}

function dateMs(value: Date | string | undefined): number | null {
  if (value === undefined) return null;
  const ms = (value instanceof Date ? value : new Date(value)).getTime();
  return Number.isFinite(ms) ? ms : null;
}

/** The compact index record of one FETCH reply to indexFetchQuery. */
export function toIndexEntry(message: FetchMessageObject): IndexEntry {
  const envelope = message.envelope;
  const from = envelope?.from?.[0];
  const to = (envelope?.to ?? []).slice(0, maxIndexedRecipients).map((a) => ({
    name: a.name ?? '',
    address: a.address ?? '',
  }));
  const structure = message.bodyStructure;
  const text = structure ? firstTextPart(structure) : null;
  let flags = flagBitsOf(message.flags);
  if (structure && hasAttachments(structure)) flags |= flagBits.hasAttachments;
  const encodingCode = text ? encodings.indexOf(text.encoding as (typeof encodings)[number]) : 0;
  return {
    uid: message.uid,
    flags,
    size: message.size ?? 0,
    dateMs: dateMs(envelope?.date) ?? dateMs(message.internalDate) ?? 0,
    fromName: from?.name ?? '',
    fromAddress: from?.address ?? '',
    to: encodeAddresses(to),
    // imapflow decodes the envelope's RFC 2047 words.
    subject: envelope?.subject ?? '',
    messageId: envelope?.messageId ?? '',
    inReplyTo: envelope?.inReplyTo ?? '',
    references: parseReferences(message.headers).slice(-maxIndexedReferences).join(' '),
    textPart: text?.part ?? '',
    textEncoding: Math.max(0, encodingCode),
    textCharset: text?.charset ?? '',
    textSubtype: text ? textSubtypes.indexOf(text.subtype) : 0,
    // No text part: nothing to preview, so nothing to fetch later either.
    snippet: text ? null : '',
  };
}
