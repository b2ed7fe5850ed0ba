// Owns fetching previews: the first bytes of each message's first text part by partial
// BODY.PEEK[<part>]<0.N>, decoded with mime/. Must not fetch whole messages or whole parts.
import type { ImapFlow } from 'imapflow';
import { cooperativeYielder } from '../../base/index.js';
import { snippetFromPartialPart } from '../../mime/index.js';
import { chunks, uidSet } from '../imap/uid-set.js';
import type { FolderIndex } from '../index/folder-index.js';

/** Bytes of a text part fetched for its preview: enough for ~100 characters after markup. */
export const snippetBytes = 2048;
/** Messages per snippet FETCH command. */
export const snippetFetchChunk = 100;

/** Fetches and stores snippets of `uids` (those without one); one UID FETCH per part number. */
export async function fetchSnippets(
  client: ImapFlow,
  index: FolderIndex,
  uids: readonly number[],
): Promise<void> {
  const byPart = new Map<string, number[]>();
  for (const uid of uids) {
    const slot = index.slotOf(uid);
    if (slot < 0 || index.hasSnippetAt(slot)) continue;
    const { part } = index.textPartAt(slot);
    const list = byPart.get(part) ?? [];
    list.push(uid);
    byPart.set(part, list);
  }
  const yieldNow = cooperativeYielder();
  for (const [part, group] of byPart) {
    for (const chunk of chunks(group, snippetFetchChunk)) {
      const answered = new Set<number>();
      const query = { uid: true, bodyParts: [{ key: part, start: 0, maxLength: snippetBytes }] };
      for await (const message of client.fetch(uidSet(chunk), query, { uid: true })) {
        await yieldNow();
        const slot = index.slotOf(message.uid);
        if (slot < 0) continue;
        const bytes = message.bodyParts?.get(part.toLowerCase()) ?? Buffer.alloc(0);
        const text = index.textPartAt(slot);
        let snippet = '';
        try {
          snippet = snippetFromPartialPart(bytes, {
            encoding: text.encoding || null,
            charset: text.charset || null,
            subtype: text.subtype,
          });
        } catch {
          // An undecodable preview is shown as none; the reader still shows what it can.
        }
        index.setSnippet(message.uid, snippet);
        answered.add(message.uid);
      }
      // No answer for a UID: it was expunged meanwhile, or the part is empty. Do not ask again.
      for (const uid of chunk) if (!answered.has(uid)) index.setSnippet(uid, '');
    }
  }
}

/** Newest messages first: those are the ones a reader looks at next. */
export function pendingSnippetUids(index: FolderIndex, limit: number): number[] {
  const out: number[] = [];
  for (let slot = index.count - 1; slot >= 0 && out.length < limit; slot--) {
    if (!index.hasSnippetAt(slot)) out.push(index.uidAt(slot));
  }
  return out;
}
