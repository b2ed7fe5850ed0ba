// Owns the folder index shown as conversations: a real table (caption, header cells) with one row
// per conversation — subject, participants, message count, latest date, unread state in words —
// a checkbox per conversation in the organising form, and paging. Must not fetch or decide the
// grouping: the webcache does.
import { html, type Html } from '../../base/index.js';
import { pagingNav } from './paging.js';
import type { Result, ThreadSummary } from '../../protocol/index.js';
import { formatDate, machineDate } from './format.js';
import { statusNotice } from './layout.js';
import {
  organiseForm,
  rowSelectCell,
  selectHeaderCell,
  type OrganiseParts,
} from './organise-views.js';
import { conversationUrl, eventsUrl, folderUrl } from './urls.js';

export type ThreadPage = Result<'listThreads'>;

export interface ThreadIndexView {
  readonly page: ThreadPage;
  readonly notice?: string | null;
  /** The organising form (a checkbox per conversation, toolbar, notice); absent: read-only. */
  readonly organise?: OrganiseParts | null;
}

const plural = (n: number, one: string, many: string): string =>
  n === 1 ? `1 ${one}` : `${n} ${many}`;

/** "Inbox, 3 unread, conversations" (and the page when not the first): the page's title. */
export function threadIndexTitle(page: ThreadPage): string {
  const parts = [page.folder.name];
  if (page.unread > 0) parts.push(`${page.unread} unread`);
  parts.push('conversations');
  if (page.pageCount > 1) parts.push(`page ${page.page} of ${page.pageCount}`);
  return parts.join(', ');
}

function pageUrl(folder: string, page: number): string {
  return `${folderUrl(folder)}?page=${page}`;
}

function threadRow(folder: string, t: ThreadSummary, organise: OrganiseParts | null): Html {
  const subject = t.subject.trim() === '' ? '(no subject)' : t.subject;
  const when = machineDate(t.latestDate);
  const state = t.unread === 0 ? 'Read' : `${t.unread} unread`;
  const select = organise
    ? rowSelectCell(organise, {
        name: 'conversation',
        value: t.folderUids.join(' '),
        id: `select-${t.uid}`,
        subject,
      })
    : null;
  return html`<tr${t.unread > 0 ? html` class="unread"` : null}>
    ${select}
    <td class="col-subject">
      <a href="${conversationUrl(folder, t.uid)}">${subject}</a>${t.snippet ? html`<div class="snippet">${t.snippet}</div>` : null}
    </td>
    <td class="col-from">${t.participants.join(', ')}</td>
    <td class="col-count">${plural(t.count, 'message', 'messages')}</td>
    <td class="col-date">${when ? html`<time datetime="${when}">${formatDate(t.latestDate)}</time>` : t.latestDate}</td>
    <td class="col-status">${state}</td>
  </tr>`;
}

function threadTable(page: ThreadPage, organise: OrganiseParts | null): Html {
  const folder = page.folder.path;
  return html`<table class="message-index thread-index">
    <caption>
      ${page.folder.name}: ${plural(page.total, 'conversation', 'conversations')}, ${page.unread}
      unread messages<span class="caption-sort">, newest activity first</span>
    </caption>
    <thead>
      <tr>
        ${organise ? selectHeaderCell : null}
        <th scope="col" class="col-subject">Subject</th>
        <th scope="col" class="col-from">Participants</th>
        <th scope="col" class="col-count">Messages</th>
        <th scope="col" class="col-date">Latest</th>
        <th scope="col" class="col-status">Status</th>
      </tr>
    </thead>
    <tbody>
      ${page.threads.map((t) => threadRow(folder, t, organise))}
    </tbody>
  </table>`;
}

export function threadIndexMain(view: ThreadIndexView): Html {
  const { page } = view;
  const organise = view.organise ?? null;
  const body =
    page.threads.length === 0
      ? html`<p class="empty">
          ${page.total === 0 ? 'This folder is empty.' : 'There are no conversations on this page.'}
        </p>`
      : threadTable(page, organise);
  const listing = organise && page.threads.length > 0 ? organiseForm(organise, body) : body;
  // Filled by the script when new mail arrives (server-sent events); hidden without it.
  const newMail = html`<p
    class="new-mail"
    hidden
    data-events="${eventsUrl(page.folder.path)}"
    data-show="${folderUrl(page.folder.path)}"
  ></p>`;
  return html`<h1>${page.folder.name}</h1>
    ${newMail} ${view.notice ? statusNotice(view.notice) : null} ${organise?.notice ?? null}
    <p class="view-mode">Shown as conversations. <a href="/settings">Change this in Settings</a></p>
    ${organise?.folderActions ?? null} ${listing}
    ${pagingNav({
      page: page.page,
      pageCount: page.pageCount,
      label: 'Pages',
      urlOf: (n) => pageUrl(page.folder.path, n),
    })}`;
}
