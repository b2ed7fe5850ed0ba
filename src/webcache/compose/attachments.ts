// Owns turning a draft's attachment references into bytes and descriptions: spooled uploads,
// body parts of stored messages and whole stored messages (forward as attachment).
// Must not keep bytes past one compose operation, nor read another session's spool.
import { readFile } from 'node:fs/promises';
import type { ImapFlow } from 'imapflow';
import { AlphaMailError } from '../../base/index.js';
import type { DraftAttachment, DraftAttachmentInfo } from '../../protocol/index.js';
import { attachmentOf, findPart } from '../imap/bodystructure.js';
import type { UserSession } from '../session/user-session.js';
import { findUpload } from './spool.js';

export interface ResolvedAttachment {
  info: DraftAttachmentInfo;
  content: Buffer;
}

async function readStream(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}

function subjectFilename(subject: string | undefined): string {
  const base = (subject ?? '').replace(/[\\/:*?"<>|\p{Cc}]+/gu, ' ').trim();
  return `${base === '' ? 'message' : base.slice(0, 100)}.eml`;
}

async function storedBytes(
  client: ImapFlow,
  ref: Exclude<DraftAttachment, { kind: 'upload' }>,
): Promise<ResolvedAttachment> {
  const fetched = await client.fetchOne(
    String(ref.uid),
    { uid: true, bodyStructure: true, envelope: true },
    { uid: true },
  );
  if (!fetched || fetched.uid !== ref.uid) {
    throw new AlphaMailError('AM_MESSAGE_NOT_FOUND', 'attached message is gone', { uid: ref.uid });
  }
  if (ref.kind === 'message') {
    const whole = await client.download(String(ref.uid), undefined, { uid: true });
    const content = await readStream(whole.content as AsyncIterable<Buffer>);
    return {
      info: {
        ref,
        filename: subjectFilename(fetched.envelope?.subject),
        contentType: 'message/rfc822',
        size: content.length,
      },
      content,
    };
  }
  const node = fetched.bodyStructure ? findPart(fetched.bodyStructure, ref.part) : null;
  if (!node) throw new AlphaMailError('AM_PART_NOT_FOUND', 'no such part', { part: ref.part });
  const described = attachmentOf(node, 'attachment');
  // decodeText: false keeps text attachments byte for byte in their own charset.
  const download = await client.download(String(ref.uid), ref.part, {
    uid: true,
    decodeText: false,
  });
  if (!download.content) {
    throw new AlphaMailError('AM_PART_NOT_FOUND', 'part not returned', { part: ref.part });
  }
  const content = await readStream(download.content as AsyncIterable<Buffer>);
  return {
    info: {
      ref,
      filename: described.filename,
      contentType: described.contentType,
      size: content.length,
    },
    content,
  };
}

/**
 * The bytes of every attachment, in order. Stored parts are read through the session's queue
 * with their folder selected, one folder visit per attachment.
 */
export async function resolveAttachments(
  session: UserSession,
  dataDir: string,
  refs: readonly DraftAttachment[],
): Promise<ResolvedAttachment[]> {
  const out: ResolvedAttachment[] = [];
  for (const ref of refs) {
    if (ref.kind === 'upload') {
      const spooled = await findUpload(dataDir, session.key, ref.id);
      const content = await readFile(spooled.path);
      out.push({
        info: {
          ref,
          filename: spooled.filename,
          contentType: spooled.contentType,
          size: content.length,
        },
        content,
      });
      continue;
    }
    out.push(
      await session.inFolder('composeAttachment', ref.folder, async (client) => ({
        value: await storedBytes(client, ref),
      })),
    );
  }
  return out;
}
