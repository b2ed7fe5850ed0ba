// Owns the tests' independent expectations about seeded mail: which UID holds which generated
// message (matched by Message-ID through a plain IMAP client), a message's flags on the server,
// and the index order the issue asks.
import assert from 'node:assert/strict';
import { ImapFlow } from 'imapflow';
import type { SortField, SortOrder } from '../../src/protocol/index.js';
import type { DovecotUser, GeneratedMessage } from '../../src/ops/index.js';
import type { TestDovecot } from './dovecot.js';

/** UID → manifest entry, matched by Message-ID through a separate plain IMAP client. */
export async function manifestByUid(
  dovecot: TestDovecot,
  folder: string,
  /** Whose mailbox (seeded with `dovecot.messages` too); default the first user. */
  user?: DovecotUser,
): Promise<Map<number, GeneratedMessage>> {
  const byId = new Map(dovecot.messages.map((m) => [m.expect.messageId, m]));
  const client = new ImapFlow(dovecot.imapOptions(user));
  await client.connect();
  const out = new Map<number, GeneratedMessage>();
  try {
    const lock = await client.getMailboxLock(folder);
    try {
      for await (const m of client.fetch('1:*', { uid: true, envelope: true }, { uid: true })) {
        const found = byId.get(m.envelope?.messageId ?? '');
        assert.ok(found, `uid ${m.uid} is in the manifest`);
        out.set(m.uid, found);
      }
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
  }
  return out;
}

/** The flags of `folder`'s message `uid` on the server, asked by a separate plain IMAP client. */
export async function serverFlags(
  dovecot: TestDovecot,
  folder: string,
  uid: number,
): Promise<Set<string>> {
  const client = new ImapFlow(dovecot.imapOptions());
  await client.connect();
  try {
    const lock = await client.getMailboxLock(folder);
    try {
      const m = await client.fetchOne(String(uid), { flags: true }, { uid: true });
      return m === false ? new Set() : (m.flags ?? new Set());
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
  }
}

const collator = new Intl.Collator('en', { sensitivity: 'accent' });
const stripPrefixes = (s: string): string =>
  s.replace(/^\s*(?:(?:re|fwd?|aw|wg)\s*:\s*)+/i, '').trim();

/** The order the issue specifies, written here from scratch: keys, then UID. */
export function expectedOrder(
  byUid: Map<number, GeneratedMessage>,
  sort: SortField,
  order: SortOrder,
): number[] {
  const key = (m: GeneratedMessage): number | string => {
    switch (sort) {
      case 'date':
        return m.expect.date.getTime();
      case 'size':
        return m.expect.size;
      case 'from':
        return m.expect.from.name !== '' ? m.expect.from.name : m.expect.from.address;
      case 'subject':
        return stripPrefixes(m.expect.subject);
    }
  };
  const uids = [...byUid.keys()].sort((a, b) => {
    const ka = key(byUid.get(a) as GeneratedMessage);
    const kb = key(byUid.get(b) as GeneratedMessage);
    const byKey =
      typeof ka === 'number' && typeof kb === 'number'
        ? ka - kb
        : collator.compare(String(ka), String(kb));
    return byKey || a - b;
  });
  return order === 'asc' ? uids : uids.reverse();
}
