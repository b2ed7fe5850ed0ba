// Owns the search pages: the advanced search form (every criterion, labelled, in fieldsets), the
// results as an index table with a folder column for all-folders scope, caption and paging.
// Must not fetch or validate: the route parses (search-form.ts) and asks the webcache.
import { html, type Html } from '../../base/index.js';
import { pagingNav } from './paging.js';
import type { FolderInfo, Result, SearchHit, SortField, SortOrder } from '../../protocol/index.js';
import {
  checkFields,
  dateFields,
  dateLabels,
  searchQueryOf,
  termFields,
  type CheckField,
  type FieldName,
  type ParsedSearch,
  type SearchValues,
  type TermField,
} from '../search-form.js';
import { ariaOf, fieldError } from './form-controls.js';
import { formatDate, formatSize, machineDate, shortAddresses } from './format.js';
import { firstOrder, sortDescription, statusCell } from './index-page.js';
import { errorSummary } from './layout.js';
import {
  organiseForm,
  rowSelectCell,
  selectHeaderCell,
  type OrganiseParts,
} from './organise-views.js';
import { messageUrl } from './urls.js';

export type SearchPage = Result<'search'>;

export interface SearchQuery {
  readonly sort: SortField;
  readonly order: SortOrder;
  readonly page?: number;
}

const termLabels: Record<TermField, string> = {
  text: 'Anywhere in the message',
  from: 'From',
  to: 'To',
  subject: 'Subject',
  body: 'In the text',
};
const checkLabels: Record<CheckField, string> = {
  unread: 'Unread only',
  flagged: 'Flagged only',
  attachment: 'With attachments only',
};
const columnNames: Record<SortField, string> = {
  date: 'Date',
  from: 'From',
  subject: 'Subject',
  size: 'Size',
};

/** The results URL of a search, with sort, order and page. */
/** The search alone as a query string: what a message opened from the results carries. */
export function searchQueryString(values: SearchValues): string {
  return new URLSearchParams(searchQueryOf(values)).toString();
}

export function searchUrl(values: SearchValues, q?: SearchQuery): string {
  const params = new URLSearchParams(searchQueryOf(values));
  if (q) {
    params.set('sort', q.sort);
    params.set('order', q.order);
    if (q.page !== undefined && q.page > 1) params.set('page', String(q.page));
  }
  return `/search?${params.toString()}`;
}

function folderNameOf(folders: readonly FolderInfo[], path: string): string {
  return folders.find((f) => f.path === path)?.name ?? path;
}

/** "“invoice” in the subject, unread, in Inbox": the search in words. */
export function describeSearch(values: SearchValues, folders: readonly FolderInfo[]): string {
  const parts: string[] = [];
  const t = values.terms;
  if (t.text !== '') parts.push(`“${t.text}”`);
  if (t.from !== '') parts.push(`from “${t.from}”`);
  if (t.to !== '') parts.push(`to “${t.to}”`);
  if (t.subject !== '') parts.push(`“${t.subject}” in the subject`);
  if (t.body !== '') parts.push(`“${t.body}” in the text`);
  if (values.dates.since !== '') parts.push(`sent on or after ${values.dates.since}`);
  if (values.dates.before !== '') parts.push(`sent before ${values.dates.before}`);
  if (values.checks.unread) parts.push('unread');
  if (values.checks.flagged) parts.push('flagged');
  if (values.checks.attachment) parts.push('with attachments');
  parts.push(
    values.scope === 'all' ? 'in all folders' : `in ${folderNameOf(folders, values.folder)}`,
  );
  return parts.join(', ');
}

function countWords(total: number): string {
  return total === 1 ? '1 result' : `${total} results`;
}

/** "3 results for “invoice”, in Inbox" (and the page when not the first). */
export function searchTitle(
  page: SearchPage,
  values: SearchValues,
  folders: readonly FolderInfo[],
): string {
  const title = `${countWords(page.total)} for ${describeSearch(values, folders)}`;
  return page.pageCount > 1 ? `${title}, page ${page.page} of ${page.pageCount}` : title;
}

