// Owns the web_sessions tables: signed-in sessions (hashed ids, sealed passwords, CSRF tokens),
// per-user preferences and the web tier's lasting keys. Must not hold a clear password or a cookie key: see session-crypto.
import { closeSync, chmodSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { openDatabase, type Db, type Migrations } from '../store/index.js';
import type { SortField, SortOrder } from '../protocol/index.js';
import { randomSealKey, randomToken, sealPassword, sessionIdOf } from './session-crypto.js';

/** The session file is readable by its owner only: it holds sealed passwords. */
const sessionFileMode = 0o600;
/** last_seen is rewritten at most this often, so a burst of requests is not a burst of writes. */
const touchIntervalMs = 30_000;

export const webSessionMigrations: Migrations = {
  owner: 'web_sessions',
  steps: [
    `CREATE TABLE web_sessions (
       id TEXT PRIMARY KEY,
       user TEXT NOT NULL,
       domain TEXT NOT NULL,
       cache_session TEXT NOT NULL UNIQUE,
       csrf TEXT NOT NULL,
       sealed_password BLOB NOT NULL,
       created_ms INTEGER NOT NULL,
       last_seen_ms INTEGER NOT NULL
     );
     CREATE INDEX web_sessions_last_seen ON web_sessions (last_seen_ms);
     CREATE TABLE web_prefs (
       user TEXT NOT NULL,
       domain TEXT NOT NULL,
       page_size INTEGER NOT NULL,
       sort TEXT NOT NULL,
       sort_order TEXT NOT NULL,
       PRIMARY KEY (user, domain)
     );`,
    // Threaded index view, the identity a user writes as (per domain), and the senders whose
    // remote content a user allowed.
    `ALTER TABLE web_prefs ADD COLUMN threaded INTEGER NOT NULL DEFAULT 0;
     CREATE TABLE web_identities (
       user TEXT NOT NULL,
       domain TEXT NOT NULL,
       display_name TEXT NOT NULL,
       address TEXT NOT NULL,
       signature TEXT NOT NULL,
       PRIMARY KEY (user, domain)
     );
     CREATE TABLE web_remote_senders (
       user TEXT NOT NULL,
       domain TEXT NOT NULL,
       sender TEXT NOT NULL,
       PRIMARY KEY (user, domain, sender)
     );`,
    // Keys of the web tier that outlive a process (the remote image proxy's signing key), so a
    // restart or a second web process sharing the data directory accepts what the first signed.
    `CREATE TABLE web_keys (
       name TEXT PRIMARY KEY,
       key BLOB NOT NULL
     );`,
  ],
};

export interface SessionRecord {
  /** sha256 of the cookie's token. */
  readonly id: string;
  readonly user: string;
  readonly domain: string;
  /** The webcache's session key (protocol `sessionKey`), never shown to the browser. */
  readonly cacheSession: string;
  readonly csrf: string;
  readonly sealedPassword: Buffer;
  readonly createdMs: number;
  readonly lastSeenMs: number;
}

export interface Prefs {
  readonly pageSize: number;
  readonly sort: SortField;
  readonly order: SortOrder;
  /** Index shown one row per conversation. */
  readonly threaded: boolean;
}

/** Who a user writes as on one domain, with the signature appended to new messages. */
export interface Identity {
  readonly displayName: string;
  readonly address: string;
  readonly signature: string;
}

interface IdentityRow {
  display_name: string;
  address: string;
  signature: string;
}

interface SessionRow {
  id: string;
  user: string;
  domain: string;
  cache_session: string;
  csrf: string;
  sealed_password: Buffer;
  created_ms: number;
  last_seen_ms: number;
}

interface PrefsRow {
  page_size: number;
  sort: string;
  sort_order: string;
  threaded: number;
}

export interface NewSession {
  /** What goes into the cookie: `<token>.<key>`. */
  readonly token: string;
  readonly key: string;
  readonly record: SessionRecord;
}

export interface SessionStoreOptions {
  readonly idleTimeoutMs: number;
  readonly now?: () => number;
}

function toRecord(row: SessionRow): SessionRecord {
  return {
    id: row.id,
    user: row.user,
    domain: row.domain,
    cacheSession: row.cache_session,
    csrf: row.csrf,
    sealedPassword: row.sealed_password,
    createdMs: row.created_ms,
    lastSeenMs: row.last_seen_ms,
  };
}

const sortFields: readonly string[] = ['date', 'from', 'subject', 'size'];

/** Addresses are compared case-insensitively: mail systems treat them so in practice. */
export function normaliseSender(address: string): string {
  return address.trim().toLowerCase();
}

/**
 * Every query of the store, prepared once when it opens: preparing parses and plans the SQL, and
 * session lookup runs on every request.
 */
const queries = {
  insertSession: `INSERT INTO web_sessions (id, user, domain, cache_session, csrf, sealed_password,
       created_ms, last_seen_ms)
     VALUES (@id, @user, @domain, @cache_session, @csrf, @sealed_password, @created_ms,
       @last_seen_ms)`,
  findSession: 'SELECT * FROM web_sessions WHERE id = ?',
  touchSession: 'UPDATE web_sessions SET last_seen_ms = ? WHERE id = ?',
  deleteSession: 'DELETE FROM web_sessions WHERE id = ?',
  sweepIdle: 'DELETE FROM web_sessions WHERE last_seen_ms < ?',
  prefs:
    'SELECT page_size, sort, sort_order, threaded FROM web_prefs WHERE user = ? AND domain = ?',
  savePrefs: `INSERT INTO web_prefs (user, domain, page_size, sort, sort_order, threaded)
     VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (user, domain) DO UPDATE SET page_size = excluded.page_size,
       sort = excluded.sort, sort_order = excluded.sort_order, threaded = excluded.threaded`,
  identity:
    'SELECT display_name, address, signature FROM web_identities WHERE user = ? AND domain = ?',
  saveIdentity: `INSERT INTO web_identities (user, domain, display_name, address, signature)
     VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (user, domain) DO UPDATE SET display_name = excluded.display_name,
       address = excluded.address, signature = excluded.signature`,
  remoteSenders:
    'SELECT sender FROM web_remote_senders WHERE user = ? AND domain = ? ORDER BY sender',
  isRemoteSenderAllowed:
    'SELECT 1 FROM web_remote_senders WHERE user = ? AND domain = ? AND sender = ?',
  allowRemoteSender: `INSERT INTO web_remote_senders (user, domain, sender) VALUES (?, ?, ?)
     ON CONFLICT DO NOTHING`,
  removeRemoteSender: 'DELETE FROM web_remote_senders WHERE user = ? AND domain = ? AND sender = ?',
  addKey: 'INSERT INTO web_keys (name, key) VALUES (?, ?) ON CONFLICT DO NOTHING',
  key: 'SELECT key FROM web_keys WHERE name = ?',
} as const;

function prepare(db: Db, sql: string) {
  return db.prepare<unknown[]>(sql);
}

type Statements = { readonly [Q in keyof typeof queries]: ReturnType<typeof prepare> };

function prepareAll(db: Db): Statements {
  return Object.fromEntries(
    Object.entries(queries).map(([name, sql]) => [name, prepare(db, sql)]),
  ) as Statements;
}

export class SessionStore {
  readonly #db: Db;
  readonly #idleTimeoutMs: number;
  readonly #now: () => number;
  readonly #q: Statements;

  constructor(db: Db, options: SessionStoreOptions) {
    this.#db = db;
    this.#q = prepareAll(db);
    this.#idleTimeoutMs = options.idleTimeoutMs;
    this.#now = options.now ?? Date.now;
  }

  /** Creates a session with fresh random token, cookie key and CSRF token. */
  create(input: {
    user: string;
    domain: string;
    cacheSession: string;
    password: string;
  }): NewSession {
    const token = randomToken();
    const key = randomSealKey();
    const id = sessionIdOf(token);
    const now = this.#now();
    const row: SessionRow = {
      id,
      user: input.user,
      domain: input.domain,
      cache_session: input.cacheSession,
      csrf: randomToken(),
      sealed_password: sealPassword(input.password, key, id),
      created_ms: now,
      last_seen_ms: now,
    };
    this.#q.insertSession.run(row);
    return { token, key, record: toRecord(row) };
  }

  /** The live session of a cookie token, or null; an idle one is deleted on the way. */
  find(token: string): SessionRecord | null {
    const id = sessionIdOf(token);
    const row = this.#q.findSession.get(id) as SessionRow | undefined;
    if (!row) return null;
    const now = this.#now();
    if (now - row.last_seen_ms > this.#idleTimeoutMs) {
      this.delete(id);
      return null;
    }
    if (now - row.last_seen_ms > touchIntervalMs) {
      this.#q.touchSession.run(now, id);
      row.last_seen_ms = now;
    }
    return toRecord(row);
  }

  delete(id: string): void {
    this.#q.deleteSession.run(id);
  }

  /** Deletes sessions idle longer than the timeout; returns how many went. */
  sweepIdle(): number {
    const cutoff = this.#now() - this.#idleTimeoutMs;
    return this.#q.sweepIdle.run(cutoff).changes;
  }

  prefs(user: string, domain: string, defaults: Prefs): Prefs {
    const row = this.#q.prefs.get(user, domain) as PrefsRow | undefined;
    if (!row) return defaults;
    return {
      pageSize: row.page_size,
      sort: sortFields.includes(row.sort) ? (row.sort as SortField) : defaults.sort,
      order: row.sort_order === 'asc' ? 'asc' : 'desc',
      threaded: row.threaded === 1,
    };
  }

  savePrefs(user: string, domain: string, prefs: Prefs): void {
    this.#q.savePrefs.run(
      user,
      domain,
      prefs.pageSize,
      prefs.sort,
      prefs.order,
      prefs.threaded ? 1 : 0,
    );
  }

  /** The stored identity, or null when the user never saved one (callers use user@domain). */
  identity(user: string, domain: string): Identity | null {
    const row = this.#q.identity.get(user, domain) as IdentityRow | undefined;
    if (!row) return null;
    return { displayName: row.display_name, address: row.address, signature: row.signature };
  }

  saveIdentity(user: string, domain: string, identity: Identity): void {
    this.#q.saveIdentity.run(
      user,
      domain,
      identity.displayName,
      identity.address,
      identity.signature,
    );
  }

  /** Senders (lower-case addresses) whose remote content this user always loads, sorted. */
  remoteSenders(user: string, domain: string): string[] {
    const rows = this.#q.remoteSenders.all(user, domain) as { sender: string }[];
    return rows.map((r) => r.sender);
  }

  isRemoteSenderAllowed(user: string, domain: string, sender: string): boolean {
    const row = this.#q.isRemoteSenderAllowed.get(user, domain, normaliseSender(sender));
    return row !== undefined;
  }

  allowRemoteSender(user: string, domain: string, sender: string): void {
    this.#q.allowRemoteSender.run(user, domain, normaliseSender(sender));
  }

  removeRemoteSender(user: string, domain: string, sender: string): void {
    this.#q.removeRemoteSender.run(user, domain, normaliseSender(sender));
  }

  /**
   * The key called `name`: made of `bytes` random bytes the first time any process sharing this
   * database asks (the first insert wins, so all of them agree), then the same one for good.
   */
  key(name: string, bytes: number): Buffer {
    this.#q.addKey.run(name, randomBytes(bytes));
    const row = this.#q.key.get(name) as { key: Buffer } | undefined;
    if (row === undefined) throw new Error(`web key ${name} missing after insert`);
    return row.key;
  }

  close(): void {
    this.#db.close();
  }
}

/**
 * Opens (creating if needed) the session database with mode 0600. The file is created before
 * SQLite opens it so it never exists with wider permissions; SQLite gives its -wal and -shm
 * files the main file's mode.
 */
export function openSessionStore(file: string, options: SessionStoreOptions): SessionStore {
  if (file !== ':memory:') {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    if (!existsSync(file)) closeSync(openSync(file, 'a', sessionFileMode));
  }
  const db = openDatabase(file, [webSessionMigrations]);
  if (file !== ':memory:') chmodSync(file, sessionFileMode);
  return new SessionStore(db, options);
}
