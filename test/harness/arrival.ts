// Owns the tests' check that mail arrived: a plain IMAP client (imapflow, straight to Dovecot)
// polls a user's INBOX for a subject and parses what it finds with postal-mime. Also makes a
// seeded message come from a chosen sender, so a reply to it is delivered through the test MTA.
import assert from 'node:assert/strict';
import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import PostalMime, { type Email } from 'postal-mime';
import type { GeneratedMessage } from '../../src/ops/index.js';

/** Delivery through Postfix and LMTP on loopback is immediate; this is ample. */
export const deliveryBudgetMs = 20_000;
/** Pause between two looks into the INBOX. */
const pollIntervalMs = 200;

/** Polls INBOX (as the user of `imap`) until a message with this subject is there; parses it. */
export async function waitForArrival(imap: ImapFlowOptions, subject: string): Promise<Email> {
  const client = new ImapFlow(imap);
  await client.connect();
  try {
    const deadline = Date.now() + deliveryBudgetMs;
    while (Date.now() < deadline) {
      const lock = await client.getMailboxLock('INBOX');
      try {
        const uids = await client.search({ header: { subject } }, { uid: true });
        const uid = Array.isArray(uids) ? uids[0] : undefined;
        const found =
          uid === undefined
            ? false
            : await client.fetchOne(String(uid), { source: true }, { uid: true });
        if (found && found.source) return await PostalMime.parse(found.source);
      } finally {
        lock.release();
      }
      await new Promise((r) => setTimeout(r, pollIntervalMs));
    }
  } finally {
    await client.logout();
  }
  throw new Error(`“${subject}” did not arrive for ${imap.auth?.user} in ${deliveryBudgetMs} ms`);
}

/**
 * Rewrites the From header (folded lines too) of the `rank`-th newest INBOX message (0 = newest)
 * in place, before seeding; returns that message.
 */
export function sentByInInbox(
  messages: GeneratedMessage[],
  rank: number,
  sender: { name: string; address: string },
): GeneratedMessage {
  const inbox = messages.filter((m) => m.folder === 'INBOX');
  const byDate = [...inbox].sort((a, b) => b.expect.date.getTime() - a.expect.date.getTime());
  const message = byDate[rank];
  assert.ok(message, `the mailbox has ${rank + 1} INBOX messages`);
  const raw = message.raw.toString('latin1');
  const end = raw.indexOf('\r\n\r\n');
  const from = `From: ${sender.name} <${sender.address}>`;
  const header = raw.slice(0, end).replace(/^From:.*(\r\n[ \t].*)*/m, from);
  message.raw = Buffer.from(header + raw.slice(end), 'latin1');
  message.expect.from = { ...sender };
  message.expect.size = message.raw.length;
  return message;
}
