// Owns keeping the selected folder's index live: IDLE's EXISTS fetches the new UIDs, EXPUNGE /
// VANISHED and FETCH FLAGS update it, and the background filler fetches missing snippets.
// Must not select another folder: background work only touches the folder already selected.
import type { ExistsEvent, ExpungeEvent, FlagsEvent, ImapFlow } from 'imapflow';
import { flagBitsOf } from '../imap/index-fetch.js';
import type { UserSession } from '../session/user-session.js';
import { fetchNewMessages } from './folder-sync.js';
import { fetchSnippets, pendingSnippetUids } from './snippets.js';

/** Snippets fetched per background step; user requests run between steps. */
export const fillerBatch = 200;

export class LiveSync {
  private isNewMailQueued = false;
  private isFillerQueued = false;
  private stopped = false;

  constructor(private readonly session: UserSession) {}

  attach(client: ImapFlow): void {
    client.on('exists', (event: ExistsEvent) => this.onExists(event));
    client.on('expunge', (event: ExpungeEvent) => this.onExpunge(event));
    client.on('flags', (event: FlagsEvent) => this.onFlags(event));
  }

  stop(): void {
    this.stopped = true;
  }

  /** Runs `work` only if `path` is still the selected folder on this connection. */
  private inSelected(
    what: string,
    path: string,
    priority: 'user' | 'background',
    work: (client: ImapFlow) => Promise<void>,
  ): Promise<void> {
    return this.session.run(what, priority, async (client) => {
      if (!this.session.isSelected(path) || !client.mailbox || client.mailbox.path !== path) {
        return { value: undefined };
      }
      await work(client);
      return { value: undefined };
    });
  }

  private onExists(event: ExistsEvent): void {
    const cache = this.session.folders.get(event.path);
    if (!cache || !this.session.isSelected(event.path) || event.count <= cache.index.count) return;
    if (this.isNewMailQueued || this.stopped) return;
    this.isNewMailQueued = true;
    // User priority: the next page view waits for it instead of showing stale mail.
    this.inSelected('newMail', event.path, 'user', async (client) => {
      this.isNewMailQueued = false;
      const uids = await fetchNewMessages(client, cache);
      if (uids.length === 0) return;
      await fetchSnippets(client, cache.index, uids);
      this.session.indexChanged(event.path);
      for (const uid of uids) this.session.emitMail(event.path, uid);
    })
      .catch((err: unknown) => this.session.logger.warn({ err }, 'fetching new mail failed'))
      .finally(() => {
        this.isNewMailQueued = false;
      });
  }

  private uidOf(path: string, uid: number | undefined, seq: number | undefined): number | null {
    if (uid !== undefined) return uid;
    // A sequence number maps to a slot only while the index mirrors the selected mailbox.
    const cache = this.session.folders.get(path);
    if (!cache || seq === undefined || !this.session.isSelected(path)) return null;
    return seq >= 1 && seq <= cache.index.count ? cache.index.uidAt(seq - 1) : null;
  }

  private onExpunge(event: ExpungeEvent): void {
    const cache = this.session.folders.get(event.path);
    const uid = this.uidOf(event.path, event.uid, event.seq);
    if (!cache || uid === null) return;
    if (cache.index.removeUids([uid]) > 0) this.session.indexChanged(event.path);
  }

  private onFlags(event: FlagsEvent): void {
    const cache = this.session.folders.get(event.path);
    const uid = this.uidOf(event.path, event.uid, event.seq);
    if (!cache || uid === null) return;
    if (cache.index.setFlags(uid, flagBitsOf(event.flags))) this.session.indexChanged(event.path);
  }

  /** Queues one background step of snippet fetching for the selected folder. */
  scheduleFiller(path: string): void {
    const cache = this.session.folders.get(path);
    if (this.isFillerQueued || this.stopped || !cache || cache.index.pendingSnippets() === 0) {
      return;
    }
    this.isFillerQueued = true;
    this.inSelected('snippets', path, 'background', async (client) => {
      this.isFillerQueued = false;
      const uids = pendingSnippetUids(cache.index, fillerBatch);
      if (uids.length === 0) return;
      await fetchSnippets(client, cache.index, uids);
      this.session.indexChanged(path);
    })
      .catch((err: unknown) => this.session.logger.debug({ err }, 'snippet filler step failed'))
      .finally(() => {
        this.isFillerQueued = false;
      });
  }
}
