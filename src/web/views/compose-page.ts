// Owns the compose page: one multipart form with From, To/Cc/Bcc (address suggestions in a
// datalist), subject, text, attachments and the Send / Save draft / Attach buttons, with errors
// summarised at the top and tied to their fields. Must not validate or fetch: routes do.
import { html, type Html } from '../../base/index.js';
import type { Address, DraftAttachmentInfo } from '../../protocol/index.js';
import {
  formatMessageRef,
  type ComposeField,
  type ComposeState,
  type ComposeTyped,
  type MessageRef,
} from '../compose-form.js';
import { formatSize, fullAddresses } from './format.js';
import { ariaOf, fieldError, textareaElement } from './form-controls.js';
import { hiddenCsrf, statusNotice } from './layout.js';
import { folderUrl } from './urls.js';

export type ComposeKind =
  'new' | 'draft' | 'reply' | 'replyAll' | 'forward' | 'forwardAsAttachment';

/** A problem to list at the top; with a field it links there and shows beside it. */
export interface ComposeProblem {
  readonly field: ComposeField | null;
  readonly message: string;
}

export interface ComposeView {
  readonly kind: ComposeKind;
  readonly csrf: string;
  readonly from: Address;
  readonly typed: ComposeTyped;
  readonly state: ComposeState;
  readonly attachments: readonly DraftAttachmentInfo[];
  readonly draft: MessageRef | null;
  readonly back: string;
  readonly suggestions: readonly string[];
  readonly maxUploadBytes: number;
  /** Problems to list at the top; each links to its field. */
  readonly problems?: readonly ComposeProblem[];
  /** A heading for the error summary other than "There is a problem" (e.g. a failed send). */
  readonly problemHeading?: string;
  readonly notice?: string | null;
}

const headings: Record<ComposeKind, string> = {
  new: 'New message',
  draft: 'Edit draft',
  reply: 'Reply',
  replyAll: 'Reply to all',
  forward: 'Forward',
  forwardAsAttachment: 'Forward as attachment',
};

export function composeTitle(view: Pick<ComposeView, 'kind' | 'typed' | 'problems'>): string {
  const subject = view.typed.subject.trim();
  const base =
    view.kind === 'new' && subject === ''
      ? headings.new
      : `${headings[view.kind]}: ${subject === '' ? '(no subject)' : subject}`;
  return view.problems && view.problems.length > 0 ? `Error: ${base}` : base;
}

export function fieldId(field: ComposeField): string {
  return `compose-${field}`;
}

function errorId(field: ComposeField): string {
  return `compose-${field}-error`;
}

const addressLabels = { to: 'To', cc: 'Cc', bcc: 'Bcc' } as const;

function summary(view: ComposeView): Html | null {
  const problems = view.problems ?? [];
  if (problems.length === 0) return null;
  return html`<div class="error-summary" role="alert" tabindex="-1" id="error-summary" autofocus>
    <h2>${view.problemHeading ?? 'There is a problem'}</h2>
    <ul>
      ${problems.map((p) =>
        p.field === null
          ? html`<li>${p.message}</li>`
          : html`<li><a href="#${fieldId(p.field)}">${p.message}</a></li>`,
      )}
    </ul>
  </div>`;
}

function problemOf(view: ComposeView, field: ComposeField): string | null {
  return view.problems?.find((p) => p.field === field)?.message ?? null;
}

function field(
  view: ComposeView,
  name: ComposeField,
  label: string,
  control: (aria: Html) => Html,
  hint?: string,
): Html {
  const problem = problemOf(view, name);
  const hintId = hint === undefined ? null : `${fieldId(name)}-hint`;
  return html`<div class="field compose-field">
    <label for="${fieldId(name)}">${label}</label>
    ${hint === undefined ? null : html`<p class="hint" id="${hintId}">${hint}</p>`}
    ${problem === null ? null : fieldError(errorId(name), problem)}
    ${control(ariaOf(hintId, problem === null ? null : errorId(name)))}
  </div>`;
}