function textField(field: TermField, parsed: ParsedSearch, autofocus: boolean): Html {
  const id = `search-${field}`;
  const error = parsed.errors[field];
  const errorId = error ? `${id}-error` : null;
  return html`<div class="field">
    <label for="${id}">${termLabels[field]}</label>
    ${error && errorId ? fieldError(errorId, error) : null}
    <input
      id="${id}"
      name="${field}"
      type="text"
      value="${parsed.values.terms[field]}"
      maxlength="200"
      ${ariaOf(null, errorId)}${autofocus ? html` autofocus` : null}
    />
  </div>`;
}

function dateField(field: (typeof dateFields)[number], parsed: ParsedSearch): Html {
  const id = `search-${field}`;
  const error = parsed.errors[field];
  const errorId = error ? `${id}-error` : null;
  const hintId = `${id}-hint`;
  return html`<div class="field">
    <label for="${id}">${dateLabels[field]}</label>
    <p class="hint" id="${hintId}">For example 2025-03-31.</p>
    ${error && errorId ? fieldError(errorId, error) : null}
    <input
      id="${id}"
      name="${field}"
      type="date"
      value="${parsed.values.dates[field]}"
      ${ariaOf(hintId, errorId)}
    />
  </div>`;
}

function checkField(field: CheckField, values: SearchValues): Html {
  const id = `search-${field}`;
  return html`<div class="field checkbox">
    <input
      id="${id}"
      name="${field}"
      type="checkbox"
      value="1"
      ${values.checks[field] ? html` checked` : null}
    />
    <label for="${id}">${checkLabels[field]}</label>
  </div>`;
}

function scopeFieldset(values: SearchValues, folders: readonly FolderInfo[]): Html {
  const selectable = folders.filter((f) => f.selectable);
  const options = selectable.map(
    (f) =>
      html`<option value="${f.path}" ${f.path === values.folder ? html` selected` : null}>
        ${'\u00a0\u00a0'.repeat(f.depth)}${f.name}
      </option>`,
  );
  return html`<fieldset>
    <legend>Where</legend>
    <div class="field radio">
      <input
        id="search-scope-all"
        type="radio"
        name="scope"
        value="all"
        ${values.scope === 'all' ? html` checked` : null}
      />
      <label for="search-scope-all">All folders</label>
    </div>
    <div class="field radio">
      <input
        id="search-scope-folder"
        type="radio"
        name="scope"
        value="folder"
        ${values.scope === 'folder' ? html` checked` : null}
      />
      <label for="search-scope-folder">One folder, chosen below</label>
    </div>
    <div class="field">
      <label for="search-folder">Folder</label>
      <select id="search-folder" name="folder">
        ${options}
      </select>
    </div>
  </fieldset>`;
}

/** The advanced search form, prefilled with what was typed (GET: searching changes nothing). */
export function searchForm(parsed: ParsedSearch, folders: readonly FolderInfo[]): Html {
  const firstError = termFields.find((f) => parsed.errors[f]);
  return html`<form
    method="get"
    action="/search"
    class="search-form"
    role="search"
    aria-label="Advanced search"
  >
    ${scopeFieldset(parsed.values, folders)}
    <fieldset>
      <legend>Words</legend>
      ${termFields.map((f) => textField(f, parsed, f === firstError))}
    </fieldset>
    <fieldset>
      <legend>Date sent</legend>
      ${dateFields.map((f) => dateField(f, parsed))}
    </fieldset>
    <fieldset>
      <legend>Status</legend>
      ${(Object.keys(checkFields) as CheckField[]).map((f) => checkField(f, parsed.values))}
    </fieldset>
    <button type="submit">Search</button>
  </form>`;
}

/** The advanced search page; with the problems above the form when the query was wrong. */
export function searchFormMain(parsed: ParsedSearch, folders: readonly FolderInfo[]): Html {
  const problems = [
    parsed.formError,
    ...(Object.keys(parsed.errors) as FieldName[]).map((f) => parsed.errors[f] ?? null),
  ].filter((m): m is string => m !== null);
  return html`<h1>Search</h1>
    ${problems.length > 0 ? errorSummary(problems.join(' ')) : null} ${searchForm(parsed, folders)}`;
}

interface ResultsView {
  readonly page: SearchPage;
  readonly parsed: ParsedSearch;
  readonly query: Required<SearchQuery>;
  readonly folders: readonly FolderInfo[];
  /** The organising form (a checkbox per result, toolbar, notice); absent: read-only. */
  readonly organise?: OrganiseParts | null;
}

