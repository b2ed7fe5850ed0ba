// Owns what the webcache keeps per folder: its index, the sorted orders of it, the last few
// messages read, and whether it changed since it was saved. Must not talk IMAP.
import { FolderIndex, type FolderState } from '../index/folder-index.js';
import { ReaderCache } from '../index/reader-cache.js';
import { SortCache } from '../index/sorting.js';
import type { LoadedMessage } from '../imap/message-view.js';

export class FolderCache {
  readonly sort: SortCache;
  /** Decoded reader views by UID; a new UIDVALIDITY makes a new FolderCache, so never stale. */
  readonly reader = new ReaderCache<LoadedMessage>();
  /** index.changeCount when it was last written to SQLite. */
  savedChangeCount: number;
  /** index.version (messages added or removed) when it was last written to SQLite. */
  savedVersion: number;

  constructor(readonly index: FolderIndex) {
    this.sort = new SortCache(index);
    this.savedChangeCount = index.changeCount;
    this.savedVersion = index.version;
  }

  static empty(state: FolderState): FolderCache {
    return new FolderCache(new FolderIndex(state));
  }

  get isDirty(): boolean {
    return this.index.changeCount !== this.savedChangeCount;
  }

  /** Messages were added or removed since the last save (not only flags or sync state). */
  get hasStructuralChanges(): boolean {
    return this.index.version !== this.savedVersion;
  }
}
