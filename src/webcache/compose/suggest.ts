// Owns address suggestions: the correspondents of the indexed folders, most used first, people
// written to (Sent) weighing more than people written by. Must not do IMAP: the cache suffices.
import type { AlphaMailConfig } from '../../config/index.js';
import type { Address, Params, Result } from '../../protocol/index.js';
import { decodeAddresses } from '../index/folder-index.js';
import type { UserSession } from '../session/user-session.js';

/** An address the user wrote to counts this many times one they received mail from. */
export const sentWeight = 3;

export function suggestAddresses(
  session: UserSession,
  _config: AlphaMailConfig,
  p: Params<'suggestAddresses'>,
): Promise<Result<'suggestAddresses'>> {
  const own = session.account.toLowerCase();
  const tally = new Map<string, { address: Address; score: number }>();
  const count = (a: Address, weight: number): void => {
    const key = a.address.toLowerCase();
    if (key === '' || key === own || !key.includes('@')) return;
    const entry = tally.get(key);
    if (entry) {
      entry.score += weight;
      if (entry.address.name === '' && a.name !== '') entry.address = a;
    } else {
      tally.set(key, { address: { name: a.name, address: a.address }, score: weight });
    }
  };
  for (const [path, cache] of session.folders) {
    const isSent = session.folderInfo(path)?.specialUse === 'sent';
    const index = cache.index;
    for (let slot = 0; slot < index.count; slot++) {
      const entry = index.entryAt(slot);
      if (isSent) for (const a of decodeAddresses(entry.to)) count(a, sentWeight);
      else count({ name: entry.fromName, address: entry.fromAddress }, 1);
    }
  }
  const ranked = [...tally.values()].sort(
    (a, b) => b.score - a.score || a.address.address.localeCompare(b.address.address),
  );
  return Promise.resolve({ addresses: ranked.slice(0, p.limit).map((e) => e.address) });
}
