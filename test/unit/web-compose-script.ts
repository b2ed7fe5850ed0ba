// The scripted webcache's answers for writing mail (used by web-fixtures.ts): drafts kept in a
// map as the webcache would store them in Drafts, uploads kept as bytes, sends recorded, and a
// switch that makes the next sends fail the way a refusing SMTP server does.
import type { Readable } from 'node:stream';
import { AlphaMailError } from '../../src/base/index.js';
import type {
  Address,
  DraftAttachment,
  DraftAttachmentInfo,
  DraftInput,
  MethodHandlers,
  Params,
  Result,
  UploadMeta,
  UploadResult,
} from '../../src/protocol/index.js';

/** The first UID the scripted Drafts folder gives out. */
const firstDraftUid = 100;

export interface StoredUpload {
  readonly filename: string;
  readonly contentType: string;
  readonly data: Buffer;
}

export interface ComposeScript {
  /** Drafts by UID in the folder "Drafts", as the web tier asked to store them. */
  readonly drafts: Map<number, DraftInput>;
  /** Uploaded bytes by spool id, in upload order. */
  readonly uploads: Map<string, StoredUpload>;
  /** Drafts submitted with success. */
  readonly sent: DraftInput[];
  readonly composeFromCalls: { folder: string; uid: number; mode: string; from: Address }[];
  /** Until reset, sends fail with this reason (the draft is kept, as the contract says). */
  failSend(reason: string): void;
  /** The next sends go out, but the server refuses these recipients. */
  refuseRecipients(addresses: readonly string[]): void;
  reset(): void;
}

type ComposeMethod = 'saveDraft' | 'getDraft' | 'sendMessage' | 'composeFrom' | 'suggestAddresses';

/** The scripted handlers of the compose methods, as MethodHandlers wants them. */
export type ComposeHandlers = Pick<MethodHandlers, ComposeMethod>;

const lunch = {
  folder: 'INBOX',
  uid: 5,
  from: { name: 'Bob', address: 'bob@example.edu' },
  subject: 'Lunch',
  messageId: '<lunch@example.edu>',
  text: 'See you at noon',
};

/**
 * `calls` records method names (shared with the other scripted methods); `known` rejects a
 * session the scripted webcache does not know.
 */
