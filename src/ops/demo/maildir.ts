// Owns fast, direct seeding of Maildir++ folders in the layout Dovecot 2.3 expects.
// Must not talk IMAP or start processes: files only; the caller runs doveadm to index them.
import { mkdirSync, utimesSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AlphaMailError } from '../../base/index.js';
import { encodeMailboxName } from '../../mailbox/index.js';
import { namespacePrefix, namespaceSeparator, type DemoNamespace } from './dovecot-config.js';

export type SeedFlag = '\\Seen' | '\\Flagged' | '\\Answered' | '\\Draft';

export interface WriteMessageOptions {
  flags?: readonly SeedFlag[];
  internalDate?: Date;
}

/** Maildir info letters (RFC-less, cr.yp.to/proto/maildir.html); Dovecot wants them sorted. */
const flagLetters: Record<SeedFlag, string> = {
  '\\Draft': 'D',
  '\\Flagged': 'F',
  '\\Answered': 'R',
  '\\Seen': 'S',
};

/** The path components of an IMAP folder name in this namespace; [] for INBOX itself. */
export function folderComponents(folder: string, namespace: DemoNamespace): string[] {
  if (folder === 'INBOX') return [];
  const prefix = namespacePrefix(namespace);
  if (!folder.startsWith(prefix)) {
    throw new AlphaMailError('AM_INTERNAL', `folder ${folder} lacks the prefix ${prefix}`);
  }
  const parts = folder.slice(prefix.length).split(namespaceSeparator(namespace));
  for (const part of parts) {
    // '.' is Maildir++'s own separator on disk, so it cannot be part of a name component.
    if (part === '' || part.includes('.') || part.includes('/')) {
      throw new AlphaMailError('AM_INTERNAL', `folder ${folder}: bad name component "${part}"`);
    }
  }
  return parts;
}

/** Directory of a folder under the Maildir root: the root for INBOX, `.A.B` for A/B. */
export function folderDirectory(maildirRoot: string, folder: string, namespace: DemoNamespace) {
  const parts = folderComponents(folder, namespace);
  if (parts.length === 0) return maildirRoot;
  return join(maildirRoot, '.' + parts.map(encodeMailboxName).join('.'));
}

let sequence = 0;

function ensureFolderDirectory(dir: string, isInbox: boolean): void {
  for (const sub of ['cur', 'new', 'tmp']) mkdirSync(join(dir, sub), { recursive: true });
  if (!isInbox && !existsSync(join(dir, 'maildirfolder'))) {
    writeFileSync(join(dir, 'maildirfolder'), '');
  }
}

/**
 * Creates the folder with cur/new/tmp and its parents too: Maildir++ does not need them, but
 * without them LIST shows a parent as \NonExistent, which is not what a seeded account means.
 */
export function ensureFolder(maildirRoot: string, folder: string, namespace: DemoNamespace) {
  const parts = folderComponents(folder, namespace).map(encodeMailboxName);
  ensureFolderDirectory(maildirRoot, true);
  for (let depth = 1; depth <= parts.length; depth++) {
    ensureFolderDirectory(join(maildirRoot, '.' + parts.slice(0, depth).join('.')), false);
  }
  return folderDirectory(maildirRoot, folder, namespace);
}

/**
 * Writes one message into `cur/` with its flags in the info suffix and the file's mtime set to
 * the internal date (Dovecot reads INTERNALDATE from it). Returns the file path.
 */
export function writeMessage(
  maildirRoot: string,
  folder: string,
  raw: Buffer,
  opts: WriteMessageOptions,
  namespace: DemoNamespace,
): string {
  const dir = ensureFolder(maildirRoot, folder, namespace);
  const date = opts.internalDate ?? new Date();
  const letters = [...new Set((opts.flags ?? []).map((f) => flagLetters[f]))].sort().join('');
  const seconds = Math.floor(date.getTime() / 1000);
  const micros = (date.getTime() % 1000) * 1000;
  sequence += 1;
  // Dovecot orders new files by the time in their name, so UIDs follow the internal dates.
  // S= saves Dovecot a stat() per message.
  const base = `${seconds}.M${micros}P${process.pid}Q${sequence}.alphamail,S=${raw.length}`;
  const path = join(dir, 'cur', `${base}:2,${letters}`);
  writeFileSync(path, raw);
  utimesSync(path, date, date);
  return path;
}

/** Adds folders to the `subscriptions` file (Dovecot 2.3's "V\t2" format), keeping old ones. */
export function subscribeFolders(
  maildirRoot: string,
  folders: readonly string[],
  namespace: DemoNamespace,
): void {
  const path = join(maildirRoot, 'subscriptions');
  const existing = existsSync(path)
    ? readFileSync(path, 'utf8')
        .split('\n')
        .slice(2)
        .filter((l) => l !== '')
    : [];
  const lines = new Set(existing);
  for (const folder of folders) {
    const parts = folderComponents(folder, namespace);
    // Parents are created too, so they are subscribed too.
    for (let depth = 1; depth <= parts.length; depth++) {
      lines.add(parts.slice(0, depth).map(encodeMailboxName).join('\t'));
    }
    if (parts.length === 0) lines.add('INBOX');
  }
  writeFileSync(path, `V\t2\n\n${[...lines].join('\n')}\n`);
}
