// Owns reading one message: the page (marks it read) and the document of its HTML iframe, built
// only from the sanitiser's output. Must not put message HTML anywhere but the frame document.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sanitizeMailHtml, linkifyText, type SanitizedMail } from '../../mime/index.js';
import type { MessageDetail } from '../../protocol/index.js';
import type { WebDeps } from '../context.js';
import { messageFrameCsp } from '../plugins/security-headers.js';
import { requireSignedIn } from '../plugins/session.js';
import { sendPage } from '../render.js';
import { RecentMemo } from '../recent-memo.js';
import type { SignedIn } from '../session-mail.js';
import { renderMessageFrame } from '../views/message-frame.js';
import { messageMain, messageTitle, type SearchWalk } from '../views/message-page.js';
import { messageOrganise } from '../views/organise-views.js';
import { searchQueryString, searchUrl } from '../views/search-page.js';
import { folderUrl, partUrl, type IndexQuery } from '../views/urls.js';
import { parseSearchQuery } from '../search-form.js';
import { remoteImageSigner } from './remote-image.js';
import {
  folderName,
  folderNav,
  folderParam,
  loadFolders,
  prefsOf,
  sortQuery,
  uidParam,
} from './common.js';

/**
 * Where the message stands among the results of the search it was opened from (`s`, the
 * search's query string; views/urls.ts), or null when it was not opened from a search. Asked
 * before the message is marked read, so a search for unread mail still finds it. A walk that
 * cannot be had (a mangled `s`, a search folder since deleted) leaves the page to its folder's
 * links: the message itself still opens.
 */
async function searchWalk(
  deps: WebDeps,
  who: SignedIn,
  request: FastifyRequest,
  hit: { folder: string; uid: number },
  view: IndexQuery & { pageSize: number },
): Promise<SearchWalk | null> {
  const s = (request.query as Record<string, unknown>).s;
  if (typeof s !== 'string' || s === '') return null;
  try {
    const parsed = parseSearchQuery(Object.fromEntries(new URLSearchParams(s)));
    if (parsed.criteria === null) return null;
    const { values } = parsed;
    const found = await deps.mail.call(who, 'searchNeighbours', {
      scope: values.scope,
      folder: values.folder,
      criteria: parsed.criteria,
      sort: view.sort,
      order: view.order,
      hit,
    });
    const page = found.position === null ? 1 : Math.floor(found.position / view.pageSize) + 1;
    return {
      ...found,
      query: searchQueryString(values),
      backUrl: searchUrl(values, { sort: view.sort, order: view.order, page }),
    };
  } catch (err) {
    deps.logger.info({ err }, "search walk unavailable; the folder's links are shown");
    return null;
  }
}

function wantsRemote(request: FastifyRequest): boolean {
  return (request.query as Record<string, unknown>).remote === '1';
}

/** The sender whose remote content the reader may choose to always load: the first From. */
function senderOf(message: MessageDetail): string {
  return message.from[0]?.address.trim() ?? '';
}

/** Remote content loads (through the proxy) when asked for this once or always for the sender. */
function remoteAllowed(
  deps: WebDeps,
  who: SignedIn,
  request: FastifyRequest,
  message: MessageDetail,
) {
  const sender = senderOf(message);
  return (
    wantsRemote(request) ||
    (sender !== '' &&
      deps.sessions.isRemoteSenderAllowed(who.record.user, who.record.domain, sender))
  );
}

/** Content-IDs are compared without angle brackets (RFC 2392 §2). */
function bareCid(cid: string): string {
  return cid.trim().replace(/^<|>$/g, '');
}

/**
 * Sanitises the HTML body. cid: images point at our own inline part URLs.
 *
 * With remote=1 remote image URLs become signed same-origin /remote-image URLs, so the frame's
 * CSP (img-src 'self' data:) lets them load and the sender sees AlphaMail, not the reader.
 */
function sanitizedBody(deps: WebDeps, message: MessageDetail, allowRemote: boolean) {
  const byCid = new Map<string, string>();
  for (const a of message.attachments) {
    if (a.contentId !== null) byCid.set(bareCid(a.contentId), a.part);
  }
  const html = message.html ?? '';
  // Everything the output depends on: the body, where it lives, its cid: parts, remote or not.
  const cids = [...byCid].map(([cid, part]) => `${cid}\u0001${part}`).join('\u0002');
  const key = [allowRemote ? '1' : '0', message.folder, message.uid, cids, html].join('\u0000');
  return bodyMemo(deps).get(
    key,
    () =>
      sanitizeMailHtml(html, {
        allowRemote,
        proxyRemoteUrl: remoteImageSigner(deps).proxyUrl,
        resolveCid: (cid) => {
          const part = byCid.get(bareCid(cid));
          return part === undefined ? null : partUrl(message.folder, message.uid, part, true);
        },
      }),
    (sanitized) => sanitized.html.toString().length,
  );
}

