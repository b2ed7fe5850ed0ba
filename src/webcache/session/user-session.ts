// Owns one signed-in user's persistent IMAP session: the connection (and reconnecting with the
// in-memory password), the serialised operation queue under one deadline, the selected folder
// and the per-folder caches. Must not answer RPCs itself (rpc/) nor write protocol replies.
// Over 400 lines: selecting, the cold first page and the build after it share the queue state.
import { EventEmitter } from 'node:events';
import type { ImapFlow } from 'imapflow';
import { AlphaMailError, withDeadline, type Logger } from '../../base/index.js';
import type { DomainConfig } from '../../config/index.js';
import type { FolderInfo } from '../../protocol/index.js';
import type { FolderIndex } from '../index/folder-index.js';
import type { IndexStore } from '../persist/index-store.js';
import { noPendingSeen, type PendingSeen } from '../persist/pending-seen-store.js';
import { SaveSchedule } from '../persist/save-schedule.js';
import { MemorySnippets, type SnippetBackend } from '../index/snippet-backend.js';
import { coldFirstPage, type ColdPreview } from '../sync/cold-preview.js';
import { FolderCache } from '../sync/folder-cache.js';
import { fetchFolderList } from '../sync/folder-list.js';
import { syncSelectedFolder } from '../sync/folder-sync.js';
import { LiveSync } from '../sync/live-sync.js';
import { SeenWriter } from '../sync/seen-writer.js';
import { canSortOnServer } from '../imap/uid-sort.js';
import {
  coldSplitMinMessages,
  sortLowerPartOnHelper,
  type HelperSort,
} from './cold-sort-helper.js';
import { connectImap, imapError } from './imap-connect.js';
import { OpQueue } from './op-queue.js';

/** One budget for every RPC operation, covering queueing and all its IMAP steps. */
export const operationBudgetMs = 25_000;
/** Background work (snippets, refresh, new mail) gets the same budget per step. */
export const backgroundBudgetMs = 25_000;
/** How often the folder list (counts of other folders) is refreshed while the session is used. */
export const folderListRefreshMs = 60_000;

/**
 * Whether a session's timer should re-read its folder list now: only when the user asked for
 * something since the last read (nobody sees counts refreshed in between; 300 signed-in but idle
 * sessions would otherwise send 5 LISTs a second), and not for a session left alone for long.
 */
export function isFolderListRefreshDue(
  nowMs: number,
  lastUsedMs: number,
  folderListAtMs: number,
): boolean {
  return lastUsedMs > folderListAtMs && nowMs - lastUsedMs <= folderListRefreshMs * 2;
}

/** Building a big folder's index after its first page was answered (100,000 messages ~12 s). */
export const coldBuildBudgetMs = 120_000;
/** LOGOUT may take this long at close before the socket is simply closed. */
export const logoutBudgetMs = 2_000;

export interface SessionInput {
  key: string;
  domain: DomainConfig;
  user: string;
  password: string;
  logger: Logger;
  store: IndexStore | null;
  /** Told the kind of each IMAP command sent (for metrics). */
  onImapCommand?: (kind: string) => void;
}

type Priority = 'user' | 'background';

function isConnectionLoss(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'NoConnection' || code === 'EConnectionClosed' || code === 'StateLogout';
}

export class UserSession {
  readonly key: string;
  readonly domain: DomainConfig;
  readonly user: string;
  /** user@domain: the key of persisted indexes. */
  readonly account: string;
  readonly logger: Logger;
  readonly folders = new Map<string, FolderCache>();
  /** Opened messages' \Seen not yet on the server, kept on disk (see persist/pending-seen-store). */
  readonly pendingSeen: PendingSeen;
  /** Opened messages' \Seen, stored on the server in batches (see sync/seen-writer.ts). */
  readonly seen: SeenWriter;
  lastUsedMs = Date.now();
  private readonly password: string;
  private readonly onImapCommand: ((kind: string) => void) | undefined;
  private readonly store: IndexStore | null;
  /** Where this account's previews live (SQLite when there is a store). */
  private readonly snippets: SnippetBackend;
  private readonly queue = new OpQueue();
  private readonly mail = new EventEmitter();
  private client: ImapFlow | null = null;
  /** Folder selected and in sync on the current connection. */
  private selected: string | null = null;
  private folderList: FolderInfo[] | null = null;
  private folderListAt = 0;
  private readonly live: LiveSync;
  /** When changed indexes are written (see persist/save-schedule.ts). */
  private readonly saves: SaveSchedule;
  /** The login-time load of a stored index (preloadStored), awaited before any other load. */
  private preloading: Promise<void> = Promise.resolve();
  private readonly refreshTimer: NodeJS.Timeout;
  private closed = false;

