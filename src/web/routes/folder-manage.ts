// Owns the folder management pages: GET /folders/manage, the create/rename/subscriptions posts
// and deleting a folder after a confirmation page. Must not build IMAP paths for existing
// folders: the webcache does, from the domain's prefix and separator.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AlphaMailError, errorCatalogue } from '../../base/index.js';
import type { FolderInfo } from '../../protocol/index.js';
import type { WebDeps } from '../context.js';
import { requireSignedIn } from '../plugins/session.js';
import { sendPage } from '../render.js';
import type { SignedIn } from '../session-mail.js';
import {
  confirmFolderDeleteMain,
  folderManageMain,
  folderManageUrl,
  isProtectedFolder,
} from '../views/folder-manage-page.js';
import { folderNav } from './common.js';

/** The protocol's limits on a folder path and a new folder name. */
const maxFolderChars = 1000;
const maxNameChars = 200;

/** Errors about what the user typed or chose: shown on the page above the forms. */
const formCodes = new Set([
  'AM_FOLDER_NAME_INVALID',
  'AM_FOLDER_EXISTS',
  'AM_FOLDER_PROTECTED',
  'AM_FOLDER_NOT_FOUND',
]);

const doneNotices: Record<string, string> = {
  created: 'The folder was created.',
  renamed: 'The folder was renamed.',
  deleted: 'The folder was deleted.',
  subscriptions: 'Subscriptions saved.',
};

type Body = Record<string, unknown>;

function text(value: unknown, max: number): string {
  return typeof value === 'string' ? value.slice(0, max) : '';
}

function folderField(value: unknown): string {
  if (typeof value !== 'string' || value === '' || value.length > maxFolderChars) {
    throw new AlphaMailError('AM_BAD_REQUEST', 'bad folder in form');
  }
  return value;
}

function listOf(value: unknown): string[] {
  const list = value === undefined ? [] : Array.isArray(value) ? value : [value];
  return list.filter((v): v is string => typeof v === 'string' && v.length <= maxFolderChars);
}

export function registerFolderManageRoutes(app: FastifyInstance, deps: WebDeps): void {
  async function showPage(
    request: FastifyRequest,
    reply: FastifyReply,
    who: SignedIn,
    extra: { error?: string | null; typedName?: string; typedParent?: string } = {},
    status = 200,
  ): Promise<FastifyReply> {
    const { folders, separator } = await deps.mail.call(who, 'listFolders', {});
    const done = (request.query as Record<string, unknown>).done;
    const main = folderManageMain({
      folders,
      separator,
      csrf: who.record.csrf,
      notice: typeof done === 'string' ? (doneNotices[done] ?? null) : null,
      error: extra.error ?? null,
      typedName: extra.typedName ?? '',
      typedParent: extra.typedParent ?? '',
    });
    const title = extra.error ? 'Error: Manage folders' : 'Manage folders';
    return sendPage(deps, request, reply, { title, main, nav: folderNav(folders, null) }, status);
  }

  /** Runs a folder change; a refusal about the user's input re-renders the page with it. */
  async function change(
    request: FastifyRequest,
    reply: FastifyReply,
    who: SignedIn,
    typed: { typedName?: string; typedParent?: string },
    work: () => Promise<string>,
  ): Promise<FastifyReply> {
    try {
      return reply.redirect(`${folderManageUrl}?done=${await work()}`, 303);
    } catch (err) {
      if (!(err instanceof AlphaMailError) || !formCodes.has(err.code)) throw err;
      const error = errorCatalogue[err.code].userMessage;
      return showPage(request, reply, who, { ...typed, error }, err.status);
    }
  }

  /** The separator inside a name gets its own message: the catalogue's is general. */
  function separatorError(name: string, separator: string): string | null {
    if (separator === '' || !name.includes(separator)) return null;
    return `A folder name cannot contain “${separator}”: it separates folders on this server. To make a folder inside another, choose it under “Inside”.`;
  }

  app.get(folderManageUrl, async (request, reply) => {
    return showPage(request, reply, requireSignedIn(request));
  });

  app.post('/folders/create', async (request, reply) => {
    const who = requireSignedIn(request);
    const body = (request.body ?? {}) as Body;
    const name = text(body.name, maxNameChars).trim();
    const parent = text(body.parent, maxFolderChars);
    const typed = { typedName: name, typedParent: parent };
    const { separator } = await deps.mail.call(who, 'listFolders', {});
    const bad = name === '' ? 'Enter a name for the new folder.' : separatorError(name, separator);
    if (bad !== null) return showPage(request, reply, who, { ...typed, error: bad }, 400);
    return change(request, reply, who, typed, async () => {
      await deps.mail.call(who, 'createFolder', { parent: parent === '' ? null : parent, name });
      return 'created';
    });
  });

  app.post('/folders/rename', async (request, reply) => {
    const who = requireSignedIn(request);
    const body = (request.body ?? {}) as Body;
    const folder = folderField(body.folder);
    const name = text(body.name, maxNameChars).trim();
    const { separator } = await deps.mail.call(who, 'listFolders', {});
    const bad = name === '' ? 'Enter the new name of the folder.' : separatorError(name, separator);
    if (bad !== null) return showPage(request, reply, who, { error: bad }, 400);
    return change(request, reply, who, {}, async () => {
      await deps.mail.call(who, 'renameFolder', { folder, name });
      return 'renamed';
    });
  });

  app.get('/folders/delete', async (request, reply) => {
    const who = requireSignedIn(request);
    const path = folderField((request.query as Record<string, unknown>).folder);
    const { folders, separator } = await deps.mail.call(who, 'listFolders', {});
    const folder = folders.find((f) => f.path === path);
    if (!folder) throw new AlphaMailError('AM_FOLDER_NOT_FOUND', 'no such folder');
    if (isProtectedFolder(folder)) {
      const error = errorCatalogue.AM_FOLDER_PROTECTED.userMessage;
      return showPage(request, reply, who, { error }, 409);
    }
    const below = folders.filter((f: FolderInfo) => f.path.startsWith(path + separator));
    const view = confirmFolderDeleteMain({ folder, below, csrf: who.record.csrf });
    return sendPage(deps, request, reply, { ...view, nav: folderNav(folders, null) });
  });

  app.post('/folders/delete', async (request, reply) => {
    const who = requireSignedIn(request);
    const folder = folderField(((request.body ?? {}) as Body).folder);
    return change(request, reply, who, {}, async () => {
      await deps.mail.call(who, 'deleteFolder', { folder });
      return 'deleted';
    });
  });

  app.post('/folders/subscriptions', async (request, reply) => {
    const who = requireSignedIn(request);
    const body = (request.body ?? {}) as Body;
    const wanted = new Set(listOf(body.subscribed));
    const listed = new Set(listOf(body.listed));
    const { folders } = await deps.mail.call(who, 'listFolders', {});
    return change(request, reply, who, {}, async () => {
      // Only folders the form showed change: one listed since the page loaded stays as it is.
      for (const f of folders) {
        if (!listed.has(f.path) || wanted.has(f.path) === f.subscribed) continue;
        await deps.mail.call(who, 'setSubscribed', {
          folder: f.path,
          subscribed: wanted.has(f.path),
        });
      }
      return 'subscriptions';
    });
  });
}
