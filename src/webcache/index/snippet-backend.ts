// Owns where message previews live, seen from a folder index: an interface keyed by folder,
// UIDVALIDITY and UID, and the in-memory implementation used before a folder is attached to the
// SQLite store (cold previews, tests). Must not decide when snippets are fetched: sync/ does.

/**
 * Snippets are looked up per row shown, never scanned: the index keeps one "known" bit per
 * message, so the text itself can live on disk (persist/snippet-store.ts) and cost no RAM.
 */
export interface SnippetBackend {
  get(folder: string, uidValidity: number, uid: number): string | null;
  put(folder: string, uidValidity: number, uid: number, snippet: string): void;
  remove(folder: string, uidValidity: number, uids: readonly number[]): void;
  removeFolder(folder: string, uidValidity: number): void;
}

function keyOf(folder: string, uidValidity: number, uid: number): string {
  return `${folder}\u0000${uidValidity}\u0000${uid}`;
}

/** Keeps snippets in a Map: for short-lived indexes and for tests. */
export class MemorySnippets implements SnippetBackend {
  private readonly byKey = new Map<string, string>();

  get(folder: string, uidValidity: number, uid: number): string | null {
    return this.byKey.get(keyOf(folder, uidValidity, uid)) ?? null;
  }

  put(folder: string, uidValidity: number, uid: number, snippet: string): void {
    this.byKey.set(keyOf(folder, uidValidity, uid), snippet);
  }

  remove(folder: string, uidValidity: number, uids: readonly number[]): void {
    for (const uid of uids) this.byKey.delete(keyOf(folder, uidValidity, uid));
  }

  removeFolder(folder: string, uidValidity: number): void {
    const prefix = `${folder}\u0000${uidValidity}\u0000`;
    for (const key of [...this.byKey.keys()]) if (key.startsWith(prefix)) this.byKey.delete(key);
  }

  get size(): number {
    return this.byKey.size;
  }
}