  private constructor(input: SessionInput) {
    this.key = input.key;
    this.domain = input.domain;
    this.user = input.user;
    this.account = `${input.user}@${input.domain.domain}`;
    this.password = input.password;
    this.onImapCommand = input.onImapCommand;
    this.logger = input.logger.child({ account: this.account });
    this.store = input.store;
    this.snippets = input.store?.snippetsFor(this.account) ?? new MemorySnippets();
    this.pendingSeen = input.store?.pendingSeenFor(this.account) ?? noPendingSeen;
    this.seen = new SeenWriter(this);
    this.live = new LiveSync(this);
    this.saves = new SaveSchedule(
      () => this.saveDirty(),
      (err) => this.logger.error({ err }, 'saving indexes failed'),
    );
    this.refreshTimer = setInterval(
      () => this.refreshFolderListInBackground(),
      folderListRefreshMs,
    );
    this.refreshTimer.unref();
  }

  /** Logs in; rejects with AM_AUTH_FAILED, AM_IMAP_UNREACHABLE, AM_IMAP_INSECURE, AM_IMAP_ERROR. */
  static async open(input: SessionInput): Promise<UserSession> {
    const session = new UserSession(input);
    try {
      await withDeadline(operationBudgetMs, 'login', () => session.connect());
    } catch (err) {
      await session.close();
      throw err;
    }
    // Queued before any request of the new session, so its first pages show them read.
    session.seen.storePendingFromDisk();
    return session;
  }

  get isConnected(): boolean {
    return this.client?.usable === true;
  }

  get selectedFolder(): string | null {
    return this.selected;
  }

  /** The user's own credentials, for SMTP submission to the domain's server (never logged). */
  submissionCredentials(): { user: string; pass: string } {
    return { user: this.user, pass: this.password };
  }

  capabilities(): string[] {
    return [...(this.client?.capabilities.keys() ?? [])];
  }

  private async connect(): Promise<ImapFlow> {
    if (this.closed) throw new AlphaMailError('AM_SESSION_UNKNOWN', 'session closed');
    const client = await connectImap({
      domain: this.domain,
      user: this.user,
      password: this.password,
      logger: this.logger,
      onCommand: this.onImapCommand,
    });
    if (this.closed) {
      client.close();
      throw new AlphaMailError('AM_SESSION_UNKNOWN', 'session closed');
    }
    this.client = client;
    this.selected = null;
    client.on('close', () => {
      if (this.client === client) {
        this.client = null;
        this.selected = null;
        if (!this.closed) this.logger.info('IMAP connection closed; the next request reconnects');
      }
    });
    this.live.attach(client);
    return client;
  }

  private async connected(): Promise<ImapFlow> {
    const client = this.client;
    if (client?.usable) return client;
    client?.close();
    return this.connect();
  }

  /** Closes the socket: a stuck operation fails and the next one reconnects. */
  private dropConnection(): void {
    const client = this.client;
    this.client = null;
    this.selected = null;
    client?.close();
  }

