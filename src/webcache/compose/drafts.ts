// Owns drafts: storing one in Drafts (APPEND \Draft \Seen, then removing the one it replaces)
// and reading a stored draft back into what the compose page shows.
// Must not submit mail (send.ts) nor decide reply templates (templates.ts).
import type { ImapFlow } from 'imapflow';
import PostalMime, { type Address as PostalAddress } from 'postal-mime';
import { AlphaMailError } from '../../base/index.js';
import type { AlphaMailConfig } from '../../config/index.js';
import type { Address, DraftInput, Params, Result } from '../../protocol/index.js';
import { planDisplay } from '../imap/bodystructure.js';
import type { UserSession } from '../session/user-session.js';
import { resolveAttachments, type ResolvedAttachment } from './attachments.js';
import { answersHeader, buildMessage, newMessageId, parseAnswers } from './build.js';
import { appendMessage, draftsFolder, removeStored } from './store.js';

export const draftFlags = ['\\Draft', '\\Seen'];

/** Finds a just-appended message by Message-ID when the server gave no APPENDUID. */
async function uidByMessageId(
  session: UserSession,
  folder: string,
  messageId: string,
): Promise<number> {
  return session.inFolder('findAppended', folder, async (client: ImapFlow) => {
    const found = await client.search({ header: { 'message-id': messageId } }, { uid: true });
    const uid = Array.isArray(found) ? Math.max(0, ...found) : 0;
    if (uid === 0) throw new AlphaMailError('AM_IMAP_ERROR', 'stored draft not found again');
    return { value: uid };
  });
}

/**
 * Stores `draft` (attachments already resolved) in Drafts and removes the draft it replaces.
 * The replaced one goes only after the new copy is stored: a failure never loses both.
 */
export async function storeDraft(
  session: UserSession,
  draft: DraftInput,
  attachments: readonly ResolvedAttachment[],
  messageId: string,
): Promise<{ folder: string; uid: number }> {
  const raw = await buildMessage(draft, attachments, {
    messageId,
    date: new Date(),
    keepBcc: true,
  });
  const stored = await session.run('saveDraft', 'user', async (client) => {
    const folder = await draftsFolder(session, client);
    const uid = await appendMessage(session, client, folder, raw, draftFlags);
    return { value: { folder, uid } };
  });
  if (stored.uid === 0) stored.uid = await uidByMessageId(session, stored.folder, messageId);
  const old = draft.replacesDraft;
  if (old !== null && !(old.folder === stored.folder && old.uid === stored.uid)) {
    await removeStored(session, old.folder, old.uid).catch((err: unknown) => {
      // Already gone (deleted elsewhere): the new copy is what matters.
      if (!(err instanceof AlphaMailError && err.code === 'AM_MESSAGE_NOT_FOUND')) throw err;
    });
  }
  return stored;
}

export async function saveDraft(
  session: UserSession,
  config: AlphaMailConfig,
  p: Params<'saveDraft'>,
): Promise<Result<'saveDraft'>> {
  const attachments = await resolveAttachments(session, config.dataDir, p.draft.attachments);
  const messageId = newMessageId(p.draft.from, session.domain.domain);
  return storeDraft(session, p.draft, attachments, messageId);
}

function mailboxes(list: readonly PostalAddress[] | PostalAddress | undefined): Address[] {
  const all = list === undefined ? [] : Array.isArray(list) ? list : [list];
  return all.flatMap((a: PostalAddress) =>
    a.group
      ? a.group.map((m) => ({ name: m.name, address: m.address }))
      : [{ name: a.name, address: a.address }],
  );
}

function messageIds(value: string | undefined): string[] {
  return (value ?? '').match(/<[^<>\s]+>/g) ?? [];
}

export async function getDraft(
  session: UserSession,
  _config: AlphaMailConfig,
  p: Params<'getDraft'>,
): Promise<Result<'getDraft'>> {
  const fetched = await session.inFolder('getDraft', p.folder, async (client) => {
    const message = await client.fetchOne(
      String(p.uid),
      { uid: true, source: true, bodyStructure: true },
      { uid: true },
    );
    if (!message || message.uid !== p.uid || !message.source) {
      throw new AlphaMailError('AM_MESSAGE_NOT_FOUND', 'no such draft', { uid: p.uid });
    }
    return { value: { source: message.source, structure: message.bodyStructure } };
  });
  const parsed = await PostalMime.parse(fetched.source);
  const attachments = fetched.structure ? planDisplay(fetched.structure).attachments : [];
  const header = (key: string): string | undefined =>
    parsed.headers.find((h) => h.key === key.toLowerCase())?.value;
  const from = mailboxes(parsed.from)[0] ?? { name: '', address: '' };
  return {
    from,
    to: mailboxes(parsed.to),
    cc: mailboxes(parsed.cc),
    bcc: mailboxes(parsed.bcc),
    subject: parsed.subject ?? '',
    // The parser ends the body with a line break of its own; the user typed none.
    text: (parsed.text ?? '').replace(/\r\n/g, '\n').replace(/\n+$/, ''),
    inReplyTo: messageIds(parsed.inReplyTo)[0] ?? null,
    references: messageIds(parsed.references),
    replacesDraft: { folder: p.folder, uid: p.uid },
    answers: parseAnswers(header(answersHeader)),
    attachments: attachments.map((a) => ({
      ref: { kind: 'part' as const, folder: p.folder, uid: p.uid, part: a.part },
      filename: a.filename,
      contentType: a.contentType,
      size: a.size,
    })),
  };
}
