// Owns the security headers on every response: CSP, nosniff, no referrer, framing, HSTS and
// no-store. Must not relax a policy a route set for itself (message frame, downloads).
import type { FastifyInstance } from 'fastify';
import type { WebDeps } from '../context.js';

/** App pages: our own scripts and styles only, nothing inline, no framing by others. */
export const appPageCsp = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "frame-src 'self'",
  "frame-ancestors 'none'",
  "form-action 'self'",
  "base-uri 'none'",
  "object-src 'none'",
].join('; ');

/**
 * The message frame: no scripts at all, inline styles (mail needs them), images from us or data:
 * only, framed by our own pages only, and no form can submit anywhere.
 */
export const messageFrameCsp = [
  "default-src 'none'",
  "img-src 'self' data:",
  "style-src 'unsafe-inline'",
  'font-src data:',
  "frame-ancestors 'self'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** Downloads and raw source: a unique origin with no script, even if a browser renders it. */
export const downloadCsp = 'sandbox';

/** HSTS lifetime: one year, the common preload minimum. */
const hstsMaxAgeSeconds = 31_536_000;

export function registerSecurityHeaders(app: FastifyInstance, deps: WebDeps): void {
  // A callback hook, not an async one: it runs on every response and awaits nothing.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (!reply.hasHeader('content-security-policy')) {
      reply.header('content-security-policy', appPageCsp);
      reply.header('x-frame-options', 'DENY');
    }
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('cross-origin-opener-policy', 'same-origin');
    // Pages show mail or who is signed in: never kept by a shared cache or the back/forward store.
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    if (deps.isSecure) {
      reply.header('strict-transport-security', `max-age=${hstsMaxAgeSeconds}; includeSubDomains`);
    }
    done(null, payload);
  });
}