  /**
   * Runs IMAP work serialised with the session's other work, under one deadline. `hold` keeps
   * the queue (and so the selected folder) until a stream ends.
   */
  async run<T>(
    what: string,
    priority: Priority,
    work: (client: ImapFlow) => Promise<{ value: T; hold?: Promise<void> }>,
  ): Promise<T> {
    if (priority === 'user') this.lastUsedMs = Date.now();
    const budget = priority === 'user' ? operationBudgetMs : backgroundBudgetMs;
    try {
      return await withDeadline(budget, what, (signal) =>
        this.queue.run(priority, async () => {
          for (let attempt = 1; ; attempt++) {
            if (signal.aborted || this.closed) {
              throw new AlphaMailError('AM_TIMEOUT', `${what} waited too long`);
            }
            const client = await this.connected();
            try {
              return await work(client);
            } catch (err) {
              // A connection lost mid-operation is re-established once, transparently.
              if (attempt === 1 && isConnectionLoss(err) && !this.closed) continue;
              throw imapError(err, this.logger, what);
            }
          }
        }),
      );
    } catch (err) {
      if (err instanceof AlphaMailError && err.code === 'AM_TIMEOUT') {
        this.logger.warn({ what }, 'operation timed out; dropping the IMAP connection');
        this.dropConnection();
      }
      throw err;
    }
  }

  /** Runs work with `path` selected and its index in sync (built, loaded or resynced). */
  inFolder<T>(
    what: string,
    path: string,
    work: (client: ImapFlow, cache: FolderCache) => Promise<{ value: T; hold?: Promise<void> }>,
    priority: Priority = 'user',
  ): Promise<T> {
    return this.run(what, priority, async (client) => {
      await this.checkFolderExists(client, path);
      let cache = this.folders.get(path) ?? null;
      const isWarm =
        this.selected === path &&
        cache !== null &&
        client.mailbox !== false &&
        client.mailbox.path === path;
      if (!isWarm) {
        // SELECT through imapflow's mailbox lock, released at once: our queue already
        // serialises the session. Holding the lock on warm requests would keep postponing
        // auto-IDLE, and without IDLE no new mail is pushed to us.
        this.selected = null;
        const lock = await this.lockFolder(client, path);
        try {
          cache ??= await this.loadStored(path);
          const synced = await syncSelectedFolder(client, cache, (c) => this.register(path, c));
          cache = synced.cache;
          this.selected = path;
          cache.sort.warmInBackground();
        } finally {
          lock.release();
        }
        this.indexChanged(path);
      }
      if (cache === null) throw new AlphaMailError('AM_INTERNAL', 'folder cache missing');
      return work(client, cache);
    });
  }

  /** SELECTs `path` through imapflow's mailbox lock; the caller releases it. */
  private async lockFolder(client: ImapFlow, path: string): Promise<{ release(): void }> {
    // Before leaving the folder: its resync on return must find the opened messages \Seen.
    if (client.mailbox !== false && client.mailbox.path !== path) {
      await this.seen.storeNow(client);
    }
    // The reader cache's byte budget is meant per session: keep only the folder in use.
    for (const [other, known] of this.folders) if (other !== path) known.reader.clear();
    return client.getMailboxLock(path).catch((err: unknown) => {
      if ((err as { responseStatus?: unknown }).responseStatus === 'NO') {
        throw new AlphaMailError('AM_FOLDER_NOT_FOUND', 'SELECT refused');
      }
      throw err;
    });
  }

  /**
   * Page 1 by date, newest first, of a big folder neither indexed nor persisted, answered before
   * its index is built. The build follows while the queue is still held, so every later request
   * waits for the complete index. Null: answer through inFolder as usual.
   */
  coldFirstPage(path: string, pageSize: number): Promise<ColdPreview | null> {
    if (this.folders.has(path)) return Promise.resolve(null);
    return this.run('listMessages', 'user', async (client) => {
      await this.checkFolderExists(client, path);
      if (this.folders.has(path)) return { value: null };
      const stored = await this.loadStored(path);
      if (stored !== null) {
        if (!this.folders.has(path)) this.folders.set(path, stored);
        return { value: null };
      }
      // A big folder's SORT is split with a second, short-lived connection that EXAMINEs it
      // while this one SELECTs (the proxy's login count shows 2 for such a cold sign-in).
      const helper = this.startColdSortHelper(client, path);
      try {
        this.selected = null;
        (await this.lockFolder(client, path)).release();
        const preview = await coldFirstPage(client, pageSize, helper);
        if (preview === null) return { value: null };
        return { value: preview, hold: this.buildAfterPreview(client, path, preview.index) };
      } finally {
        helper?.cancel(); // No-op once it delivered its part; then it is logging out.
      }
    });
  }

