// Owns CSRF checks: every POST carries `_csrf`, equal to the session's token, or for the sign-in
// form to the pre-session double-submit cookie. Must not let a POST through unchecked.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AlphaMailError } from '../../base/index.js';
import type { WebDeps } from '../context.js';
import { loginCsrfCookieName, readCookies, serializeCookie } from '../cookies.js';
import { randomToken, tokensEqual } from '../session-crypto.js';

/** Routes whose POST is checked against the double-submit cookie instead of a session. */
const preSessionRoutes = new Set(['/login']);

function submittedToken(request: FastifyRequest): string | null {
  const body = request.body as Record<string, unknown> | null | undefined;
  const token = body && typeof body === 'object' ? body._csrf : undefined;
  return typeof token === 'string' && token !== '' ? token : null;
}

export function registerCsrf(app: FastifyInstance): void {
  app.addHook('preHandler', (request, _reply, done) => {
    if (request.method !== 'POST') return done();
    const submitted = submittedToken(request);
    const expected = preSessionRoutes.has(request.routeOptions.url ?? '')
      ? readCookies(request.headers.cookie).get(loginCsrfCookieName)
      : request.signedIn?.record.csrf;
    if (submitted === null || expected === undefined || !tokensEqual(submitted, expected)) {
      return done(new AlphaMailError('AM_CSRF', `CSRF token missing or wrong on ${request.url}`));
    }
    done();
  });
}

/** The sign-in form's token: the cookie's if it has one, else a new one set now. */
export function loginCsrfToken(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: WebDeps,
): string {
  const existing = readCookies(request.headers.cookie).get(loginCsrfCookieName);
  if (existing !== undefined && /^[A-Za-z0-9_-]{32,64}$/.test(existing)) return existing;
  const token = randomToken();
  reply.header(
    'set-cookie',
    serializeCookie(loginCsrfCookieName, token, { isSecure: deps.isSecure }),
  );
  return token;
}
