// Owns the settings page (page size, default sort) and the index's page-size form; both are
// stored per user. Must not accept an out-of-range value silently: it is shown as an error.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AlphaMailError } from '../../base/index.js';
import type { WebDeps } from '../context.js';
import { identityOf, readIdentityForm, type IdentityField } from '../identity.js';
import type { Identity } from '../session-store.js';
import { identitySection } from '../views/identity-settings.js';
import { remoteSendersSection } from '../views/remote-senders-settings.js';
import { requireSignedIn } from '../plugins/session.js';
import { sendPage } from '../render.js';
import type { SignedIn } from '../session-mail.js';
import type { Prefs } from '../session-store.js';
import { settingsMain, type SettingsView } from '../views/settings-page.js';
import { inboxUrl, safeReturnPath } from '../views/urls.js';
import {
  folderNav,
  isSortField,
  isSortOrder,
  loadFolders,
  maxPageSize,
  minPageSize,
  prefsOf,
} from './common.js';

/** A whole number in the allowed range, or null. */
export function parsePageSize(value: unknown): number | null {
  if (typeof value !== 'string' || !/^\s*\d{1,4}\s*$/.test(value)) return null;
  const size = Number(value);
  return size >= minPageSize && size <= maxPageSize ? size : null;
}

/** RFC 5321 §4.5.3.1.3: a path is at most 256 octets; an address fits in that. */
const maxSenderChars = 256;

/** An address as the message page posts it: local@domain, no blanks or controls. */
function senderField(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const sender = value.trim();
  if (sender.length > maxSenderChars || !/^[^\s@]+@[^\s@]+$/.test(sender)) return null;
  // eslint-disable-next-line no-control-regex -- control characters are refused
  return /[\u0000-\u001f\u007f]/.test(sender) ? null : sender;
}

const pageSizeError = `Enter a number of messages per page from ${minPageSize} to ${maxPageSize}.`;

/** Where the index's page-size form returns: the same folder, back on page 1. */
function backToFirstPage(next: string | null): string {
  if (next === null) return inboxUrl;
  const url = new URL(next, 'http://same.invalid');
  url.searchParams.delete('page');
  url.searchParams.set('saved', '1');
  return url.pathname + url.search;
}

export function registerSettingsRoutes(app: FastifyInstance, deps: WebDeps): void {
  async function showSettings(
    request: FastifyRequest,
    reply: FastifyReply,
    who: SignedIn,
    view: Omit<SettingsView, 'csrf' | 'minPageSize' | 'maxPageSize' | 'identity' | 'remoteSenders'>,
    status = 200,
    identity?: { typed: Identity; error: { field: IdentityField; message: string } },
  ): Promise<FastifyReply> {
    const folders = await loadFolders(deps, who);
    const identityHtml = identitySection({
      csrf: who.record.csrf,
      domain: who.record.domain,
      identity: identity?.typed ?? identityOf(deps, who),
      error: identity?.error ?? null,
    });
    const main = settingsMain({
      ...view,
      threaded: view.threaded ?? prefsOf(deps, who).threaded,
      csrf: who.record.csrf,
      minPageSize,
      maxPageSize,
      identity: identityHtml,
      remoteSenders: remoteSendersSection({
        csrf: who.record.csrf,
        senders: deps.sessions.remoteSenders(who.record.user, who.record.domain),
      }),
    });
    const title = view.error ? 'Error: Settings' : 'Settings';
    return sendPage(deps, request, reply, { title, main, nav: folderNav(folders, null) }, status);
  }

  app.get('/settings', async (request, reply) => {
    const who = requireSignedIn(request);
    const prefs = prefsOf(deps, who);
    const saved = (request.query as Record<string, unknown>).saved === '1';
    return showSettings(request, reply, who, {
      pageSize: String(prefs.pageSize),
      sort: prefs.sort,
      order: prefs.order,
      notice: saved ? 'Settings saved.' : null,
    });
  });

  app.post('/settings', async (request, reply) => {
    const who = requireSignedIn(request);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const current = prefsOf(deps, who);
    const sort = isSortField(body.sort) ? body.sort : current.sort;
    const order = isSortOrder(body.order) ? body.order : current.order;
    // An unchecked checkbox sends nothing: absent means off.
    const threaded = body.threaded === '1';
    const pageSize = parsePageSize(body.pageSize);
    if (pageSize === null) {
      const typed = typeof body.pageSize === 'string' ? body.pageSize.slice(0, 10) : '';
      return showSettings(
        request,
        reply,
        who,
        { pageSize: typed, sort, order, threaded, error: pageSizeError },
        400,
      );
    }
    const prefs: Prefs = { ...prefsOf(deps, who), pageSize, sort, order, threaded };
    deps.sessions.savePrefs(who.record.user, who.record.domain, prefs);
    return reply.redirect('/settings?saved=1', 303);
  });

  app.post('/settings/identity', async (request, reply) => {
    const who = requireSignedIn(request);
    const form = readIdentityForm((request.body ?? {}) as Record<string, unknown>);
    if (!form.ok) {
      const prefs = prefsOf(deps, who);
      const error = { field: form.field, message: form.message };
      return showSettings(
        request,
        reply,
        who,
        {
          pageSize: String(prefs.pageSize),
          sort: prefs.sort,
          order: prefs.order,
          error: form.message,
        },
        400,
        { typed: form.typed, error },
      );
    }
    deps.sessions.saveIdentity(who.record.user, who.record.domain, form.identity);
    return reply.redirect('/settings?saved=1', 303);
  });

  // "Always load from <sender>" on a message page: back to that message, now with its images.
  app.post('/settings/remote-senders', async (request, reply) => {
    const who = requireSignedIn(request);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const sender = senderField(body.sender);
    if (sender === null) throw new AlphaMailError('AM_BAD_REQUEST', 'bad remote sender');
    deps.sessions.allowRemoteSender(who.record.user, who.record.domain, sender);
    return reply.redirect(safeReturnPath(body.next) ?? '/settings?saved=1', 303);
  });

  app.post('/settings/remote-senders/remove', async (request, reply) => {
    const who = requireSignedIn(request);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const sender = senderField(body.sender);
    if (sender === null) throw new AlphaMailError('AM_BAD_REQUEST', 'bad remote sender');
    deps.sessions.removeRemoteSender(who.record.user, who.record.domain, sender);
    return reply.redirect('/settings?saved=1', 303);
  });

  app.post('/settings/page-size', async (request, reply) => {
    const who = requireSignedIn(request);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const pageSize = parsePageSize(body.pageSize);
    if (pageSize === null) {
      const current = prefsOf(deps, who);
      const typed = typeof body.pageSize === 'string' ? body.pageSize.slice(0, 10) : '';
      return showSettings(
        request,
        reply,
        who,
        { ...current, pageSize: typed, error: pageSizeError },
        400,
      );
    }
    const current = prefsOf(deps, who);
    deps.sessions.savePrefs(who.record.user, who.record.domain, { ...current, pageSize });
    return reply.redirect(backToFirstPage(safeReturnPath(body.next)), 303);
  });
}