export function createComposeScript(
  calls: string[],
  known: (session: string) => void,
): {
  script: ComposeScript;
  handlers: ComposeHandlers;
  upload: (meta: UploadMeta, body: Readable) => Promise<UploadResult>;
} {
  const drafts = new Map<number, DraftInput>();
  const uploads = new Map<string, StoredUpload>();
  /** What each stored draft's attachments are, fixed when it was stored (as bytes would be). */
  const parts = new Map<number, Omit<DraftAttachmentInfo, 'ref'>[]>();
  const sent: DraftInput[] = [];
  const composeFromCalls: ComposeScript['composeFromCalls'] = [];
  let nextUid = firstDraftUid;
  let nextUpload = 1;
  let failReason: string | null = null;
  let refuse: string[] = [];

  /** What an attachment reference stands for, as the webcache would describe it. */
  function describe(ref: DraftAttachment): Omit<DraftAttachmentInfo, 'ref'> {
    if (ref.kind === 'upload') {
      const u = uploads.get(ref.id);
      if (!u) throw new AlphaMailError('AM_BAD_REQUEST', `no upload ${ref.id}`);
      return { filename: u.filename, contentType: u.contentType, size: u.data.length };
    }
    if (ref.kind === 'message') {
      return { filename: 'Lunch.eml', contentType: 'message/rfc822', size: 900 };
    }
    // A part of a stored draft: its attachments are parts 2, 3, ... in order.
    const inner = ref.folder === 'Drafts' ? parts.get(ref.uid)?.[Number(ref.part) - 2] : undefined;
    if (!inner) throw new AlphaMailError('AM_PART_NOT_FOUND', `no part ${ref.part} in ${ref.uid}`);
    return inner;
  }

  function store(draft: DraftInput): { folder: string; uid: number } {
    // Resolve (and so check) every attachment before the replaced draft goes: its parts may be
    // what this one attaches, as the webcache copies them before deleting.
    const described = draft.attachments.map(describe);
    const uid = nextUid++;
    drafts.set(uid, draft);
    parts.set(uid, described);
    if (draft.replacesDraft?.folder === 'Drafts') drafts.delete(draft.replacesDraft.uid);
    return { folder: 'Drafts', uid };
  }

  const script: ComposeScript = {
    drafts,
    uploads,
    sent,
    composeFromCalls,
    failSend: (reason) => {
      failReason = reason;
    },
    refuseRecipients: (addresses) => {
      refuse = [...addresses];
    },
    reset: () => {
      drafts.clear();
      parts.clear();
      uploads.clear();
      sent.length = 0;
      composeFromCalls.length = 0;
      nextUid = firstDraftUid;
      nextUpload = 1;
      failReason = null;
      refuse = [];
    },
  };

  /** Every call is counted and checked against the known sessions, as the real ones are. */
  function scripted<M extends ComposeMethod>(
    name: M,
    answer: (p: Params<M>) => Promise<Result<M>>,
  ): (p: Params<M>) => Promise<Result<M>> {
    return (p) => {
      calls.push(name);
      known(p.session);
      return answer(p);
    };
  }

  const handlers: ComposeHandlers = {
    saveDraft: scripted('saveDraft', (p) => Promise.resolve(store(p.draft))),
    getDraft: scripted('getDraft', (p) => {
      const d = p.folder === 'Drafts' ? drafts.get(p.uid) : undefined;
      if (!d) return Promise.reject(new AlphaMailError('AM_MESSAGE_NOT_FOUND', 'no draft'));
      // Stored attachments come back as parts of the stored draft, 2, 3, ... in order.
      const attachments = (parts.get(p.uid) ?? []).map((info, i) => ({
        ...info,
        ref: { kind: 'part' as const, folder: 'Drafts', uid: p.uid, part: String(i + 2) },
      }));
      return Promise.resolve({ ...d, replacesDraft: null, attachments });
    }),
    sendMessage: scripted('sendMessage', (p) => {
      if (failReason !== null) {
        return Promise.resolve({ sent: false, reason: failReason, draft: store(p.draft) });
      }
      p.draft.attachments.forEach(describe);
      sent.push(p.draft);
      if (p.draft.replacesDraft?.folder === 'Drafts') drafts.delete(p.draft.replacesDraft.uid);
      return Promise.resolve({
        sent: true,
        messageId: `<sent${sent.length}@example.edu>`,
        sentCopy: { folder: 'Sent', uid: sent.length },
        refused: refuse.map((address) => ({ address, reason: '550 5.1.1 User unknown' })),
      });
    }),
    composeFrom: scripted('composeFrom', (p) => {
      composeFromCalls.push({ folder: p.folder, uid: p.uid, mode: p.mode, from: p.from });
      if (p.folder !== lunch.folder || p.uid !== lunch.uid) {
        return Promise.reject(new AlphaMailError('AM_MESSAGE_NOT_FOUND', 'not scripted'));
      }
      const isReply = p.mode === 'reply' || p.mode === 'replyAll';
      const forwardAttachment: DraftAttachmentInfo = {
        ref: { kind: 'message', folder: lunch.folder, uid: lunch.uid },
        filename: 'Lunch.eml',
        contentType: 'message/rfc822',
        size: 900,
      };
      return Promise.resolve({
        from: p.from,
        to: isReply ? [lunch.from] : [],
        cc: [],
        bcc: [],
        subject: `${isReply ? 'Re' : 'Fwd'}: ${lunch.subject}`,
        text: isReply
          ? `\n\n${lunch.from.name} wrote:\n> ${lunch.text}\n`
          : p.mode === 'forward'
            ? `\n\n---------- Forwarded message ----------\n${lunch.text}\n`
            : '',
        inReplyTo: isReply ? lunch.messageId : null,
        references: isReply ? [lunch.messageId] : [],
        replacesDraft: null,
        answers: {
          folder: lunch.folder,
          uid: lunch.uid,
          kind: isReply ? ('answered' as const) : ('forwarded' as const),
        },
        attachments: p.mode === 'forwardAsAttachment' ? [forwardAttachment] : [],
      });
    }),
    suggestAddresses: scripted('suggestAddresses', (p) =>
      Promise.resolve({
        addresses: [
          { name: 'Bob Example', address: 'bob@example.edu' },
          { name: 'Lee, Carol', address: 'carol@example.org' },
        ].slice(0, p.limit),
      }),
    ),
  };

  /** As the real webcache, it reads the bytes off the upload stream and gives back an id. */
  const upload = async (meta: UploadMeta, stream: Readable): Promise<UploadResult> => {
    calls.push('upload');
    known(meta.session);
    const chunks: Buffer[] = [];
    for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
    const body = Buffer.concat(chunks);
    const id = `upload${String(nextUpload++).padStart(4, '0')}`;
    uploads.set(id, { filename: meta.filename, contentType: meta.contentType, data: body });
    return {
      id,
      filename: meta.filename,
      contentType: meta.contentType,
      size: body.length,
    };
  };
  return { script, handlers, upload };
}
