// Owns finding the signed-in session of a request from its cookie, and writing that cookie.
// Must not talk to the webcache: sign-in and recovery live in routes/auth and session-mail.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AlphaMailError } from '../../base/index.js';
import type { WebDeps } from '../context.js';
import { parseSessionCookie, readCookies, serializeCookie, sessionCookieName } from '../cookies.js';
import type { SignedIn } from '../session-mail.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The live session of this request, or null when signed out. */
    signedIn: SignedIn | null;
  }
}

export function registerSession(app: FastifyInstance, deps: WebDeps): void {
  app.decorateRequest('signedIn', null);
  app.addHook('onRequest', (request, _reply, done) => {
    const parsed = parseSessionCookie(readCookies(request.headers.cookie).get(sessionCookieName));
    const record = parsed ? deps.sessions.find(parsed.token) : null;
    if (parsed && record) request.signedIn = { record, key: parsed.key };
    done();
  });
}

export function requireSignedIn(request: FastifyRequest): SignedIn {
  if (!request.signedIn) throw new AlphaMailError('AM_AUTH_REQUIRED', 'not signed in');
  return request.signedIn;
}

export function setSessionCookie(
  reply: FastifyReply,
  deps: WebDeps,
  token: string,
  key: string,
): void {
  reply.header(
    'set-cookie',
    serializeCookie(sessionCookieName, `${token}.${key}`, { isSecure: deps.isSecure }),
  );
}

export function clearSessionCookie(reply: FastifyReply, deps: WebDeps): void {
  reply.header(
    'set-cookie',
    serializeCookie(sessionCookieName, '', { isSecure: deps.isSecure, maxAgeSeconds: 0 }),
  );
}
