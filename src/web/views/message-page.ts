// Owns the message page: headers in a <dl>, neighbours, attachments, and the body as a sandboxed
// iframe (HTML) or linkified pre-wrapped text. Must not place mail HTML in the page itself.
import { html, type Html } from '../../base/index.js';
import type { AttachmentInfo, HitRef, MessageDetail } from '../../protocol/index.js';
import { formatDate, formatSize, fullAddresses, machineDate } from './format.js';
import { hiddenCsrf } from './layout.js';
import {
  bodyUrl,
  composeFromUrl,
  draftComposeUrl,
  folderUrl,
  messageUrl,
  partUrl,
  sourceUrl,
  type IndexQuery,
} from './urls.js';

export interface MessageView {
  readonly message: MessageDetail;
  readonly folderName: string;
  readonly query: IndexQuery;
  /** The linkified text body (from mime's linkifyText), when the message has no HTML. */
  readonly textBody: Html | null;
  /** Remote images the sanitiser removed from the HTML body. */
  readonly remoteBlocked: number;
  readonly allowRemote: boolean;
  /** The organising form for this message (flags, move, copy, delete, junk). */
  readonly actions?: Html | null;
  /** The message is in the Drafts folder: offer "Edit draft" first. */
  readonly inDrafts?: boolean;
  /** Opened from search results: back to them, and previous and next walk the hits. */
  readonly search?: SearchWalk | null;
  /** Offers "Always load from <sender>" next to "Load remote images" (needs the CSRF token). */
  readonly remoteSender?: {
    readonly address: string;
    readonly csrf: string;
    readonly next: string;
  };
}

/** Where a message opened from search results stands among them (routes/message.ts). */
export interface SearchWalk {
  /** The search's own query string (without sort, order and page), carried by every link. */
  readonly query: string;
  /** The results page that lists this message. */
  readonly backUrl: string;
  /** 0-based; null when the message is no longer a hit (read, moved, changed). */
  readonly position: number | null;
  readonly total: number;
  readonly prev: HitRef | null;
  readonly next: HitRef | null;
}

/** The page title: the subject, then where it is. */
export function messageTitle(message: MessageDetail, folderName: string): string {
  return `${subjectOf(message)} (${folderName})`;
}

export function subjectOf(message: MessageDetail): string {
  return message.subject.trim() === '' ? '(no subject)' : message.subject;
}

function headerList(m: MessageDetail): Html {
  const row = (term: string, value: string | null): Html | null =>
    value === null || value === ''
      ? null
      : html`<dt>${term}</dt>
          <dd>${value}</dd>`;
  const when = m.date ? machineDate(m.date) : null;
  const dateRow = m.date
    ? html`<dt>Date</dt>
        <dd>${when ? html`<time datetime="${when}">${formatDate(m.date)}</time>` : m.date}</dd>`
    : null;
  return html`<dl class="message-headers">
    ${row('From', fullAddresses(m.from))} ${row('To', fullAddresses(m.to))}
    ${row('Cc', fullAddresses(m.cc))}
    ${m.replyTo.length > 0 ? row('Reply to', fullAddresses(m.replyTo)) : null} ${dateRow}
  </dl>`;
}

function messageNav(view: MessageView): Html {
  const { message: m, query, search } = view;
  // j and k: the keyboard shortcuts for next and previous (see assets/app.js).
  const neighbour = (href: string | null, label: string, rel: string, key: string): Html =>
    href === null
      ? html`<li><span class="disabled">${label}</span></li>`
      : html`<li>
          <a href="${href}" rel="${rel}" data-shortcut="${key}">${label}</a>
        </li>`;
  const inFolder = (uid: number | null) => (uid === null ? null : messageUrl(m.folder, uid, query));
  const inSearch = (hit: HitRef | null, s: SearchWalk) =>
    hit === null ? null : messageUrl(hit.folder, hit.uid, query, { search: s.query });
  const links = search
    ? html`<li><a href="${search.backUrl}">Back to search results</a></li>
        ${neighbour(inSearch(search.prev, search), 'Previous result', 'prev', 'k')}
        ${neighbour(inSearch(search.next, search), 'Next result', 'next', 'j')}
        ${
          search.position === null
            ? null
            : html`<li><span>Result ${search.position + 1} of ${search.total}</span></li>`
        }`
    : html`<li><a href="${folderUrl(m.folder, query)}">Back to ${view.folderName}</a></li>
        ${neighbour(inFolder(m.prevUid), 'Previous message', 'prev', 'k')}
        ${neighbour(inFolder(m.nextUid), 'Next message', 'next', 'j')}`;
  return html`<nav class="message-nav" aria-label="Message">
    <ul>
      ${links}
      <li><a href="${sourceUrl(m.folder, m.uid)}">View source</a></li>
    </ul>
  </nav>`;
}

