// Owns turning a view into a sent HTML response with the page chrome for who is signed in.
// Must not fetch mail: routes fetch, views render, this only assembles and sends.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Html } from '../base/index.js';
import type { WebDeps } from './context.js';
import { renderPage } from './views/layout.js';

export interface PageParts {
  readonly title: string;
  readonly main: Html;
  readonly nav?: Html | null;
  /** The folder in view, offered as the banner search's scope. */
  readonly searchFolder?: string | null;
}

export function pageHtml(deps: WebDeps, request: FastifyRequest, parts: PageParts): string {
  const who = request.signedIn;
  return renderPage({
    title: parts.title,
    assets: deps.assets,
    signedIn: who
      ? { user: who.record.user, domain: who.record.domain, csrf: who.record.csrf }
      : null,
    nav: parts.nav ?? null,
    searchFolder: parts.searchFolder ?? null,
    main: parts.main,
  });
}

export function sendPage(
  deps: WebDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  parts: PageParts,
  status = 200,
): FastifyReply {
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .send(pageHtml(deps, request, parts));
}
