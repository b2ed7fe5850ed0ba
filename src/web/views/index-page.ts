// Owns the message index page: a real table (caption, column headers that sort, aria-sort),
// status as icons plus words, paging and the page-size form. Must not fetch or decide sorting.
import { html, joinHtml, type Html } from '../../base/index.js';
import { pagingNav } from './paging.js';
import type { MessageSummary, Result, SortField, SortOrder } from '../../protocol/index.js';
import { formatDate, formatSize, machineDate, shortAddresses } from './format.js';
import { hiddenCsrf, statusNotice } from './layout.js';
import {
  organiseForm,
  rowSelectCell,
  selectHeaderCell,
  type OrganiseParts,
} from './organise-views.js';
import { eventsUrl, folderUrl, messageUrl, type IndexQuery } from './urls.js';

export type FolderPage = Result<'listMessages'>;

export interface IndexView {
  readonly page: FolderPage;
  readonly query: Required<IndexQuery>;
  readonly pageSize: number;
  readonly csrf: string;
  /** This page's own URL, where the page-size form returns to. */
  readonly selfUrl: string;
  readonly notice?: string | null;
  /** The organising form (row checkboxes, toolbar, notice); absent: a read-only index. */
  readonly organise?: OrganiseParts | null;
}

const columnNames: Record<SortField, string> = {
  date: 'Date',
  from: 'From',
  subject: 'Subject',
  size: 'Size',
};

/** The order a column sorts in when first chosen: newest and largest first. */
export const firstOrder: Record<SortField, SortOrder> = {
  date: 'desc',
  from: 'asc',
  subject: 'asc',
  size: 'desc',
};

export function sortDescription(sort: SortField, order: SortOrder): string {
  const ascending = order === 'asc';
  switch (sort) {
    case 'date':
      return ascending ? 'oldest first' : 'newest first';
    case 'size':
      return ascending ? 'smallest first' : 'largest first';
    case 'from':
      return ascending ? 'by sender, A to Z' : 'by sender, Z to A';
    case 'subject':
      return ascending ? 'by subject, A to Z' : 'by subject, Z to A';
  }
}

/** "Inbox, 3 unread" (and the page when not the first): the page's unique title. */
export function indexTitle(page: FolderPage): string {
  const parts = [page.folder.name];
  if (page.unread > 0) parts.push(`${page.unread} unread`);
  if (page.pageCount > 1) parts.push(`page ${page.page} of ${page.pageCount}`);
  return parts.join(', ');
}

function headerCell(field: SortField, view: IndexView): Html {
  const { sort, order } = view.query;
  const isSorted = sort === field;
  const nextOrder: SortOrder = isSorted ? (order === 'asc' ? 'desc' : 'asc') : firstOrder[field];
  const href = folderUrl(view.page.folder.path, { sort: field, order: nextOrder, page: 1 });
  const ariaSort = isSorted ? (order === 'asc' ? 'ascending' : 'descending') : 'none';
  const arrow = isSorted
    ? html`<span class="sort-arrow" aria-hidden="true">${order === 'asc' ? '▲' : '▼'}</span>`
    : null;
  return html`<th scope="col" class="col-${field}" aria-sort="${ariaSort}">
    <a href="${href}">${columnNames[field]}${arrow}</a>
  </th>`;
}

function statusMark(icon: string, word: string, cls: string): Html {
  return html`<span class="mark ${cls}"
    ><span class="icon" aria-hidden="true">${icon}</span
    ><span class="visually-hidden">${word}</span></span
  >`;
}

/** The marks never change: built once, not for every row of every page. */
const marks = {
  unread: statusMark('●', 'Unread', 'mark-unread'),
  flagged: statusMark('★', 'Flagged', 'mark-flagged'),
  answered: statusMark('↩', 'Answered', 'mark-answered'),
  draft: statusMark('✎', 'Draft', 'mark-draft'),
  attachment: statusMark('📎', 'Has attachment', 'mark-attachment'),
} as const;

