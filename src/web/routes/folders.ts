// Owns the message index page of a folder (GET /f/:folder): sort, order and page from the URL,
// the user's page size, the folder navigation. Must not change anything on the server.
import type { FastifyInstance } from 'fastify';
import type { WebDeps } from '../context.js';
import { requireSignedIn } from '../plugins/session.js';
import { sendPage } from '../render.js';
import { indexMain, indexTitle } from '../views/index-page.js';
import { indexOrganise } from '../views/organise-views.js';
import { sentNotice } from './compose.js';
import {
  folderNav,
  folderParam,
  loadFolders,
  pageQuery,
  prefsOf,
  selectionQuery,
  sortQuery,
} from './common.js';
import { noticeFromQuery } from './organise.js';
import { sendThreadedIndex } from './threads.js';

export function registerFolderRoutes(app: FastifyInstance, deps: WebDeps): void {
  app.get('/f/:folder', async (request, reply) => {
    const who = requireSignedIn(request);
    const folder = folderParam(request);
    const prefs = prefsOf(deps, who);
    const { sort, order } = sortQuery(request, prefs);
    const page = pageQuery(request);
    const { selectAll, selfUrl } = selectionQuery(request);
    const flags = request.query as Record<string, unknown>;
    const query = sentNotice(flags) ?? (flags.saved === '1' ? 'Page size saved.' : null);
    if (prefs.threaded) {
      return sendThreadedIndex(deps, request, reply, who, { folder, prefs, notice: query });
    }
    const [listing, folders] = await Promise.all([
      deps.mail.call(who, 'listMessages', { folder, sort, order, page, pageSize: prefs.pageSize }),
      loadFolders(deps, who),
    ]);
    const main = indexMain({
      page: listing,
      query: { sort, order, page: listing.page },
      pageSize: prefs.pageSize,
      csrf: who.record.csrf,
      selfUrl,
      organise: indexOrganise({
        folders,
        folder: listing.folder,
        csrf: who.record.csrf,
        selfUrl,
        notice: await noticeFromQuery(deps, who, request, folders),
        selectAll,
      }),
      notice: query,
    });
    return sendPage(deps, request, reply, {
      title: indexTitle(listing),
      main,
      nav: folderNav(folders, listing.folder.path),
      searchFolder: listing.folder.path,
    });
  });
}
