// Owns what the webcache keeps per folder: its index, the sorted orders of it, and whether it
// changed since it was saved. Must not talk IMAP.
import { FolderIndex, type FolderState } from '../index/folder-index.js';
import { SortCache } from '../index/sorting.js';

export class FolderCache {
  readonly sort: SortCache;
  /** index.changeCount when it was last written to SQLite. */
  savedChangeCount: number;

  constructor(readonly index: FolderIndex) {
    this.sort = new SortCache(index);
    this.savedChangeCount = index.changeCount;
  }

  static empty(state: FolderState): FolderCache {
    return new FolderCache(new FolderIndex(state));
  }

  get isDirty(): boolean {
    return this.index.changeCount !== this.savedChangeCount;
  }
}
