// Owns the shape of every page URL, so routes and templates agree on it.
// Must not hold state: pure string building.
import type { SortField, SortOrder } from '../../protocol/index.js';

export interface IndexQuery {
  readonly sort: SortField;
  readonly order: SortOrder;
  readonly page?: number;
}

/** What form encoding (URLSearchParams) leaves as it is. */
const formSafe = /^[A-Za-z0-9*._-]*$/;

/** One value as URLSearchParams writes it; most values (sort, order, numbers) need no encoding. */
function formEncode(value: string): string {
  return formSafe.test(value) ? value : new URLSearchParams({ v: value }).toString().slice(2);
}

/** The query string URLSearchParams would build, without building one per link. */
function query(values: Record<string, string | number | undefined>): string {
  let text = '';
  for (const key in values) {
    const value = values[key];
    if (value === undefined) continue;
    text += `${text === '' ? '?' : '&'}${formEncode(key)}=${formEncode(String(value))}`;
  }
  return text;
}

export function folderUrl(folder: string, q?: IndexQuery): string {
  const base = `/f/${encodeURIComponent(folder)}`;
  if (!q) return base;
  return base + query({ sort: q.sort, order: q.order, page: q.page });
}

/** The new-mail event stream of a folder (server-sent events, see routes/events.ts). */
export function eventsUrl(folder: string): string {
  return `/events?folder=${encodeURIComponent(folder)}`;
}

export function messageUrl(
  folder: string,
  uid: number,
  q?: IndexQuery,
  options: { allowRemote?: boolean; search?: string } = {},
): string {
  const base = `/f/${encodeURIComponent(folder)}/${uid}`;
  const remote = options.allowRemote ? 1 : undefined;
  // `s`: the query string of the search the message was opened from (routes/message.ts).
  return base + query({ sort: q?.sort, order: q?.order, remote, s: options.search });
}

/** A message's whole conversation (routes/threads.ts). */
export function conversationUrl(folder: string, uid: number): string {
  return `${messageUrl(folder, uid)}/thread`;
}

export function bodyUrl(folder: string, uid: number, allowRemote: boolean): string {
  return `${messageUrl(folder, uid)}/body${allowRemote ? '?remote=1' : ''}`;
}

export function sourceUrl(folder: string, uid: number): string {
  return `${messageUrl(folder, uid)}/source`;
}

export function partUrl(folder: string, uid: number, part: string, inline = false): string {
  return `${messageUrl(folder, uid)}/part/${part}${inline ? '?inline=1' : ''}`;
}

/** The inbox's IMAP name is INBOX on every server (RFC 3501 §5.1), whatever the prefix. */
export const inboxUrl = folderUrl('INBOX');

/** Query keys that carry the notice of what was just done (organise, page size, send). */
const noticeKeys = ['done', 'n', 'to', 'undo', 'saved', 'sent'] as const;

/** A same-site path parsed, without the notice of what was done before it. */
export function withoutNotice(path: string): URL {
  const url = new URL(path, 'http://same.invalid');
  for (const key of noticeKeys) url.searchParams.delete(key);
  return url;
}

/**
 * A return-to target is followed only when it is a path on this site: it starts with one "/",
 * not "//" or "/\" (which browsers read as another host), and has no control characters.
 */
export function safeReturnPath(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 2000) return null;
  if (!/^\/(?![/\\])/.test(value)) return null;
  // eslint-disable-next-line no-control-regex -- rejecting control characters is the point
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return null;
  return value;
}

/** How the compose page answers or forwards a stored message. */
export type ComposeMode = 'reply' | 'replyAll' | 'forward' | 'forwardAsAttachment';

/** The compose page prefilled from a message; it returns to that message's folder. */
export function composeFromUrl(mode: ComposeMode, folder: string, uid: number): string {
  return `/compose${query({ mode, message: `${folder}/${uid}`, back: folder })}`;
}

/** The compose page of a stored draft (`saved` adds the "Draft saved" notice). */
export function draftComposeUrl(
  draft: { folder: string; uid: number },
  back: string,
  saved = false,
): string {
  return `/compose${query({ draft: `${draft.folder}/${draft.uid}`, back, saved: saved ? 1 : undefined })}`;
}