export function statusCell(m: MessageSummary): Html {
  const shown: Html[] = [];
  if (m.isUnread) shown.push(marks.unread);
  if (m.isFlagged) shown.push(marks.flagged);
  if (m.isAnswered) shown.push(marks.answered);
  if (m.isDraft) shown.push(marks.draft);
  if (m.hasAttachments) shown.push(marks.attachment);
  // Spaces between marks: text browsers show the words too ("Unread Flagged").
  return html`<td class="col-status">
    ${joinHtml(shown.flatMap((mark, i) => (i === 0 ? [mark] : [' ', mark])))}
  </td>`;
}

function messageRow(m: MessageSummary, view: IndexView): Html {
  const href = messageUrl(view.page.folder.path, m.uid, view.query);
  const when = machineDate(m.date);
  const subject = m.subject.trim() === '' ? '(no subject)' : m.subject;
  const parts = view.organise ?? null;
  const select = parts
    ? rowSelectCell(parts, { name: 'uid', value: String(m.uid), id: `select-${m.uid}`, subject })
    : null;
  return html`<tr${m.isUnread ? html` class="unread"` : null}>
    ${select} ${statusCell(m)}
    <td class="col-from">${shortAddresses(m.from)}</td>
    <td class="col-subject"><a href="${href}">${subject}</a>${m.snippet ? html`<div class="snippet">${m.snippet}</div>` : null}</td>
    <td class="col-date">${when ? html`<time datetime="${when}">${formatDate(m.date)}</time>` : m.date}</td>
    <td class="col-size">${formatSize(m.size)}</td>
  </tr>`;
}

export function indexTable(view: IndexView): Html {
  const { page, query } = view;
  const total = page.total === 1 ? '1 message' : `${page.total} messages`;
  return html`<table class="message-index">
    <caption>
      ${page.folder.name}: ${total}, ${page.unread} unread<span class="caption-sort"
        >, sorted ${sortDescription(query.sort, query.order)}</span
      >
    </caption>
    <thead>
      <tr>
        ${view.organise ? selectHeaderCell : null}
        <th scope="col" class="col-status"><span class="visually-hidden">Status</span></th>
        ${headerCell('from', view)} ${headerCell('subject', view)} ${headerCell('date', view)}
        ${headerCell('size', view)}
      </tr>
    </thead>
    <tbody>
      ${page.messages.map((m) => messageRow(m, view))}
    </tbody>
  </table>`;
}

function pageSizeForm(view: IndexView): Html {
  return html`<form method="post" action="/settings/page-size" class="page-size">
    ${hiddenCsrf(view.csrf)}
    <input type="hidden" name="next" value="${view.selfUrl}" />
    <label for="page-size">Messages per page</label>
    <input
      id="page-size"
      name="pageSize"
      type="number"
      min="5"
      max="500"
      step="1"
      required
      value="${view.pageSize}"
    />
    <button type="submit">Show</button>
  </form>`;
}

export function indexMain(view: IndexView): Html {
  const { page } = view;
  const body =
    page.messages.length === 0
      ? html`<p class="empty">
          ${page.total === 0 ? 'This folder is empty.' : 'There are no messages on this page.'}
        </p>`
      : indexTable(view);
  const organise = view.organise ?? null;
  const listing = organise && page.messages.length > 0 ? organiseForm(organise, body) : body;
  // Filled by the script when new mail arrives (server-sent events); hidden without it.
  const newMail = html`<p
    class="new-mail"
    hidden
    data-events="${eventsUrl(page.folder.path)}"
    data-show="${folderUrl(page.folder.path, { ...view.query, page: 1 })}"
  ></p>`;
  return html`<h1>${page.folder.name}</h1>
    ${newMail} ${view.notice ? statusNotice(view.notice, { isFocused: true }) : null}
    ${organise?.notice ?? null} ${organise?.folderActions ?? null} ${listing}
    ${pagingNav({
      page: view.page.page,
      pageCount: view.page.pageCount,
      label: 'Pages',
      urlOf: (n) => folderUrl(view.page.folder.path, { ...view.query, page: n }),
    })}
    ${pageSizeForm(view)}`;
}
