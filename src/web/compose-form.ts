// Owns reading the compose form (what was typed, the hidden state, the attachments listed) and
// turning it into the protocol's draft. Must not call the webcache: routes/compose.ts does.
import { z } from 'zod';
import { isAlphaMailError } from '../base/index.js';
import { parseAddressList } from '../mime/index.js';
import {
  draftAttachmentInfo,
  draftInput,
  type Address,
  type DraftAttachmentInfo,
  type DraftInput,
  type DraftView,
} from '../protocol/index.js';

/** The protocol's limits on a draft's subject and text (methods-compose.ts). */
export const maxSubjectChars = 998;
export const maxTextChars = 5_000_000;
/** The protocol's limit on attachments per draft. */
export const maxAttachments = 100;
/** The protocol's limit on a folder path. */
const maxFolderChars = 1000;

export type AddressField = 'to' | 'cc' | 'bcc';
export type ComposeField = AddressField | 'subject' | 'text' | 'files';
export const addressFields: readonly AddressField[] = ['to', 'cc', 'bcc'];

/** Everything on the compose page that is not typed by the user, carried in hidden fields. */
export const composeState = z.object({
  inReplyTo: z.string().max(998).nullable(),
  references: z.array(z.string().max(998)).max(100),
  answers: draftInput.shape.answers,
});
export type ComposeState = z.infer<typeof composeState>;

export const emptyState: ComposeState = { inReplyTo: null, references: [], answers: null };

/** A stored message, written `<folder>/<uid>` in URLs and hidden fields. */
export interface MessageRef {
  readonly folder: string;
  readonly uid: number;
}

export function formatMessageRef(ref: MessageRef): string {
  return `${ref.folder}/${ref.uid}`;
}

/** `<folder>/<uid>`: the uid is after the last slash, so folder paths may hold slashes. */
export function parseMessageRef(value: unknown): MessageRef | null {
  if (typeof value !== 'string') return null;
  const match = /^(.+)\/([1-9]\d{0,9})$/s.exec(value);
  if (!match?.[1] || !match[2]) return null;
  const uid = Number(match[2]);
  if (uid > 0xffffffff || match[1].length > maxFolderChars) return null;
  return { folder: match[1], uid };
}

/** A folder path to go back to; anything odd means the inbox. */
export function backFolder(value: unknown): string {
  return typeof value === 'string' && value !== '' && value.length <= maxFolderChars
    ? value
    : 'INBOX';
}

/** What the user typed, exactly, so any error page can show it again. */
export interface ComposeTyped {
  readonly to: string;
  readonly cc: string;
  readonly bcc: string;
  readonly subject: string;
  readonly text: string;
}

export interface ComposeForm {
  readonly typed: ComposeTyped;
  readonly state: ComposeState;
  readonly attachments: DraftAttachmentInfo[];
  /** The stored draft this form edits (replaced when saved or sent). */
  readonly draft: MessageRef | null;
  readonly back: string;
  readonly action: 'send' | 'save' | 'attach' | 'remove';
  /** For `remove`: the index in `attachments`. */
  readonly removeIndex: number | null;
}

export type FormBody = Record<string, unknown>;

function one(body: FormBody, name: string): string {
  const value = body[name];
  const first = Array.isArray(value) ? (value as unknown[])[0] : value;
  return typeof first === 'string' ? first : '';
}

function many(body: FormBody, name: string): string[] {
  const value = body[name];
  const list = Array.isArray(value) ? (value as unknown[]) : value === undefined ? [] : [value];
  return list.filter((v): v is string => typeof v === 'string');
}

function parseJson<T>(schema: z.ZodType<T>, text: string): T | null {
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Browsers send CRLF in textareas; the protocol wants \n. */
function lf(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

/** Reads the posted form. Hidden fields that do not parse are dropped, never trusted. */
export function readComposeForm(body: FormBody): ComposeForm {
  const removeText = one(body, 'remove');
  const removeIndex = /^\d{1,3}$/.test(removeText) ? Number(removeText) : null;
  const action = one(body, 'action');
  return {
    typed: {
      to: one(body, 'to'),
      cc: one(body, 'cc'),
      bcc: one(body, 'bcc'),
      subject: one(body, 'subject'),
      text: lf(one(body, 'text')),
    },
    state: parseJson(composeState, one(body, 'state')) ?? emptyState,
    attachments: many(body, 'attachment')
      .map((a) => parseJson(draftAttachmentInfo, a))
      .filter((a): a is DraftAttachmentInfo => a !== null)
      .slice(0, maxAttachments),
    draft: parseMessageRef(one(body, 'draft')),
    back: backFolder(one(body, 'back')),
    action:
      removeIndex !== null ? 'remove' : action === 'send' || action === 'attach' ? action : 'save',
    removeIndex,
  };
}

/** The compose page's starting values from a draft the webcache gave (stored or prefilled). */
export function typedFromView(view: DraftView, formatList: (l: Address[]) => string): ComposeTyped {
  return {
    to: formatList(view.to),
    cc: formatList(view.cc),
    bcc: formatList(view.bcc),
    subject: view.subject,
    text: view.text,
  };
}

export function stateFromView(view: DraftView): ComposeState {
  return { inReplyTo: view.inReplyTo, references: view.references, answers: view.answers };
}

export interface FieldProblem {
  readonly field: ComposeField;
  readonly message: string;
}

const fieldNames: Record<AddressField, string> = { to: 'To', cc: 'Cc', bcc: 'Bcc' };

/** The draft to save or send, or the first problem, naming the field and what was typed. */
export function draftFromForm(
  form: ComposeForm,
  from: Address,
): { ok: true; draft: DraftInput } | { ok: false; problem: FieldProblem } {
  const lists: Partial<Record<AddressField, Address[]>> = {};
  for (const field of addressFields) {
    try {
      lists[field] = parseAddressList(form.typed[field]);
    } catch (err) {
      if (!isAlphaMailError(err, 'AM_BAD_ADDRESS')) throw err;
      const piece = String(err.details.piece);
      const reason = String(err.details.reason);
      return {
        ok: false,
        problem: {
          field,
          message: `“${piece}” in ${fieldNames[field]} is not a valid email address: ${reason}.`,
        },
      };
    }
  }
  if (form.typed.subject.length > maxSubjectChars) {
    return {
      ok: false,
      problem: {
        field: 'subject',
        message: `The subject is longer than ${maxSubjectChars} characters.`,
      },
    };
  }
  if (form.typed.text.length > maxTextChars) {
    return {
      ok: false,
      problem: { field: 'text', message: `The text is longer than ${maxTextChars} characters.` },
    };
  }
  const draft: DraftInput = {
    from,
    to: lists.to ?? [],
    cc: lists.cc ?? [],
    bcc: lists.bcc ?? [],
    // A subject is one line (RFC 5322 §2.2): line breaks pasted into the field become spaces.
    subject: form.typed.subject.replace(/[\r\n]+/g, ' '),
    text: form.typed.text,
    inReplyTo: form.state.inReplyTo,
    references: form.state.references,
    attachments: form.attachments.map((a) => a.ref),
    replacesDraft: form.draft,
    answers: form.state.answers,
  };
  return { ok: true, draft };
}
