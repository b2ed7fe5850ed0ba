// Owns the table of live sessions by session key: login (replacing an older session of the same
// key), lookup, logout, and logging out sessions idle past imapIdleTimeoutMinutes.
// Must not keep passwords anywhere but inside the live UserSession objects.
import { AlphaMailError, type Logger } from '../../base/index.js';
import type { AlphaMailConfig } from '../../config/index.js';
import type { IndexStore } from '../persist/index-store.js';
import { UserSession } from './user-session.js';

/** How often idle sessions are looked for. */
export const idleSweepMs = 30_000;

export class SessionRegistry {
  private readonly sessions = new Map<string, UserSession>();
  private readonly sweepTimer: NodeJS.Timeout;

  constructor(
    private readonly config: AlphaMailConfig,
    private readonly store: IndexStore | null,
    private readonly logger: Logger,
    /** Told the kind of every IMAP command a session sends (for metrics). */
    private readonly onImapCommand: (kind: string) => void = () => undefined,
  ) {
    this.sweepTimer = setInterval(() => this.logoutIdle(), idleSweepMs);
    this.sweepTimer.unref();
  }

  get size(): number {
    return this.sessions.size;
  }

  /** Keys of the sessions held now (for the sweeper's list of live spools). */
  keys(): string[] {
    return [...this.sessions.keys()];
  }

  async login(
    key: string,
    user: string,
    domainName: string,
    password: string,
  ): Promise<UserSession> {
    const domain = this.config.domains.find(
      (d) => d.domain.toLowerCase() === domainName.toLowerCase(),
    );
    if (!domain) throw new AlphaMailError('AM_DOMAIN_UNKNOWN', 'domain not configured');
    const session = await UserSession.open({
      key,
      domain,
      user,
      password,
      logger: this.logger,
      store: this.store,
      onImapCommand: this.onImapCommand,
    });
    const previous = this.sessions.get(key);
    this.sessions.set(key, session);
    if (previous) await previous.close();
    return session;
  }

  get(key: string): UserSession {
    const session = this.sessions.get(key);
    if (!session || session.isClosed) {
      throw new AlphaMailError('AM_SESSION_UNKNOWN', 'no such session');
    }
    return session;
  }

  find(key: string): UserSession | null {
    return this.sessions.get(key) ?? null;
  }

  async logout(key: string): Promise<boolean> {
    const session = this.sessions.get(key);
    if (!session) return false;
    this.sessions.delete(key);
    await session.close();
    return true;
  }

  private logoutIdle(): void {
    const limitMs = this.config.imapIdleTimeoutMinutes * 60_000;
    const now = Date.now();
    for (const [key, session] of this.sessions) {
      if (now - session.lastUsedMs < limitMs) continue;
      this.logger.info({ account: session.account }, 'logging out an idle IMAP session');
      this.sessions.delete(key);
      void session.close();
    }
  }

  async closeAll(): Promise<void> {
    clearInterval(this.sweepTimer);
    const all = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(all.map((s) => s.close()));
  }
}
