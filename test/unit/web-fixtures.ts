// Shared by the web unit tests: a config in a temp dir, and a scripted webcache end speaking the
// real protocol (createRpcServer over a Unix socket). It stands in for the webcache's caching,
// not for IMAP: nothing here pretends to be Dovecot. End-to-end tests use the real webcache.
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { AlphaMailError, silentLogger } from '../../src/base/index.js';
import { defaultOpsConfig, type AlphaMailConfig } from '../../src/config/index.js';
import {
  createRpcServer,
  createWebcacheClient,
  type FolderInfo,
  type MessageDetail,
  type MessageSummary,
  type MethodHandlers,
  type WebcacheClient,
} from '../../src/protocol/index.js';
import { buildWebApp } from '../../src/web/index.js';
import { csrfToken } from '../harness/http-client.js';
import { createComposeScript, type ComposeScript } from './web-compose-script.js';
import { organiseHandlers } from './web-organise-fixtures.js';
import { scriptedHits, searchHandlers } from './web-search-fixtures.js';
import { threadHandlers } from './web-thread-fixtures.js';

export function tempDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'am-web-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function testConfig(dir: string, overrides: Partial<AlphaMailConfig> = {}): AlphaMailConfig {
  const domain = (name: string) => ({
    domain: name,
    imap: {
      host: '127.0.0.1',
      port: 993,
      tls: 'implicit' as const,
      allowInsecure: false,
      verifyCertificate: true,
    },
    prefix: '',
    separator: '/',
    smtp: null,
  });
  return {
    file: join(dir, 'alphamail_config'),
    webListen: { host: '127.0.0.1', port: 0 },
    publicUrl: 'http://127.0.0.1:8080',
    dataDir: join(dir, 'data'),
    webcache: { kind: 'unix', socketPath: join(dir, 'webcache.sock') },
    domains: [domain('example.edu')],
    sessionIdleTimeoutMinutes: 30,
    defaultPageSize: 50,
    maxUploadBytes: 10_000_000,
    imapIdleTimeoutMinutes: 10,
    logLevel: 'info',
    remoteFetchAllowPrivate: false,
    ops: defaultOpsConfig,
    ...overrides,
  };
}

function folder(path: string, name: string, depth: number, unread: number): FolderInfo {
  return {
    path,
    displayParts: path.split('/'),
    name,
    depth,
    specialUse: path === 'INBOX' ? 'inbox' : null,
    selectable: true,
    subscribed: true,
    total: 3,
    unread,
  };
}

export const folders: FolderInfo[] = [
  folder('INBOX', 'Inbox', 0, 2),
  folder('Work', 'Work', 0, 0),
  folder('Work/Projects', 'Projects', 1, 1),
];

export const hostileSubject = '<script>alert("x")</script> & more';

export const summaries: MessageSummary[] = [
  {
    uid: 7,
    from: [{ name: 'Mallory <evil>', address: 'mallory@example.net' }],
    to: [],
    subject: hostileSubject,
    snippet: '<img src=x onerror=alert(1)>',
    date: '2024-03-12T14:05:00.000Z',
    size: 12_000,
    isUnread: true,
    isFlagged: true,
    isAnswered: false,
    isDraft: false,
    hasAttachments: true,
  },
  {
    uid: 5,
    from: [{ name: '', address: 'bob@example.edu' }],
    to: [],
    subject: 'Lunch',
    snippet: null,
    date: '2024-03-11T09:00:00.000Z',
    size: 900,
    isUnread: false,
    isFlagged: false,
    isAnswered: true,
    isDraft: false,
    hasAttachments: false,
  },
];