function addressInput(view: ComposeView, name: 'to' | 'cc' | 'bcc'): Html {
  return field(
    view,
    name,
    addressLabels[name],
    (aria) =>
      html`<input
        id="${fieldId(name)}"
        name="${name}"
        type="text"
        list="address-suggestions"
        autocomplete="off"
        spellcheck="false"
        value="${view.typed[name]}"
        ${aria}
      />`,
  );
}

function attachmentItem(a: DraftAttachmentInfo, index: number): Html {
  const name = a.filename.trim() === '' ? `Attachment ${index + 1}` : a.filename;
  return html`<li>
    <input type="hidden" name="attachment" value="${JSON.stringify(a)}" />
    <span class="attachment-name">${name}</span>
    <span class="attachment-meta">${a.contentType}, ${formatSize(a.size)}</span>
    <button type="submit" name="remove" value="${index}" class="secondary">
      Remove<span class="visually-hidden"> ${name}</span>
    </button>
  </li>`;
}

function attachmentSection(view: ComposeView): Html {
  const limit = view.maxUploadBytes;
  const hint =
    limit > 0
      ? `Each file up to ${formatSize(limit)}. Choose files, then “Attach”.`
      : 'Attachments are turned off on this server.';
  const list =
    view.attachments.length === 0
      ? html`<p class="empty" id="attachments-none">No attachments yet.</p>`
      : html`<ul class="attachment-list">
          ${view.attachments.map(attachmentItem)}
        </ul>`;
  return html`<fieldset class="compose-attachments">
    <legend>Attachments (${view.attachments.length})</legend>
    ${field(
      view,
      'files',
      'Files to attach',
      (aria) =>
        html`<input
          id="${fieldId('files')}"
          name="files"
          type="file"
          multiple
          ${limit > 0 ? null : html` disabled`}
          ${aria}
        />`,
      hint,
    )}
    <button type="submit" name="action" value="attach" class="secondary">Attach</button>
    ${list}
  </fieldset>`;
}

export function composeMain(view: ComposeView): Html {
  const from = fullAddresses([view.from]);
  return html`<h1>${headings[view.kind]}</h1>
    ${summary(view)} ${view.notice ? statusNotice(view.notice) : null}
    <p
      class="autosave-status visually-hidden"
      role="status"
      aria-live="polite"
      id="autosave-status"
    ></p>
    <form
      method="post"
      action="/compose"
      enctype="multipart/form-data"
      class="compose"
      data-autosave="/compose/autosave"
    >
      ${hiddenCsrf(view.csrf)}
      <input type="hidden" name="state" value="${JSON.stringify(view.state)}" />
      <input type="hidden" name="draft" value="${view.draft ? formatMessageRef(view.draft) : ''}" />
      <input type="hidden" name="back" value="${view.back}" />
      <p class="compose-from">
        <span class="label">From</span> <span>${from}</span>
        <a href="/settings#identity-heading">Change your name, address or signature</a>
      </p>
      ${addressInput(view, 'to')} ${addressInput(view, 'cc')} ${addressInput(view, 'bcc')}
      <datalist id="address-suggestions">
        ${view.suggestions.map((s) => html`<option value="${s}"></option>`)}
      </datalist>
      ${field(
        view,
        'subject',
        'Subject',
        (aria) =>
          html`<input
            id="${fieldId('subject')}"
            name="subject"
            type="text"
            value="${view.typed.subject}"
            ${aria}
          />`,
      )}
      ${field(view, 'text', 'Message', (aria) =>
        textareaElement(
          html`id="${fieldId('text')}" name="text" rows="16" ${aria}`,
          view.typed.text,
        ),
      )}
      ${attachmentSection(view)}
      <div class="compose-actions">
        <button type="submit" name="action" value="send">Send</button>
        <button type="submit" name="action" value="save" class="secondary">Save draft</button>
        <a href="${folderUrl(view.back)}">Back to the folder</a>
      </div>
    </form>`;
}
