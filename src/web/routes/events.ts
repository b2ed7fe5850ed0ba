// Owns GET /events: a signed-in browser's new-mail notices for the folder its index page shows,
// as server-sent events with heartbeats. Must not outlive the browser's connection or the web tier.
import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { AlphaMailError } from '../../base/index.js';
import type { WebDeps } from '../context.js';
import { requireSignedIn } from '../plugins/session.js';
import type { SignedIn } from '../session-mail.js';

/** A comment line this often keeps proxies and idle-connection timers from cutting the stream. */
export const heartbeatMs = 25_000;
/** What the browser's own EventSource waits before reconnecting (our script backs off itself). */
const retryMs = 5_000;
/** Streams one signed-in session may hold at once (one per open index tab); more are refused. */
export const maxStreamsPerSession = 8;
/** Newest messages searched for a new message's sender and subject (answered from the cache). */
const lookupPageSize = 50;
/** An upstream event frame longer than this is not the webcache's: the stream is dropped. */
const maxFrameChars = 64 * 1024;
/** The protocol's limit on a folder path's length. */
const maxFolderChars = 1000;

/** What the browser is told about one new message. */
interface NewMail {
  uid: number;
  from: string;
  subject: string;
}

function folderOf(query: unknown): string {
  const folder = (query as { folder?: unknown }).folder;
  if (typeof folder !== 'string' || folder === '' || folder.length > maxFolderChars) {
    throw new AlphaMailError('AM_BAD_REQUEST', 'events need one folder');
  }
  return folder;
}

/** The uid of a `mail` event for `folder`, or null for anything else. */
function mailUidIn(frame: string, folder: string): number | null {
  let event = 'message';
  const data: string[] = [];
  for (const line of frame.split('\n')) {
    if (line.startsWith('event:')) event = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
  }
  if (event !== 'mail' || data.length === 0) return null;
  try {
    const parsed = JSON.parse(data.join('\n')) as { folder?: unknown; uid?: unknown };
    const uid = parsed.uid;
    if (parsed.folder !== folder || typeof uid !== 'number' || !Number.isInteger(uid)) return null;
    return uid > 0 ? uid : null;
  } catch {
    return null;
  }
}

export function registerEventRoutes(app: FastifyInstance, deps: WebDeps): void {
  /** Stops every open stream; called when the web tier shuts down. */
  const openStreams = new Set<() => void>();
  const perSession = new Map<string, number>();

  async function describe(who: SignedIn, folder: string, uid: number): Promise<NewMail> {
    try {
      const listing = await deps.mail.call(who, 'listMessages', {
        folder,
        sort: 'date',
        order: 'desc',
        page: 1,
        pageSize: lookupPageSize,
      });
      const found = listing.messages.find((m) => m.uid === uid);
      const sender = found?.from[0];
      return {
        uid,
        from: sender ? sender.name || sender.address : '',
        subject: found?.subject ?? '',
      };
    } catch (err) {
      deps.logger.debug({ err }, 'new mail could not be described');
      return { uid, from: '', subject: '' };
    }
  }

  function relay(who: SignedIn, folder: string, upstream: Readable, res: ServerResponse): void {
    const sessionId = who.record.id;
    let buffered = '';
    let sending = Promise.resolve();
    let isStopped = false;
    const beat = setInterval(() => res.write(': heartbeat\n\n'), heartbeatMs);
    beat.unref();
    const stop = (): void => {
      if (isStopped) return;
      isStopped = true;
      clearInterval(beat);
      openStreams.delete(stop);
      const left = (perSession.get(sessionId) ?? 1) - 1;
      if (left > 0) perSession.set(sessionId, left);
      else perSession.delete(sessionId);
      upstream.destroy();
      // Ending the response makes the browser reconnect (webcache restart) or forget it (shutdown).
      if (!res.writableEnded) res.end();
    };
    openStreams.add(stop);
    res.on('close', stop);
    upstream.on('close', stop);
    upstream.on('error', (err) => {
      deps.logger.debug({ err }, 'webcache event stream failed');
      stop();
    });
    upstream.setEncoding('utf8');
    upstream.on('data', (chunk: string) => {
      buffered += chunk;
      let end: number;
      while ((end = buffered.indexOf('\n\n')) >= 0) {
        const frame = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        const uid = mailUidIn(frame, folder);
        if (uid === null) continue;
        // One at a time, so notices reach the browser in the order the mail arrived.
        sending = sending.then(async () => {
          const mail = await describe(who, folder, uid);
          if (!isStopped) res.write(`event: mail\ndata: ${JSON.stringify(mail)}\n\n`);
        });
      }
      if (buffered.length > maxFrameChars) {
        deps.logger.warn('webcache event frame too long; stream dropped');
        stop();
      }
    });
  }

  app.get('/events', async (request, reply) => {
    const who = requireSignedIn(request);
    const folder = folderOf(request.query);
    if ((perSession.get(who.record.id) ?? 0) >= maxStreamsPerSession) {
      throw new AlphaMailError('AM_RATE_LIMITED', 'too many event streams for one session');
    }
    // Asked first because it signs in again when a restarted webcache lost the session (the
    // event stream itself cannot say so: its headers are sent before the session is looked up).
    const stats = await deps.mail.call(who, 'sessionStats', {});
    if (stats.selectedFolder === null) {
      // A fresh session watches no folder; listing this one selects it, and IDLE follows.
      await deps.mail.call(who, 'listMessages', {
        folder,
        sort: 'date',
        order: 'desc',
        page: 1,
        pageSize: lookupPageSize,
      });
    }
    const upstream = await deps.mail.openEvents(who);
    perSession.set(who.record.id, (perSession.get(who.record.id) ?? 0) + 1);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      // nginx: pass each event on at once (the deploy sample also turns buffering off here).
      'x-accel-buffering': 'no',
    });
    res.write(`retry: ${retryMs}\n\n`);
    relay(who, folder, upstream, res);
  });

  app.addHook('preClose', (done) => {
    for (const stop of [...openStreams]) stop();
    done();
  });
}