export function messageDetail(uid: number): MessageDetail {
  const base: MessageDetail = {
    uid,
    folder: 'INBOX',
    subject: hostileSubject,
    from: [{ name: 'Mallory', address: 'mallory@example.net' }],
    to: [{ name: '', address: 'alice@example.edu' }],
    cc: [],
    replyTo: [],
    date: '2024-03-12T14:05:00.000Z',
    messageId: null,
    inReplyTo: null,
    references: [],
    isFlagged: false,
    isUnread: false,
    size: 12_000,
    text: 'See https://example.org/x\n> quoted <b>',
    html: null,
    attachments: [],
    notices: [],
    prevUid: null,
    nextUid: 5,
  };
  if (uid !== 7) return base;
  return {
    ...base,
    html:
      '<p onclick="x()">Hi<script>alert(1)</script></p><img src="https://tracker.example/p.gif">' +
      '<img src="cid:logo@x">',
    attachments: [
      {
        part: '2',
        filename: 'logo.png',
        contentType: 'image/png',
        size: 300,
        disposition: 'inline',
        contentId: '<logo@x>',
      },
      {
        part: '3',
        filename: 'résumé "final".html',
        contentType: 'text/html',
        size: 2048,
        disposition: 'attachment',
        contentId: null,
      },
    ],
  };
}

export interface ScriptedWebcache {
  readonly client: WebcacheClient;
  readonly socketPath: string;
  /** Method names in the order they were called. */
  readonly calls: string[];
  /** Params of getMessage calls. */
  readonly getMessageCalls: { markRead: boolean }[];
  /** What the compose methods were asked to store and send, and their switches. */
  readonly compose: ComposeScript;
  /** Forgets every session, as a restarted webcache does. */
  forgetSessions(): void;
  /** Changes the accepted password, as when the user changes it elsewhere. */
  setPassword(password: string): void;
  close(): Promise<void>;
}

export const goodUser = 'alice';
export const goodPassword = 'correct horse battery staple';