/** Reply and forward: plain links to the compose page, prefilled by the webcache. */
function composeActions(m: MessageDetail, inDrafts: boolean): Html {
  const link = (mode: Parameters<typeof composeFromUrl>[0], key: string | null, label: string) =>
    html`<li>
      <a
        href="${composeFromUrl(mode, m.folder, m.uid)}"
        ${key ? html` data-shortcut="${key}"` : null}
        >${label}</a
      >
    </li>`;
  const edit = inDrafts
    ? html`<li>
        <a href="${draftComposeUrl({ folder: m.folder, uid: m.uid }, m.folder)}">Edit draft</a>
      </li>`
    : null;
  return html`<nav class="reply-actions" aria-label="Reply and forward">
    <ul>
      ${edit} ${link('reply', 'r', 'Reply')} ${link('replyAll', 'a', 'Reply all')}
      ${link('forward', 'f', 'Forward')}
      ${link('forwardAsAttachment', null, 'Forward as attachment')}
    </ul>
  </nav>`;
}

/** A POST (it changes a setting), fetched through our proxy like "Load remote images". */
function alwaysLoadForm(view: MessageView): Html | null {
  const sender = view.remoteSender;
  if (sender === undefined || sender.address === '') return null;
  return html`<form method="post" action="/settings/remote-senders" class="always-load">
    ${hiddenCsrf(sender.csrf)}
    <input type="hidden" name="sender" value="${sender.address}" />
    <input type="hidden" name="next" value="${sender.next}" />
    <button type="submit">Always load from ${sender.address}</button>
  </form>`;
}

function notices(view: MessageView): Html | null {
  const items: Html[] = view.message.notices.map((n) => html`<li>${n}</li>`);
  const remote =
    view.remoteBlocked > 0 && !view.allowRemote
      ? html`<div class="notice remote-notice">
          <p>Remote images were blocked to protect your privacy.</p>
          <p>
            <a
              href="${messageUrl(view.message.folder, view.message.uid, view.query, { allowRemote: true, search: view.search?.query })}"
              >Load remote images</a
            >
          </p>
          ${alwaysLoadForm(view)}
        </div>`
      : null;
  if (items.length === 0 && remote === null) return null;
  return html`${
    items.length > 0
      ? html`<ul class="notice message-notices">
          ${items}
        </ul>`
      : null
  }${remote}`;
}

function bodySection(view: MessageView): Html {
  const { message: m } = view;
  let content: Html;
  if (m.html !== null) {
    // No allow-scripts: the frame's document is inert; allow-same-origin lets app.js size it.
    content = html`<iframe
        class="message-frame"
        title="Message content"
        sandbox="allow-same-origin allow-popups allow-popups-to-escape-sandbox"
        src="${bodyUrl(m.folder, m.uid, view.allowRemote)}"
      ></iframe>
      <p class="frame-link">
        <a href="${bodyUrl(m.folder, m.uid, view.allowRemote)}">Open the message text on its own</a>
      </p>`;
  } else if (view.textBody !== null) {
    // <pre>, not a styled <div>: text browsers ignore CSS and must still keep the lines.
    content = html`<pre class="message-text">${view.textBody}</pre>`;
  } else {
    content = html`<p class="empty">This message has no text.</p>`;
  }
  return html`<section class="message-body" aria-labelledby="body-heading">
    <h2 id="body-heading" class="visually-hidden">Message text</h2>
    ${content}
  </section>`;
}

function attachmentItem(m: MessageDetail, a: AttachmentInfo): Html {
  const name = a.filename.trim() === '' ? `Part ${a.part}` : a.filename;
  return html`<li>
    <a href="${partUrl(m.folder, m.uid, a.part)}" download>${name}</a>
    <span class="attachment-meta">${a.contentType}, ${formatSize(a.size)}</span>
  </li>`;
}

function attachmentList(m: MessageDetail): Html | null {
  const shown = m.attachments.filter((a) => a.disposition === 'attachment' || a.contentId === null);
  if (shown.length === 0) return null;
  return html`<section class="attachments" aria-labelledby="attachments-heading">
    <h2 id="attachments-heading">Attachments (${shown.length})</h2>
    <ul>
      ${shown.map((a) => attachmentItem(m, a))}
    </ul>
  </section>`;
}

export function messageMain(view: MessageView): Html {
  const { message: m } = view;
  return html`${messageNav(view)} ${view.actions ?? null}
    <article class="message" aria-labelledby="message-subject">
      <h1 id="message-subject">${subjectOf(m)}</h1>
      ${headerList(m)} ${composeActions(m, view.inDrafts === true)} ${notices(view)}
      ${bodySection(view)} ${attachmentList(m)}
    </article>`;
}
