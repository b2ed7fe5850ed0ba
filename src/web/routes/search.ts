// Owns the search pages (GET /search): the advanced form, and the results of a search in one
// folder or all, sorted and paged, in the organising form. Must not change anything: searching is
// a GET (the form posts to /organise).
import type { FastifyInstance } from 'fastify';
import type { WebDeps } from '../context.js';
import { requireSignedIn } from '../plugins/session.js';
import { sendPage } from '../render.js';
import { parseSearchQuery } from '../search-form.js';
import { searchFormMain, searchResultsMain, searchTitle } from '../views/search-page.js';
import { searchOrganise } from '../views/organise-views.js';
import { folderNav, loadFolders, pageQuery, prefsOf, selectionQuery, sortQuery } from './common.js';
import { noticeFromQuery } from './organise.js';

export function registerSearchRoutes(app: FastifyInstance, deps: WebDeps): void {
  app.get('/search', async (request, reply) => {
    const who = requireSignedIn(request);
    const query = request.query as Record<string, unknown>;
    const parsed = parseSearchQuery(query);
    const prefs = prefsOf(deps, who);
    const { sort, order } = sortQuery(request, prefs);
    const page = pageQuery(request);
    const { selectAll, selfUrl } = selectionQuery(request);
    const folders = await loadFolders(deps, who);
    const current = parsed.values.scope === 'folder' ? parsed.values.folder : null;
    const nav = folderNav(folders, current);
    if (parsed.criteria === null) {
      const hasProblem = parsed.formError !== null || Object.keys(parsed.errors).length > 0;
      const title = hasProblem ? 'Error: Search' : 'Search';
      return sendPage(
        deps,
        request,
        reply,
        { title, main: searchFormMain(parsed, folders), nav, searchFolder: current },
        hasProblem ? 400 : 200,
      );
    }
    const results = await deps.mail.call(who, 'search', {
      scope: parsed.values.scope,
      folder: parsed.values.folder,
      criteria: parsed.criteria,
      sort,
      order,
      page,
      pageSize: prefs.pageSize,
    });
    const main = searchResultsMain({
      page: results,
      parsed,
      query: { sort, order, page: results.page },
      folders,
      organise: searchOrganise({
        folders,
        folder: results.scope === 'folder' ? parsed.values.folder : null,
        csrf: who.record.csrf,
        selfUrl,
        notice: await noticeFromQuery(deps, who, request, folders),
        selectAll,
      }),
    });
    return sendPage(deps, request, reply, {
      title: searchTitle(results, parsed.values, folders),
      main,
      nav,
      searchFolder: current,
    });
  });
}