export async function startScriptedWebcache(socketPath: string): Promise<ScriptedWebcache> {
  const sessions = new Set<string>();
  const calls: string[] = [];
  const getMessageCalls: { markRead: boolean }[] = [];
  let password = goodPassword;
  const known = (session: string): void => {
    if (!sessions.has(session)) throw new AlphaMailError('AM_SESSION_UNKNOWN', 'no such session');
  };
  const compose = createComposeScript(calls, known);
  const handlers: MethodHandlers = {
    ping: () => Promise.resolve({ pid: process.pid, uptimeMs: 1, sessions: sessions.size }),
    login: (p) => {
      calls.push('login');
      if (p.user === 'far-away') {
        return Promise.reject(
          new AlphaMailError('AM_IMAP_UNREACHABLE', 'connect ECONNREFUSED imap'),
        );
      }
      if (p.user !== goodUser || p.password !== password) {
        return Promise.reject(new AlphaMailError('AM_AUTH_FAILED', 'NO [AUTHENTICATIONFAILED] x'));
      }
      sessions.add(p.session);
      return Promise.resolve({ user: p.user, domain: p.domain, capabilities: [] });
    },
    logout: (p) => {
      calls.push('logout');
      return Promise.resolve({ wasOpen: sessions.delete(p.session) });
    },
    listFolders: (p) => {
      calls.push('listFolders');
      known(p.session);
      return Promise.resolve({ folders, separator: '/' });
    },
    listMessages: (p) => {
      calls.push('listMessages');
      known(p.session);
      const info = folders.find((f) => f.path === p.folder);
      if (!info) return Promise.reject(new AlphaMailError('AM_FOLDER_NOT_FOUND', 'no folder'));
      const messages = p.folder === 'INBOX' ? summaries : [];
      return Promise.resolve({
        folder: info,
        total: messages.length === 0 ? 0 : 130,
        unread: messages.length === 0 ? 0 : 2,
        page: p.page,
        pageCount: messages.length === 0 ? 1 : 3,
        messages,
      });
    },
    getMessage: (p) => {
      calls.push('getMessage');
      getMessageCalls.push({ markRead: p.markRead });
      known(p.session);
      // 7 and 5 in any folder, and every scripted search hit in its folder.
      const isHit = scriptedHits.some((h) => h.folder === p.folder && h.uid === p.uid);
      if (p.uid !== 7 && p.uid !== 5 && !isHit) {
        return Promise.reject(new AlphaMailError('AM_MESSAGE_NOT_FOUND', 'UID 9 gone'));
      }
      return Promise.resolve(messageDetail(p.uid));
    },
    sessionStats: () => Promise.reject(new AlphaMailError('AM_INTERNAL', 'not scripted')),
    liveSpools: () => Promise.resolve({ spoolDirs: [] }),
    ...organiseHandlers(calls, known),
    ...searchHandlers(calls, known),
    ...threadHandlers(calls, known, folders),
    ...compose.handlers,
  };
  const server: Server = createRpcServer({
    endpoint: { kind: 'unix', socketPath },
    handlers,
    streamHandlers: {
      messageSource: (p) => {
        known(p.session);
        return Promise.resolve({
          meta: { contentType: 'message/rfc822', filename: 'm.eml', size: null },
          body: Readable.from([Buffer.from('Subject: <b>hi</b>\r\n\r\nbody\r\n')]),
        });
      },
      downloadPart: (p) => {
        known(p.session);
        const a = messageDetail(7).attachments.find((x) => x.part === p.part);
        if (!a) return Promise.reject(new AlphaMailError('AM_PART_NOT_FOUND', 'no part'));
        return Promise.resolve({
          meta: { contentType: a.contentType, filename: a.filename, size: a.size },
          body: Readable.from([Buffer.from(`<html>part ${p.part}</html>`)]),
        });
      },
    },
    events: () => Promise.resolve(),
    upload: compose.upload,
    logger: silentLogger(),
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return {
    client: createWebcacheClient({ kind: 'unix', socketPath }),
    socketPath,
    calls,
    getMessageCalls,
    compose: compose.script,
    forgetSessions: () => sessions.clear(),
    setPassword: (next) => {
      password = next;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Cookies from Set-Cookie lines, as a browser would send them back. */
export function cookieHeader(setCookie: string | string[] | undefined, previous = ''): string {
  const jar = new Map<string, string>();
  for (const part of previous.split('; ')) {
    const eq = part.indexOf('=');
    if (eq > 0) jar.set(part.slice(0, eq), part.slice(eq + 1));
  }
  const lines = setCookie === undefined ? [] : Array.isArray(setCookie) ? setCookie : [setCookie];
  for (const line of lines) {
    const [pair = ''] = line.split(';');
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    if (value === '' || /Max-Age=0/.test(line)) jar.delete(name);
    else jar.set(name, value);
  }
  return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
}

/** The web app on a temp-dir config, talking to a scripted webcache, with a sign-in helper. */
export interface ScriptedWebApp {
  readonly app: FastifyInstance;
  readonly webcache: ScriptedWebcache;
  /** Signs in as goodUser through the real login form; returns the session cookie header. */
  signIn(): Promise<string>;
  close(): Promise<void>;
}

export async function startScriptedWebApp(
  overrides: Partial<AlphaMailConfig> = {},
): Promise<ScriptedWebApp> {
  const temp = tempDir();
  const config = testConfig(temp.dir, overrides);
  const webcache = await startScriptedWebcache(
    config.webcache.kind === 'unix' ? config.webcache.socketPath : '',
  );
  const app = buildWebApp({ config, logger: silentLogger(), client: webcache.client });
  await app.ready();
  return {
    app,
    webcache,
    async signIn() {
      const form = await app.inject({ method: 'GET', url: '/login' });
      const preCookie = cookieHeader(form.headers['set-cookie']);
      const res = await app.inject({
        method: 'POST',
        url: '/login',
        headers: { cookie: preCookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          _csrf: csrfToken(form.body),
          user: goodUser,
          password: goodPassword,
          domain: 'example.edu',
        }).toString(),
      });
      if (res.statusCode !== 303) throw new Error(`sign-in answered ${res.statusCode}`);
      return cookieHeader(res.headers['set-cookie'], preCookie);
    },
    async close() {
      await app.close();
      await webcache.close();
      temp.remove();
    },
  };
}