  /** The helper for a folder listed with enough messages, or null (sorted here alone). */
  private startColdSortHelper(client: ImapFlow, path: string): HelperSort | null {
    const listed = this.folderInfo(path)?.total ?? 0;
    if (listed < coldSplitMinMessages || !canSortOnServer(client)) return null;
    return sortLowerPartOnHelper({
      domain: this.domain,
      user: this.user,
      password: this.password,
      logger: this.logger,
      onCommand: this.onImapCommand,
      path,
      upTo: Math.floor(listed / 2),
    });
  }

  private async buildAfterPreview(client: ImapFlow, path: string, preview: FolderIndex) {
    try {
      await withDeadline(coldBuildBudgetMs, 'buildIndex', async () => {
        const synced = await syncSelectedFolder(client, null, (c) => this.register(path, c));
        // The page already shown keeps its snippets: showing it again sends no IMAP.
        for (let slot = 0; slot < preview.count; slot++) {
          const snippet = preview.snippetAt(slot);
          if (snippet !== null) synced.cache.index.setSnippet(preview.uidAt(slot), snippet);
        }
        this.selected = path;
        synced.cache.sort.warmInBackground();
      });
      this.indexChanged(path);
    } catch (err) {
      this.logger.warn({ err, folder: path }, 'index build after the first page failed');
      this.folders.delete(path);
      this.dropConnection();
    }
  }

  private async loadStored(path: string): Promise<FolderCache | null> {
    await this.preloading;
    const preloaded = this.folders.get(path);
    if (preloaded) return preloaded;
    const index = (await this.store?.load(this.account, path, this.snippets)) ?? null;
    return index ? new FolderCache(index) : null;
  }

  /**
   * Loads `path`'s stored index now, off the queue, with its newest-first date order: at sign-in
   * this CPU work overlaps the login's LIST instead of following the first page's SELECT.
   */
  preloadStored(path: string): void {
    const store = this.store;
    if (store === null || this.folders.has(path) || !store.has(this.account, path)) return;
    this.preloading = (async () => {
      const index = await store.load(this.account, path, this.snippets);
      if (index === null || this.closed || this.folders.has(path)) return;
      const cache = new FolderCache(index);
      cache.sort.page('date', 'desc', 0, 1);
      this.folders.set(path, cache);
    })().catch((err: unknown) => this.logger.warn({ err, folder: path }, 'preload failed'));
  }

  /** Keeps `cache` as the folder's, its previews in the account's snippet store. */
  private register(path: string, cache: FolderCache): void {
    cache.index.attachSnippets(this.snippets);
    this.folders.set(path, cache);
  }

  /** The folder list, from cache or by LIST; a folder missing from it is refreshed once. */
  async folderListWith(client: ImapFlow): Promise<FolderInfo[]> {
    if (this.folderList === null) await this.reloadFolderList(client);
    return this.folderList ?? [];
  }

  /** Re-reads the folder list now: after a folder was created, renamed or deleted. */
  async reloadFolders(client: ImapFlow): Promise<FolderInfo[]> {
    await this.reloadFolderList(client);
    return this.folderList ?? [];
  }

  private async reloadFolderList(client: ImapFlow): Promise<void> {
    this.folderList = await fetchFolderList(client, this.domain);
    this.folderListAt = Date.now();
    for (const path of this.folders.keys()) this.patchCounts(path);
  }

  private async checkFolderExists(client: ImapFlow, path: string): Promise<void> {
    let list = await this.folderListWith(client);
    if (!list.some((f) => f.path === path) && Date.now() - this.folderListAt > 1_000) {
      await this.reloadFolderList(client);
      list = this.folderList ?? [];
    }
    const folder = list.find((f) => f.path === path);
    if (!folder || !folder.selectable) {
      throw new AlphaMailError('AM_FOLDER_NOT_FOUND', 'no such folder', { folder: path });
    }
  }

