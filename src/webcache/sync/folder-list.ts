// Owns the folder list of a session: LIST with STATUS counts (LIST-STATUS where offered) and
// subscriptions, described and ordered by mailbox/. Must not select folders.
import type { ImapFlow } from 'imapflow';
import type { DomainConfig } from '../../config/index.js';
import { describeFolders } from '../../mailbox/index.js';
import type { FolderInfo } from '../../protocol/index.js';

export async function fetchFolderList(
  client: ImapFlow,
  domain: DomainConfig,
): Promise<FolderInfo[]> {
  const listed = await client.list({ statusQuery: { messages: true, unseen: true } });
  const byPath = new Map(listed.map((entry) => [entry.path, entry]));
  const described = describeFolders(
    listed.map((entry) => ({
      path: entry.path,
      delimiter: entry.delimiter,
      specialUse: entry.specialUse ?? null,
      flags: [...entry.flags],
    })),
    { prefix: domain.prefix, separator: domain.separator },
  );
  return described.map((d) => {
    const entry = byPath.get(d.path);
    const flags = new Set([...(entry?.flags ?? [])].map((f) => f.toLowerCase()));
    return {
      path: d.path,
      displayParts: d.displayParts,
      name: d.name,
      depth: d.depth,
      specialUse: d.specialUse,
      selectable: !flags.has('\\noselect') && !flags.has('\\nonexistent'),
      subscribed: entry?.subscribed ?? false,
      total: entry?.status?.messages ?? null,
      unread: entry?.status?.unseen ?? null,
    };
  });
}
