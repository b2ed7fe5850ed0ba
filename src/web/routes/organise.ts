// Owns the organising form posts: the toolbar's actions on selected messages, the confirmation
// page for deleting for good (and emptying Trash/Junk), and Undo. Every change is a POST that
// redirects (303) to a page with a notice. Must not talk IMAP: the webcache does the work.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AlphaMailError, errorCatalogue, html, isAlphaMailError } from '../../base/index.js';
import { maxOrganiseUids } from '../../protocol/index.js';
import type { WebDeps } from '../context.js';
import { requireSignedIn } from '../plugins/session.js';
import { sendPage } from '../render.js';
import type { SignedIn } from '../session-mail.js';
import { errorSummary } from '../views/layout.js';
import {
  confirmDeleteMain,
  doneKinds,
  doneNotice,
  doneText,
  organiseActions,
  type DoneKind,
  type OrganiseAction,
} from '../views/organise-views.js';
import { folderUrl, inboxUrl, safeReturnPath, withoutNotice } from '../views/urls.js';
import { folderNav, loadFolders } from './common.js';

/** The protocol's limit on a folder path's length. */
const maxFolderChars = 1000;

type Body = Record<string, unknown>;

function bodyOf(request: FastifyRequest): Body {
  return (request.body ?? {}) as Body;
}

function folderField(value: unknown, what = 'folder'): string {
  if (typeof value !== 'string' || value === '' || value.length > maxFolderChars) {
    throw new AlphaMailError('AM_BAD_REQUEST', `bad ${what} in form`);
  }
  return value;
}

