// Owns the reply and forward templates: recipients, subject, quoted text, threading headers and
// carried-over attachments, from the stored original (read through the reader's loader).
// Must not store anything: the result is a draft the user edits first.
import type { AlphaMailConfig } from '../../config/index.js';
import {
  forwardBody,
  forwardSubject,
  htmlToText,
  replyBody,
  replyRecipients,
  replyReferences,
  replySubject,
} from '../../mime/index.js';
import type { Params, Result } from '../../protocol/index.js';
import { loadMessage } from '../imap/message-view.js';
import type { UserSession } from '../session/user-session.js';

export async function composeFrom(
  session: UserSession,
  _config: AlphaMailConfig,
  p: Params<'composeFrom'>,
): Promise<Result<'composeFrom'>> {
  const loaded = await session.inFolder('composeFrom', p.folder, async (client, cache) => {
    const cached = cache.index.slotOf(p.uid) >= 0 ? cache.reader.get(p.uid) : undefined;
    return { value: cached ?? (await loadMessage(client, p.uid)) };
  });
  const h = loaded.headers;
  const date = h.date === null ? null : new Date(h.date);
  const original = loaded.text ?? (loaded.html === null ? '' : htmlToText(loaded.html));
  const base = {
    from: p.from,
    bcc: [],
    replacesDraft: null,
  };
  if (p.mode === 'reply' || p.mode === 'replyAll') {
    const self = [p.from.address, session.account];
    const { to, cc } = replyRecipients(h, p.mode, self);
    return {
      ...base,
      to,
      cc,
      subject: replySubject(h.subject),
      text: replyBody(original, h.from[0] ?? null, date),
      inReplyTo: h.messageId,
      references: replyReferences(h),
      attachments: [],
      answers: { folder: p.folder, uid: p.uid, kind: 'answered' },
    };
  }
  const forwarded = {
    ...base,
    to: [],
    cc: [],
    subject: forwardSubject(h.subject),
    inReplyTo: null,
    references: [],
    answers: { folder: p.folder, uid: p.uid, kind: 'forwarded' as const },
  };
  if (p.mode === 'forwardAsAttachment') {
    return {
      ...forwarded,
      text: '',
      attachments: [
        {
          ref: { kind: 'message', folder: p.folder, uid: p.uid },
          filename: `${h.subject.replace(/[\\/:*?"<>|\p{Cc}]+/gu, ' ').trim() || 'message'}.eml`,
          contentType: 'message/rfc822',
          size: loaded.size,
        },
      ],
    };
  }
  return {
    ...forwarded,
    text: forwardBody(original, { from: h.from, to: h.to, cc: h.cc, date, subject: h.subject }),
    attachments: loaded.attachments.map((a) => ({
      ref: { kind: 'part' as const, folder: p.folder, uid: p.uid, part: a.part },
      filename: a.filename,
      contentType: a.contentType,
      size: a.size,
    })),
  };
}
