// Owns turning every failure into a calm page: the catalogue's message and status, the
// "restarting" page when the webcache is down, the 404 page, sign-in redirects.
// Must not show a stack trace, an internal path or a server's reply: those go to the log only.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AlphaMailError, errorCatalogue, type ErrorCode } from '../../base/index.js';
import type { WebDeps } from '../context.js';
import { sendPage } from '../render.js';
import { errorView, notFoundView } from '../views/error-page.js';
import { clearSessionCookie } from './session.js';

/** Seconds a browser (or a person) should wait before retrying while the webcache restarts. */
export const webcacheRetryAfterSeconds = 5;

function codeOf(err: unknown): ErrorCode {
  if (err instanceof AlphaMailError) return err.code;
  const status = (err as { statusCode?: unknown } | null)?.statusCode;
  // Fastify's own 4xx errors: bad body, unsupported media type, body too large.
  if (typeof status === 'number' && status >= 400 && status < 500) return 'AM_BAD_REQUEST';
  return 'AM_INTERNAL';
}

/** Where "Try again" leads: the same page for a GET, the start page after a failed POST. */
function retryUrl(request: FastifyRequest): string {
  return request.method === 'GET' ? request.url : '/';
}

export function sendErrorPage(
  deps: WebDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  code: ErrorCode,
): FastifyReply {
  if (code === 'AM_WEBCACHE_DOWN') reply.header('retry-after', String(webcacheRetryAfterSeconds));
  const view = errorView(code, {
    retryUrl: retryUrl(request),
    isSignedIn: request.signedIn !== null,
  });
  return sendPage(deps, request, reply, view, errorCatalogue[code].status);
}

export function registerErrorPages(app: FastifyInstance, deps: WebDeps): void {
  app.setErrorHandler(async (err, request, reply) => {
    const code = codeOf(err);
    if (code === 'AM_INTERNAL') {
      deps.logger.error({ err, url: request.url }, 'request failed');
    } else {
      // The message may carry the webcache's (scrubbed) wording: logs only, never the page.
      const message = err instanceof Error ? err.message : String(err);
      deps.logger.info({ code, url: request.url, reason: message }, 'request refused');
    }
    if (reply.sent || reply.raw.headersSent) return;
    // Replace whatever a route set for a download or the frame: this is an ordinary page now.
    reply.removeHeader('content-disposition');
    reply.removeHeader('content-security-policy');
    reply.removeHeader('x-frame-options');
    if (code === 'AM_AUTH_REQUIRED' || code === 'AM_SESSION_UNKNOWN') {
      if (code === 'AM_SESSION_UNKNOWN') {
        if (request.signedIn) deps.sessions.delete(request.signedIn.record.id);
        clearSessionCookie(reply, deps);
      }
      const next = request.method === 'GET' ? `?next=${encodeURIComponent(request.url)}` : '';
      const ended = code === 'AM_SESSION_UNKNOWN' ? `${next === '' ? '?' : '&'}ended=1` : '';
      return reply.redirect(`/login${next}${ended}`, 303);
    }
    return sendErrorPage(deps, request, reply, code);
  });

  app.setNotFoundHandler(async (request, reply) => {
    return sendPage(deps, request, reply, notFoundView(request.signedIn !== null), 404);
  });
}
