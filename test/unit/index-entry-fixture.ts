// A minimal folder-index entry for the webcache's unit tests: no text part, no thread headers,
// fields a test cares about given as overrides.
import type { IndexEntry } from '../../src/webcache/index/folder-index.js';

export function plainEntry(uid: number, overrides: Partial<IndexEntry> = {}): IndexEntry {
  return {
    uid,
    flags: 0,
    size: 100 * uid,
    dateMs: uid * 1000,
    fromName: '',
    fromAddress: `u${uid}@example.org`,
    to: '',
    subject: `s${uid}`,
    messageId: '',
    inReplyTo: '',
    references: '',
    textPart: '',
    textEncoding: 0,
    textCharset: '',
    textSubtype: 0,
    snippet: null,
    ...overrides,
  };
}