function listOf(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function uidOf(value: string): number {
  // UIDs are 32-bit unsigned non-zero numbers (RFC 3501 §2.3.1.1).
  if (!/^[1-9]\d{0,9}$/.test(value) || Number(value) > 0xffffffff) {
    throw new AlphaMailError('AM_BAD_REQUEST', 'bad uid in form');
  }
  return Number(value);
}

/**
 * The ticked messages: `uid` fields (index rows) and `conversation` fields (rows of the threaded
 * index, each its messages' UIDs separated by spaces). None is AM_NO_SELECTION, a malformed one
 * AM_BAD_REQUEST, more than a request may touch AM_TOO_MANY_SELECTED.
 */
export function selectedUids(value: unknown, conversations?: unknown): number[] {
  const fields = (list: unknown, split: boolean): number[] =>
    listOf(list).flatMap((v) => {
      if (typeof v !== 'string') throw new AlphaMailError('AM_BAD_REQUEST', 'bad uid in form');
      return split ? v.split(' ').map(uidOf) : [uidOf(v)];
    });
  const unique = [...new Set([...fields(value, false), ...fields(conversations, true)])];
  checkSelectionSize(unique.length);
  return unique;
}

/** None ticked is AM_NO_SELECTION; more than one request may touch AM_TOO_MANY_SELECTED. */
function checkSelectionSize(count: number): void {
  if (count === 0) throw new AlphaMailError('AM_NO_SELECTION', 'nothing ticked in form');
  if (count > maxOrganiseUids) {
    throw new AlphaMailError('AM_TOO_MANY_SELECTED', `${count} messages ticked in form`);
  }
}

function isAction(value: unknown): value is OrganiseAction {
  return typeof value === 'string' && (organiseActions as readonly string[]).includes(value);
}

/** `next` with the notice of what was done in its query. */
export function withDone(
  next: string,
  done: { kind: DoneKind; count: number; to?: string | null; undo?: boolean },
): string {
  const url = withoutNotice(next);
  url.searchParams.set('done', done.kind);
  url.searchParams.set('n', String(done.count));
  if (done.to) url.searchParams.set('to', done.to);
  if (done.undo) url.searchParams.set('undo', '1');
  return url.pathname + url.search;
}

/** The notice for a page reached after an action (its `done` query), or null. */
export async function noticeFromQuery(
  deps: WebDeps,
  who: SignedIn,
  request: FastifyRequest,
  folders?: Parameters<typeof doneText>[3],
) {
  const q = request.query as Record<string, unknown>;
  const kind = q.done;
  if (typeof kind !== 'string' || !(doneKinds as readonly string[]).includes(kind)) return null;
  const count = typeof q.n === 'string' && /^\d{1,6}$/.test(q.n) ? Number(q.n) : 0;
  const to = typeof q.to === 'string' && q.to.length <= maxFolderChars ? q.to : null;
  const list = folders ?? (await loadFolders(deps, who));
  const url = withoutNotice(request.url);
  return doneNotice({
    text: doneText(kind as DoneKind, count, to, list),
    isUndoable: q.undo === '1',
    csrf: who.record.csrf,
    next: url.pathname + url.search,
  });
}

/** Headings of the problem page for the codes that have their own. */
const problemTitles: Partial<Record<string, string>> = {
  AM_NO_SELECTION: 'No message selected',
  AM_TOO_MANY_SELECTED: 'Too many messages selected',
};

async function sendProblem(
  deps: WebDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  who: SignedIn,
  err: AlphaMailError,
  back: string,
): Promise<FastifyReply> {
  const folders = await loadFolders(deps, who);
  const title = problemTitles[err.code] ?? 'That did not work';
  const main = html`<h1>${title}</h1>
    ${errorSummary(errorCatalogue[err.code].userMessage)}
    <p><a href="${back}">Go back</a></p>`;
  return sendPage(
    deps,
    request,
    reply,
    { title: `Error: ${title}`, main, nav: folderNav(folders, null) },
    err.status,
  );
}

/** Codes an action may end with that the user can act on: shown on a page with a way back. */
const userCodes = new Set([
  'AM_NO_SELECTION',
  'AM_TOO_MANY_SELECTED',
  'AM_NOTHING_TO_UNDO',
  'AM_NO_SPECIAL_FOLDER',
  'AM_MESSAGE_NOT_FOUND',
  'AM_FOLDER_NOT_FOUND',
]);

function confirmUrl(
  action: 'delete' | 'empty',
  folder: string,
  uids: readonly number[],
  next: string,
) {
  const params = new URLSearchParams({ action, folder, next });
  for (const uid of uids) params.append('uid', String(uid));
  return `/organise/confirm?${params.toString()}`;
}

/** Ticked messages of one folder. */
interface FolderSelection {
  readonly folder: string;
  readonly uids: number[];
}

/**
 * The ticked results of a search over all folders (`message` fields, "<uid> <folder>"), by
 * folder in the order first ticked. None is AM_NO_SELECTION, a malformed one AM_BAD_REQUEST,
 * more than a request may touch AM_TOO_MANY_SELECTED.
 */
export function selectedMessages(value: unknown): FolderSelection[] {
  const byFolder = new Map<string, Set<number>>();
  for (const v of listOf(value)) {
    const parts = typeof v === 'string' ? /^(\d+) (.+)$/s.exec(v) : null;
    if (parts === null) throw new AlphaMailError('AM_BAD_REQUEST', 'bad message in form');
    const folder = folderField(parts[2]);
    byFolder.set(folder, (byFolder.get(folder) ?? new Set<number>()).add(uidOf(parts[1] ?? '')));
  }
  checkSelectionSize([...byFolder.values()].reduce((n, uids) => n + uids.size, 0));
  return [...byFolder].map(([folder, uids]) => ({ folder, uids: [...uids] }));
}

/** What an action did: the notice's parts, and a selection still to confirm (delete in Trash). */
interface Done {
  readonly kind: DoneKind;
  readonly count: number;
  readonly to: string | null;
  readonly undo: boolean;
  readonly confirm: FolderSelection | null;
}

/**
 * Applies `action` to each folder's selection in turn. Undo is offered only when one folder's
 * messages moved: the webcache keeps the last move's undo only.
 */
async function organise(
  deps: WebDeps,
  who: SignedIn,
  action: OrganiseAction,
  groups: readonly FolderSelection[],
  body: Body,
): Promise<Done> {
  const total = groups.reduce((n, g) => n + g.uids.length, 0);
  const done = (kind: DoneKind, fields: Partial<Done> = {}): Done => ({
    kind,
    count: total,
    to: null,
    undo: false,
    confirm: null,
    ...fields,
  });
  switch (action) {
    case 'read':
    case 'unread':
    case 'flag':
    case 'unflag': {
      const isSeen = action === 'read' || action === 'unread';
      const change = action === 'read' || action === 'flag' ? 'add' : 'remove';
      for (const g of groups) {
        await deps.mail.call(who, 'setFlags', {
          ...g,
          seen: isSeen ? change : null,
          flagged: isSeen ? null : change,
        });
      }
      return done(action);
    }
    case 'copy': {
      const destination = folderField(body.copyTo, 'copyTo');
      for (const g of groups) await deps.mail.call(who, 'copyMessages', { ...g, destination });
      return done('copied', { to: destination });
    }
    case 'move': {
      const destination = folderField(body.moveTo, 'moveTo');
      // Results already in the destination stay where they are.
      const moving = groups.filter((g) => g.folder !== destination);
      let undo = false;
      for (const g of moving) {
        const r = await deps.mail.call(who, 'moveMessages', { ...g, destination });
        undo = moving.length === 1 && r.undo !== null;
      }
      const count = moving.reduce((n, g) => n + g.uids.length, 0);
      return done('moved', { count, to: destination, undo });
    }
    case 'junk': {
      let to: string | null = null;
      let undo = false;
      for (const g of groups) {
        const r = await deps.mail.call(who, 'markJunk', g);
        to = r.undo?.folder ?? to;
        undo = groups.length === 1 && r.undo !== null;
      }
      return done('junk', { to, undo });
    }
    case 'delete': {
      let to: string | null = null;
      let undo = false;
      let count = 0;
      let confirm: FolderSelection | null = null;
      for (const g of groups) {
        try {
          const r = await deps.mail.call(who, 'deleteMessages', { ...g, permanent: false });
          count += g.uids.length;
          to = r.undo?.folder ?? to;
          undo = groups.length === 1 && r.undo !== null;
        } catch (err) {
          if (!isAlphaMailError(err, 'AM_CONFIRM_REQUIRED')) throw err;
          confirm ??= g;
        }
      }
      return done('deleted', { count, to, undo, confirm });
    }
  }
}

export function registerOrganiseRoutes(app: FastifyInstance, deps: WebDeps): void {
  app.post('/organise', async (request, reply) => {
    const who = requireSignedIn(request);
    const body = bodyOf(request);
    const action = body.action;
    if (!isAction(action)) throw new AlphaMailError('AM_BAD_REQUEST', 'bad action in form');
    const isPerMessage = body.selection === 'messages';
    const folder = isPerMessage ? null : folderField(body.folder);
    const next = safeReturnPath(body.next) ?? (folder === null ? inboxUrl : folderUrl(folder));
    const nextGone = safeReturnPath(body.nextGone) ?? next;
    try {
      const groups =
        folder === null
          ? selectedMessages(body.message)
          : [{ folder, uids: selectedUids(body.uid, body.conversation) }];
      const done = await organise(deps, who, action, groups, body);
      if (done.confirm !== null) {
        // Messages already in Trash cannot go there: deleting them asks first. What the same
        // click moved to Trash from elsewhere is said on the page after the confirmation.
        const after = done.count > 0 ? withDone(nextGone, done) : nextGone;
        return reply.redirect(
          confirmUrl('delete', done.confirm.folder, done.confirm.uids, after),
          303,
        );
      }
      // Marked read or flagged, the messages are still here; otherwise go to the folder (marked
      // unread, the message page would mark it read again).
      const stays =
        action === 'read' || action === 'flag' || action === 'unflag' || action === 'copy';
      return reply.redirect(withDone(stays ? next : nextGone, done), 303);
    } catch (err) {
      if (err instanceof AlphaMailError && userCodes.has(err.code)) {
        return sendProblem(deps, request, reply, who, err, next);
      }
      throw err;
    }
  });

  app.get('/organise/confirm', async (request, reply) => {
    const who = requireSignedIn(request);
    const q = request.query as Record<string, unknown>;
    const action = q.action;
    if (action !== 'delete' && action !== 'empty') {
      throw new AlphaMailError('AM_BAD_REQUEST', 'bad action in URL');
    }
    const folderPath = folderField(q.folder);
    const next = safeReturnPath(q.next) ?? folderUrl(folderPath);
    const folders = await loadFolders(deps, who);
    let uids: number[] = [];
    if (action === 'delete') {
      try {
        uids = selectedUids(q.uid);
      } catch (err) {
        if (!isAlphaMailError(err, 'AM_NO_SELECTION')) throw err;
        return sendProblem(deps, request, reply, who, err, next);
      }
    }
    const view = confirmDeleteMain({
      action,
      folder: folders.find((f) => f.path === folderPath) ?? null,
      folderPath,
      uids,
      next,
      csrf: who.record.csrf,
    });
    return sendPage(deps, request, reply, { ...view, nav: folderNav(folders, folderPath) });
  });

  app.post('/organise/confirm', async (request, reply) => {
    const who = requireSignedIn(request);
    const body = bodyOf(request);
    const folder = folderField(body.folder);
    const next = safeReturnPath(body.next) ?? folderUrl(folder);
    if (body.action === 'empty') {
      const r = await deps.mail.call(who, 'emptyFolder', { folder });
      return reply.redirect(withDone(next, { kind: 'emptied', count: r.deleted, to: folder }), 303);
    }
    if (body.action !== 'delete') throw new AlphaMailError('AM_BAD_REQUEST', 'bad action');
    try {
      const uids = selectedUids(body.uid);
      const r = await deps.mail.call(who, 'deleteMessages', { folder, uids, permanent: true });
      return reply.redirect(withDone(next, { kind: 'purged', count: r.deleted }), 303);
    } catch (err) {
      if (err instanceof AlphaMailError && userCodes.has(err.code)) {
        return sendProblem(deps, request, reply, who, err, next);
      }
      throw err;
    }
  });

  app.post('/organise/undo', async (request, reply) => {
    const who = requireSignedIn(request);
    const next = safeReturnPath(bodyOf(request).next) ?? inboxUrl;
    try {
      const r = await deps.mail.call(who, 'undo', {});
      const done = { kind: 'restored', count: r.restored, to: r.folder } as const;
      return reply.redirect(withDone(folderUrl(r.folder), done), 303);
    } catch (err) {
      if (err instanceof AlphaMailError && userCodes.has(err.code)) {
        return sendProblem(deps, request, reply, who, err, next);
      }
      throw err;
    }
  });
}
