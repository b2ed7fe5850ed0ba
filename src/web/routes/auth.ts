// Owns signing in and out: the start redirect, the sign-in form and its errors, rate limiting,
// the new session and its cookie, and ending both the web and the webcache session.
// Must not reveal which of user name and password was wrong, nor keep the password in clear.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorCatalogue, isAlphaMailError, type ErrorCode } from '../../base/index.js';
import type { WebDeps } from '../context.js';
import { loginCsrfCookieName, serializeCookie } from '../cookies.js';
import { loginCsrfToken } from '../plugins/csrf.js';
import { webcacheRetryAfterSeconds } from '../plugins/errors.js';
import { clearSessionCookie, setSessionCookie } from '../plugins/session.js';
import { accountKey, addressKey, loginFailureWindowMs } from '../rate-limit.js';
import { sendPage } from '../render.js';
import { randomToken } from '../session-crypto.js';
import { loginMain, type LoginView } from '../views/login-page.js';
import { inboxUrl, safeReturnPath } from '../views/urls.js';

/** Protocol limits of `login` (schemas.ts), checked here so the form can say what is wrong. */
const maxUserChars = 320;
const maxPasswordChars = 1024;

interface LoginForm {
  user?: unknown;
  password?: unknown;
  domain?: unknown;
  next?: unknown;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

export function registerAuthRoutes(app: FastifyInstance, deps: WebDeps): void {
  const domains = deps.config.domains.map((d) => d.domain);

  function showLogin(
    request: FastifyRequest,
    reply: FastifyReply,
    view: Omit<LoginView, 'csrf' | 'domains'>,
    status = 200,
  ): FastifyReply {
    const csrf = loginCsrfToken(request, reply, deps);
    const main = loginMain({ ...view, csrf, domains });
    const title = view.error ? 'Error: Sign in' : 'Sign in';
    return sendPage(deps, request, reply, { title, main }, status);
  }

  function showLoginError(
    request: FastifyRequest,
    reply: FastifyReply,
    form: { user: string; domain: string; next: string | null },
    code: ErrorCode,
  ): FastifyReply {
    if (code === 'AM_WEBCACHE_DOWN') reply.header('retry-after', String(webcacheRetryAfterSeconds));
    if (code === 'AM_RATE_LIMITED') {
      reply.header('retry-after', String(Math.ceil(loginFailureWindowMs / 1000)));
    }
    const spec = errorCatalogue[code];
    return showLogin(request, reply, { ...form, error: spec.userMessage }, spec.status);
  }

  app.get('/', async (request, reply) =>
    reply.redirect(request.signedIn ? inboxUrl : '/login', 303),
  );

  app.get('/login', async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const next = safeReturnPath(query.next);
    if (request.signedIn) return reply.redirect(next ?? inboxUrl, 303);
    let notice: string | null = null;
    if (query.ended === '1') notice = errorCatalogue.AM_SESSION_UNKNOWN.userMessage;
    if (query.signedOut === '1') notice = 'You have signed out.';
    return showLogin(request, reply, { next, notice });
  });

  app.post('/login', async (request, reply) => {
    const body = (request.body ?? {}) as LoginForm;
    const user = text(body.user).trim();
    const password = text(body.password);
    const domain = text(body.domain).trim().toLowerCase() || (domains[0] ?? '');
    const next = safeReturnPath(body.next);
    const form = { user, domain, next };

    if (
      user === '' ||
      password === '' ||
      user.length > maxUserChars ||
      password.length > maxPasswordChars
    ) {
      return showLogin(
        request,
        reply,
        { ...form, error: 'Enter your user name and password.' },
        400,
      );
    }
    if (!domains.includes(domain)) return showLoginError(request, reply, form, 'AM_DOMAIN_UNKNOWN');

    const limitKeys = [accountKey(user, domain), addressKey(request.ip)];
    if (deps.limiter.isLimited(limitKeys)) {
      deps.logger.warn({ user, domain, ip: request.ip }, 'sign-in rate limited');
      return showLoginError(request, reply, form, 'AM_RATE_LIMITED');
    }

    // A fresh webcache session key per sign-in: the old one (if any) is logged out below.
    const cacheSession = randomToken();
    try {
      await deps.client.call('login', { session: cacheSession, user, domain, password });
    } catch (err) {
      if (!isAlphaMailError(err)) throw err;
      if (err.code === 'AM_AUTH_FAILED') deps.limiter.recordFailure(limitKeys);
      deps.logger.info({ user, domain, code: err.code }, 'sign-in refused');
      return showLoginError(request, reply, form, err.code);
    }

    deps.limiter.clear(limitKeys[0] ?? '');
    const previous = request.signedIn;
    if (previous) {
      // The session id changes at sign-in: whatever the browser held before is gone.
      deps.sessions.delete(previous.record.id);
      await deps.client
        .call('logout', { session: previous.record.cacheSession })
        .catch(() => undefined);
    }
    deps.sessions.sweepIdle();
    const created = deps.sessions.create({ user, domain, cacheSession, password });
    setSessionCookie(reply, deps, created.token, created.key);
    reply.header(
      'set-cookie',
      serializeCookie(loginCsrfCookieName, '', { isSecure: deps.isSecure, maxAgeSeconds: 0 }),
    );
    deps.logger.info({ user, domain }, 'signed in');
    return reply.redirect(next ?? inboxUrl, 303);
  });

  app.post('/logout', async (request, reply) => {
    const who = request.signedIn;
    if (who) {
      deps.sessions.delete(who.record.id);
      try {
        await deps.client.call('logout', { session: who.record.cacheSession });
      } catch (err) {
        // The web session is over either way; the webcache drops idle sessions on its own.
        deps.logger.info({ err }, 'webcache logout failed');
      }
    }
    clearSessionCookie(reply, deps);
    return reply.redirect('/login?signedOut=1', 303);
  });
}