/**
 * Sanitised bodies of one app: the message page counts blocked remote images and the frame the
 * browser loads next shows the body; both ask for the same sanitising, which is done once.
 */
const bodyMemos = new WeakMap<WebDeps, RecentMemo<SanitizedMail>>();
/**
 * Messages a page just fetched, for the one frame request that page makes next: by web session,
 * folder and UID, taken once (a later frame request asks the webcache again).
 */
const pageMessages = new WeakMap<WebDeps, RecentMemo<MessageDetail>>();

function memoOf<V>(memos: WeakMap<WebDeps, RecentMemo<V>>, deps: WebDeps): RecentMemo<V> {
  let memo = memos.get(deps);
  if (memo === undefined) {
    memo = new RecentMemo<V>();
    memos.set(deps, memo);
  }
  return memo;
}

function bodyMemo(deps: WebDeps): RecentMemo<SanitizedMail> {
  return memoOf(bodyMemos, deps);
}

function pageMessageKey(who: SignedIn, folder: string, uid: number): string {
  return `${who.record.id}\u0000${folder}\u0000${uid}`;
}

export function registerMessageRoutes(app: FastifyInstance, deps: WebDeps): void {
  app.get('/f/:folder/:uid', async (request, reply) => {
    const who = requireSignedIn(request);
    const folder = folderParam(request);
    const uid = uidParam(request);
    const prefs = prefsOf(deps, who);
    const { sort, order } = sortQuery(request, prefs);
    const view = { sort, order, pageSize: prefs.pageSize };
    const search = await searchWalk(deps, who, request, { folder, uid }, view);
    const [message, folders] = await Promise.all([
      deps.mail.call(who, 'getMessage', { folder, uid, sort, order, markRead: true }),
      loadFolders(deps, who),
    ]);
    const allowRemote = remoteAllowed(deps, who, request, message);
    const remoteBlocked =
      message.html !== null ? sanitizedBody(deps, message, allowRemote).remoteBlocked : 0;
    if (message.html !== null) {
      // The page embeds the body as a frame the browser fetches right away: it needs this message.
      const chars = message.html.length + (message.text?.length ?? 0);
      memoOf(pageMessages, deps).put(pageMessageKey(who, folder, uid), message, chars);
    }
    const name = folderName(folders, folder);
    const main = messageMain({
      message,
      folderName: name,
      inDrafts: folders.some((f) => f.path === folder && f.specialUse === 'drafts'),
      query: { sort, order },
      search,
      textBody: message.html === null && message.text !== null ? linkifyText(message.text) : null,
      remoteBlocked,
      allowRemote,
      remoteSender: { address: senderOf(message), csrf: who.record.csrf, next: request.url },
      actions: messageOrganise({
        message,
        folders,
        csrf: who.record.csrf,
        selfUrl: request.url,
        folderUrl: folderUrl(folder, { sort, order }),
      }),
    });
    return sendPage(deps, request, reply, {
      title: messageTitle(message, name),
      main,
      nav: folderNav(folders, folder),
    });
  });

  app.get('/f/:folder/:uid/body', async (request, reply) => {
    const who = requireSignedIn(request);
    const folder = folderParam(request);
    const uid = uidParam(request);
    const message =
      memoOf(pageMessages, deps).take(pageMessageKey(who, folder, uid)) ??
      (await fetchForFrame(deps, who, folder, uid));
    const { html: body } = sanitizedBody(deps, message, remoteAllowed(deps, who, request, message));
    return reply
      .header('content-security-policy', messageFrameCsp)
      .header('x-frame-options', 'SAMEORIGIN')
      .type('text/html; charset=utf-8')
      .send(renderMessageFrame(body));
  });
}

function fetchForFrame(
  deps: WebDeps,
  who: SignedIn,
  folder: string,
  uid: number,
): Promise<MessageDetail> {
  const prefs = prefsOf(deps, who);
  return deps.mail.call(who, 'getMessage', {
    folder,
    uid,
    sort: prefs.sort,
    order: prefs.order,
    markRead: false,
  });
}
