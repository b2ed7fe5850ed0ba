// Owns the paging links under any paged table (index, conversations, search results): first,
// previous, next, last, and where the reader is. Must not know what is paged: the caller builds URLs.
import { html, type Html } from '../../base/index.js';

export interface PagingInput {
  readonly page: number;
  readonly pageCount: number;
  /** The URL of page n. */
  readonly urlOf: (page: number) => string;
  /** The navigation landmark's name, e.g. "Pages". */
  readonly label: string;
}

/** Null when everything fits on one page. */
export function pagingNav(input: PagingInput): Html | null {
  const { page, pageCount } = input;
  if (pageCount <= 1) return null;
  const link = (target: number, label: string, rel: string | null): Html => {
    const isHere = target === page || target < 1 || target > pageCount;
    if (isHere) return html`<li><span class="disabled">${label}</span></li>`;
    const href = input.urlOf(target);
    return html`<li><a href="${href}" ${rel ? html` rel="${rel}"` : null}>${label}</a></li>`;
  };
  return html`<nav class="paging" aria-label="${input.label}">
    <p class="page-of">Page ${page} of ${pageCount}</p>
    <ul>
      ${link(1, 'First page', null)} ${link(page - 1, 'Previous page', 'prev')}
      ${link(page + 1, 'Next page', 'next')} ${link(pageCount, 'Last page', null)}
    </ul>
  </nav>`;
}