function headerCell(field: SortField, view: ResultsView): Html {
  const { sort, order } = view.query;
  const isSorted = sort === field;
  const nextOrder: SortOrder = isSorted ? (order === 'asc' ? 'desc' : 'asc') : firstOrder[field];
  const href = searchUrl(view.parsed.values, { sort: field, order: nextOrder, page: 1 });
  const ariaSort = isSorted ? (order === 'asc' ? 'ascending' : 'descending') : 'none';
  const arrow = isSorted
    ? html`<span class="sort-arrow" aria-hidden="true">${order === 'asc' ? '▲' : '▼'}</span>`
    : null;
  return html`<th scope="col" class="col-${field}" aria-sort="${ariaSort}">
    <a href="${href}">${columnNames[field]}${arrow}</a>
  </th>`;
}

/** A result's checkbox: its UID when one folder was searched, else its UID and folder. */
function hitSelectCell(parts: OrganiseParts, hit: SearchHit, n: number, subject: string): Html {
  return rowSelectCell(
    parts,
    parts.rowsNameFolder
      ? { name: 'message', value: `${hit.uid} ${hit.folder}`, id: `select-hit-${n}`, subject }
      : { name: 'uid', value: String(hit.uid), id: `select-${hit.uid}`, subject },
  );
}

function hitRow(view: ResultsView, hit: SearchHit, n: number, search: string): Html {
  const href = messageUrl(hit.folder, hit.uid, view.query, { search });
  const when = machineDate(hit.date);
  const subject = hit.subject.trim() === '' ? '(no subject)' : hit.subject;
  const showFolder = view.page.scope === 'all';
  const parts = view.organise ?? null;
  return html`<tr${hit.isUnread ? html` class="unread"` : null}>
    ${parts ? hitSelectCell(parts, hit, n, subject) : null} ${statusCell(hit)}
    <td class="col-from">${shortAddresses(hit.from)}</td>
    <td class="col-subject"><a href="${href}">${subject}</a>${hit.snippet ? html`<div class="snippet">${hit.snippet}</div>` : null}</td>
    ${showFolder ? html`<td class="col-folder">${folderNameOf(view.folders, hit.folder)}</td>` : null}
    <td class="col-date">${when ? html`<time datetime="${when}">${formatDate(hit.date)}</time>` : hit.date}</td>
    <td class="col-size">${formatSize(hit.size)}</td>
  </tr>`;
}

function resultsTable(view: ResultsView): Html {
  const showFolder = view.page.scope === 'all';
  const { sort, order } = view.query;
  const search = searchQueryString(view.parsed.values);
  return html`<table class="message-index search-results">
    <caption>
      ${countWords(view.page.total)} for ${describeSearch(view.parsed.values, view.folders)}<span
        class="caption-sort"
        >, sorted ${sortDescription(sort, order)}</span
      >
    </caption>
    <thead>
      <tr>
        ${view.organise ? selectHeaderCell : null}
        <th scope="col" class="col-status"><span class="visually-hidden">Status</span></th>
        ${headerCell('from', view)} ${headerCell('subject', view)}
        ${showFolder ? html`<th scope="col" class="col-folder">Folder</th>` : null}
        ${headerCell('date', view)} ${headerCell('size', view)}
      </tr>
    </thead>
    <tbody>
      ${view.page.hits.map((hit, i) => hitRow(view, hit, i + 1, search))}
    </tbody>
  </table>`;
}

export function searchResultsMain(view: ResultsView): Html {
  const { page } = view;
  const organise = view.organise ?? null;
  const body =
    page.total === 0
      ? html`<p class="empty">
          No messages match ${describeSearch(view.parsed.values, view.folders)}.
        </p>`
      : resultsTable(view);
  const listing = organise && page.hits.length > 0 ? organiseForm(organise, body) : body;
  return html`<h1>Search results</h1>
    ${organise?.notice ?? null} ${listing}
    ${pagingNav({
      page: view.page.page,
      pageCount: view.page.pageCount,
      label: 'Result pages',
      urlOf: (n) => searchUrl(view.parsed.values, { ...view.query, page: n }),
    })}
    <section aria-labelledby="refine-heading">
      <h2 id="refine-heading">Change the search</h2>
      ${searchForm(view.parsed, view.folders)}
    </section>`;
}