  /** The folder list when cached (no IMAP needed), else null. */
  cachedFolderList(): FolderInfo[] | null {
    return this.folderList;
  }

  folderInfo(path: string): FolderInfo | null {
    return this.folderList?.find((f) => f.path === path) ?? null;
  }

  /** Keeps the listed counts of an indexed folder equal to its index. */
  private patchCounts(path: string): void {
    const cache = this.folders.get(path);
    const folder = this.folderList?.find((f) => f.path === path);
    if (!cache || !folder) return;
    folder.total = cache.index.count;
    folder.unread = cache.index.unreadCount();
  }

  /** Called after any change to an index: counts, persistence, and the snippet filler. */
  indexChanged(path: string): void {
    this.patchCounts(path);
    const cache = this.folders.get(path);
    if (this.store !== null && cache?.isDirty === true) {
      this.saves.changed(cache.hasStructuralChanges ? 'structural' : 'minor');
    }
    if (path === this.selected) this.live.scheduleFiller(path);
  }

  isSelected(path: string): boolean {
    return this.selected === path;
  }

  emitMail(folder: string, uid: number): void {
    this.mail.emit('mail', { folder, uid });
  }

  onMail(listener: (event: { folder: string; uid: number }) => void): () => void {
    this.mail.on('mail', listener);
    return () => this.mail.off('mail', listener);
  }

  /** Called once when the session ends (logout, idle timeout, shutdown). */
  onClosed(listener: () => void): () => void {
    this.mail.once('closed', listener);
    return () => this.mail.off('closed', listener);
  }

  private refreshFolderListInBackground(): void {
    if (this.closed || !isFolderListRefreshDue(Date.now(), this.lastUsedMs, this.folderListAt)) {
      return;
    }
    this.run('refreshFolders', 'background', async (client) => {
      await this.reloadFolderList(client);
      return { value: undefined };
    }).catch((err: unknown) => this.logger.debug({ err }, 'folder list refresh failed'));
  }

  /** Writes every folder index changed since its last save, one at a time. */
  private async saveDirty(): Promise<void> {
    const store = this.store;
    if (store === null) return;
    for (const cache of [...this.folders.values()]) {
      if (!cache.isDirty) continue;
      const { changeCount, version } = cache.index;
      try {
        await store.save(this.account, cache.index);
        cache.savedChangeCount = changeCount;
        cache.savedVersion = version;
      } catch (err) {
        this.logger.error({ err, folder: cache.index.state.path }, 'saving an index failed');
      }
    }
  }

  stats(): {
    selectedFolder: string | null;
    indexedFolders: number;
    indexedMessages: number;
    snippetsPending: number;
    isConnected: boolean;
  } {
    let indexedMessages = 0;
    let snippetsPending = 0;
    for (const cache of this.folders.values()) {
      indexedMessages += cache.index.count;
      snippetsPending += cache.index.pendingSnippets();
    }
    return {
      selectedFolder: this.selected,
      indexedFolders: this.folders.size,
      indexedMessages,
      snippetsPending,
      isConnected: this.isConnected,
    };
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Saves indexes and logs out; never throws. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.refreshTimer);
    this.live.stop();
    await this.preloading;
    const client = this.client;
    // Read marks still waiting for a pause reach the server before the index that shows them
    // read is saved: a saved "read" the server never got would not be corrected by a resync.
    if (client) {
      await withDeadline(logoutBudgetMs, 'storeSeen', () => this.seen.storeNow(client)).catch(
        () => undefined,
      );
    }
    await this.saves.close();
    this.mail.emit('closed');
    this.mail.removeAllListeners();
    this.client = null;
    if (!client) return;
    try {
      await withDeadline(logoutBudgetMs, 'logout', () => client.logout());
    } catch {
      client.close();
    }
  }
}
