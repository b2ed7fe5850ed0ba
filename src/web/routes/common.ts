// Owns what the mail routes share: reading folder/uid/sort from the URL strictly, the user's
// preferences, and the folder navigation. Must not render pages: views do.
import type { FastifyRequest } from 'fastify';
import { AlphaMailError, type Html } from '../../base/index.js';
import type { FolderInfo, SortField, SortOrder } from '../../protocol/index.js';
import type { WebDeps } from '../context.js';
import type { SignedIn } from '../session-mail.js';
import type { Prefs } from '../session-store.js';
import { renderFolderNav } from '../views/folder-nav.js';
import { firstOrder } from '../views/index-page.js';

/** Page sizes the protocol accepts (listMessages.pageSize). */
export const minPageSize = 5;
export const maxPageSize = 500;
/** Pages beyond this are not a real folder: refuse rather than ask the webcache. */
const maxPageNumber = 1_000_000;
/** The protocol's limit on a folder path's length. */
const maxFolderChars = 1000;

const sortFields: readonly SortField[] = ['date', 'from', 'subject', 'size'];
const sortOrders: readonly SortOrder[] = ['asc', 'desc'];

export function defaultPrefs(deps: WebDeps): Prefs {
  const size = Math.min(maxPageSize, Math.max(minPageSize, deps.config.defaultPageSize));
  return { pageSize: size, sort: 'date', order: 'desc', threaded: false };
}

export function prefsOf(deps: WebDeps, who: SignedIn): Prefs {
  return deps.sessions.prefs(who.record.user, who.record.domain, defaultPrefs(deps));
}

export function folderParam(request: FastifyRequest): string {
  const folder = (request.params as { folder?: unknown }).folder;
  if (typeof folder !== 'string' || folder === '' || folder.length > maxFolderChars) {
    throw new AlphaMailError('AM_FOLDER_NOT_FOUND', 'bad folder in URL');
  }
  return folder;
}

export function uidParam(request: FastifyRequest): number {
  const uid = (request.params as { uid?: unknown }).uid;
  // UIDs are 32-bit unsigned non-zero numbers (RFC 3501 §2.3.1.1).
  if (typeof uid !== 'string' || !/^[1-9]\d{0,9}$/.test(uid) || Number(uid) > 0xffffffff) {
    throw new AlphaMailError('AM_MESSAGE_NOT_FOUND', 'bad uid in URL');
  }
  return Number(uid);
}

function oneOf<T extends string>(
  value: unknown,
  allowed: readonly T[],
  fallback: T,
  what: string,
): T {
  if (value === undefined || value === '') return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value))
    return value as T;
  throw new AlphaMailError('AM_BAD_REQUEST', `bad ${what} in URL`);
}

/** Sort and order from the query, else the user's defaults; a wrong value is an error. */
export function sortQuery(
  request: FastifyRequest,
  prefs: Prefs,
): { sort: SortField; order: SortOrder } {
  const query = request.query as Record<string, unknown>;
  const sort = oneOf(query.sort, sortFields, prefs.sort, 'sort');
  // A sort chosen without an order gets that column's natural first order.
  const fallbackOrder = query.sort === undefined ? prefs.order : firstOrder[sort];
  const order = oneOf(query.order, sortOrders, fallbackOrder, 'order');
  return { sort, order };
}

export function pageQuery(request: FastifyRequest): number {
  const page = (request.query as Record<string, unknown>).page;
  if (page === undefined || page === '') return 1;
  if (typeof page !== 'string' || !/^[1-9]\d{0,6}$/.test(page) || Number(page) > maxPageNumber) {
    throw new AlphaMailError('AM_BAD_REQUEST', 'bad page in URL');
  }
  return Number(page);
}

/**
 * The index's "Select all" (`select=all`: every row of the page ticked, as Gmail's basic HTML
 * view does without script) and the page's own URL without it, where forms return: the page after
 * an action must not come back with every row ticked.
 */
export function selectionQuery(request: FastifyRequest): { selectAll: boolean; selfUrl: string } {
  const url = new URL(request.url, 'http://same.invalid');
  const selectAll = url.searchParams.get('select') === 'all';
  url.searchParams.delete('select');
  return { selectAll, selfUrl: url.pathname + url.search };
}

export function isSortField(value: unknown): value is SortField {
  return typeof value === 'string' && (sortFields as readonly string[]).includes(value);
}

export function isSortOrder(value: unknown): value is SortOrder {
  return typeof value === 'string' && (sortOrders as readonly string[]).includes(value);
}

export async function loadFolders(deps: WebDeps, who: SignedIn): Promise<FolderInfo[]> {
  return (await deps.mail.call(who, 'listFolders', {})).folders;
}

export function folderNav(folders: readonly FolderInfo[], current: string | null): Html {
  return renderFolderNav(folders, current);
}

/** The shown name of a folder path: from the list when present, else the path itself. */
export function folderName(folders: readonly FolderInfo[], path: string): string {
  return folders.find((f) => f.path === path)?.name ?? path;
}
