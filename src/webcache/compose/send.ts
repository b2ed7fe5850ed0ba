// Owns sending: submit through SMTP, then a copy to Sent (\Seen), the replaced draft removed and
// the answered message flagged. A refused submission keeps everything as a draft instead.
// Must not report a stored copy's failure as a failed send: the mail is out by then.
import type { AlphaMailConfig } from '../../config/index.js';
import type { Params, Result } from '../../protocol/index.js';
import type { UserSession } from '../session/user-session.js';
import { resolveAttachments } from './attachments.js';
import { buildMessage, newMessageId } from './build.js';
import { storeDraft } from './drafts.js';
import { appendMessage, flagAnswered, removeStored, sentFolder } from './store.js';
import { submitMessage } from './submit.js';

export async function sendMessage(
  session: UserSession,
  config: AlphaMailConfig,
  p: Params<'sendMessage'>,
): Promise<Result<'sendMessage'>> {
  const draft = p.draft;
  const attachments = await resolveAttachments(session, config.dataDir, draft.attachments);
  const messageId = newMessageId(draft.from, session.domain.domain);
  const date = new Date();
  const recipients = [...draft.to, ...draft.cc, ...draft.bcc].map((a) => a.address);
  const submitted =
    recipients.length === 0
      ? { ok: false as const, reason: 'The message has no recipient.' }
      : await submitMessage({
          domain: session.domain,
          credentials: session.submissionCredentials(),
          envelope: { from: draft.from.address, to: recipients },
          raw: await buildMessage(draft, attachments, { messageId, date, keepBcc: false }),
        });
  if (!submitted.ok) {
    session.logger.info({ reason: submitted.reason }, 'submission refused; kept as a draft');
    const stored = await storeDraft(session, draft, attachments, messageId);
    return { sent: false, reason: submitted.reason, draft: stored };
  }

  let sentCopy: { folder: string; uid: number } | null = null;
  try {
    const copy = await buildMessage(draft, attachments, { messageId, date, keepBcc: true });
    sentCopy = await session.run('storeSent', 'user', async (client) => {
      const folder = await sentFolder(session, client);
      if (folder === null) return { value: null };
      const uid = await appendMessage(session, client, folder, copy, ['\\Seen']);
      return { value: uid === 0 ? null : { folder, uid } };
    });
  } catch (err) {
    session.logger.warn({ err }, 'sent, but the copy to Sent failed');
  }
  const after: Promise<void>[] = [];
  if (draft.replacesDraft !== null) {
    after.push(removeStored(session, draft.replacesDraft.folder, draft.replacesDraft.uid));
  }
  if (draft.answers !== null) after.push(flagAnswered(session, draft.answers));
  for (const outcome of await Promise.allSettled(after)) {
    if (outcome.status === 'rejected') {
      session.logger.warn({ err: outcome.reason as unknown }, 'sent, but tidying up failed');
    }
  }
  if (submitted.refused.length > 0) {
    const refused = submitted.refused.map((r) => `${r.address}: ${r.reason}`);
    session.logger.info({ refused }, 'sent, but some recipients were refused');
  }
  return { sent: true, messageId, sentCopy, refused: submitted.refused };
}
