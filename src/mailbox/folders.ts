// Owns how IMAP folder paths are shown and ordered: prefix removal, nesting, special-use
// ranking, friendly names, and building paths for new folders. Pure: no network, no disk.
import { AlphaMailError } from '../base/index.js';

/** Same strings as `specialUse` in protocol/schemas.ts (mailbox must not import protocol). */
export type SpecialUse =
  'inbox' | 'drafts' | 'sent' | 'junk' | 'trash' | 'archive' | 'all' | 'flagged';

export interface FolderInput {
  /** Full IMAP path, already decoded to UTF-8 (imapflow decodes modified UTF-7). */
  readonly path: string;
  /** The server's hierarchy delimiter for this folder; null (NIL) falls back to the domain's. */
  readonly delimiter: string | null;
  /** The server's special-use attribute, e.g. "\\Sent", or null. */
  readonly specialUse: string | null;
  readonly flags?: readonly string[];
}

/** The domain's folder layout from alphamail_config, e.g. `[INBOX.]` → prefix "INBOX.", ".". */
export interface FolderDomain {
  readonly prefix: string;
  readonly separator: string;
}

export interface FolderDescription {
  /** The IMAP path this describes, unchanged. */
  path: string;
  /** Path segments shown to the user: prefix removed, "INBOX" as "Inbox", friendly names. */
  displayParts: string[];
  /** Shown name of the folder itself (the last display part). */
  name: string;
  /** Nesting depth below the prefix, 0 at top level. */
  depth: number;
  specialUse: SpecialUse | null;
  /** Special use of the top-level folder this one sits under (its own at depth 0); for sorting. */
  rootSpecialUse: SpecialUse | null;
}

/** Top-level special-use folders come first, in this order (compareFolders). */
const rankedUses: readonly SpecialUse[] = ['inbox', 'drafts', 'sent', 'junk', 'trash', 'archive'];

const friendlyNames: Partial<Record<SpecialUse, string>> = {
  inbox: 'Inbox',
  drafts: 'Drafts',
  sent: 'Sent',
  junk: 'Junk',
  trash: 'Trash',
  archive: 'Archive',
};

/** RFC 6154 attributes, plus "\Inbox" which imapflow reports for INBOX. Compared lowercased. */
const serverAttributes: Readonly<Record<string, SpecialUse>> = {
  '\\inbox': 'inbox',
  '\\drafts': 'drafts',
  '\\sent': 'sent',
  '\\junk': 'junk',
  '\\trash': 'trash',
  '\\archive': 'archive',
  '\\all': 'all',
  '\\flagged': 'flagged',
};

/** Names clients have used for special folders, for servers without SPECIAL-USE (RFC 6154). */
const wellKnownNames: readonly (readonly [string, SpecialUse])[] = [
  ['drafts', 'drafts'],
  ['sent', 'sent'],
  ['sent items', 'sent'],
  ['sent messages', 'sent'],
  ['junk', 'junk'],
  ['spam', 'junk'],
  ['junk e-mail', 'junk'],
  ['trash', 'trash'],
  ['deleted items', 'trash'],
  ['deleted messages', 'trash'],
  ['archive', 'archive'],
  ['archives', 'archive'],
];

function useFromServer(input: FolderInput): SpecialUse | null {
  const candidates = [input.specialUse, ...(input.flags ?? [])];
  for (const candidate of candidates) {
    const use = candidate === null ? undefined : serverAttributes[candidate.toLowerCase()];
    if (use) return use;
  }
  return null;
}

/** Index into wellKnownNames (lower is the better guess), or -1. */
function wellKnownIndex(name: string): number {
  const lower = name.toLowerCase();
  return wellKnownNames.findIndex(([known]) => known === lower);
}

function useFromName(name: string): SpecialUse | null {
  return wellKnownNames[wellKnownIndex(name)]?.[1] ?? null;
}

function isInbox(segment: string): boolean {
  // RFC 3501 §5.1: INBOX is case-insensitive, every other name is not.
  return segment.toUpperCase() === 'INBOX';
}

/** The path below the prefix, or null when the folder lies outside it. */
function belowPrefix(path: string, prefix: string): string | null {
  if (prefix === '') return path;
  if (path.length <= prefix.length) return null;
  if (path.startsWith(prefix)) return path.slice(prefix.length);
  const head = path.slice(0, prefix.length);
  if (isInbox(prefix.slice(0, 5)) && isInbox(head.slice(0, 5)) && head.slice(5) === prefix.slice(5))
    return path.slice(prefix.length);
  return null;
}

interface Layout {
  parts: string[];
  /** True when the top-level segment is a name a user created below the prefix. */
  isUserTopLevel: boolean;
}

function layout(input: FolderInput, domain: FolderDomain): Layout {
  const separator = input.delimiter ?? domain.separator;
  const split = (p: string): string[] => (separator === '' ? [p] : p.split(separator));
  if (isInbox(input.path)) return { parts: ['Inbox'], isUserTopLevel: false };
  const below = belowPrefix(input.path, domain.prefix);
  if (below !== null && !(domain.prefix === '' && isInbox(split(below)[0] ?? ''))) {
    return { parts: split(below), isUserTopLevel: true };
  }
  const parts = split(input.path);
  if (isInbox(parts[0] ?? '')) parts[0] = 'Inbox';
  return { parts, isUserTopLevel: false };
}

/** Whether a top-level name may stand for a special use (describeFolders narrows this). */
type GuessPolicy = (use: SpecialUse, topName: string) => boolean;

function describe(
  input: FolderInput,
  domain: FolderDomain,
  mayGuess: GuessPolicy,
): FolderDescription {
  const { parts, isUserTopLevel } = layout(input, domain);
  const depth = parts.length - 1;
  const top = parts[0] ?? '';
  const guess = isUserTopLevel ? useFromName(top) : null;
  const guessed = guess !== null && mayGuess(guess, top) ? guess : null;
  const specialUse: SpecialUse | null = isInbox(input.path)
    ? 'inbox'
    : (useFromServer(input) ?? (depth === 0 ? guessed : null));
  const rootSpecialUse: SpecialUse | null =
    depth === 0 ? specialUse : top === 'Inbox' && !isUserTopLevel ? 'inbox' : guessed;
  const displayParts = [...parts];
  const rootFriendly = rootSpecialUse === null ? undefined : friendlyNames[rootSpecialUse];
  if (rootFriendly !== undefined) displayParts[0] = rootFriendly;
  const ownFriendly = specialUse === null ? undefined : friendlyNames[specialUse];
  if (ownFriendly !== undefined) displayParts[depth] = ownFriendly;
  return {
    path: input.path,
    displayParts,
    name: displayParts[depth] ?? '',
    depth,
    specialUse,
    rootSpecialUse,
  };
}

/**
 * Describes one folder on its own. Without a SPECIAL-USE attribute, a well-known name at top
 * level below the prefix ("Sent Items", "Spam", …) is taken as that special folder.
 */
export function describeFolder(input: FolderInput, domain: FolderDomain): FolderDescription {
  return describe(input, domain, () => true);
}

/**
 * Describes a whole LIST reply and sorts it. Unlike describeFolder, it never guesses a use by
 * name when the server marked a folder with it, guesses each use for one top-level name only
 * (the best-known name wins: "Sent" before "Sent Items"), and gives children the special use
 * their listed parent has.
 */
export function describeFolders(
  inputs: readonly FolderInput[],
  domain: FolderDomain,
): FolderDescription[] {
  const fromServer = new Set(inputs.map(useFromServer).filter((u) => u !== null));
  const bestGuess = new Map<SpecialUse, { name: string; index: number }>();
  for (const input of inputs) {
    const { parts, isUserTopLevel } = layout(input, domain);
    const top = parts[0] ?? '';
    const use = isUserTopLevel ? useFromName(top) : null;
    if (use === null || fromServer.has(use)) continue;
    if (parts.length === 1 && useFromServer(input) !== null) continue;
    const index = wellKnownIndex(top);
    const current = bestGuess.get(use);
    if (!current || index < current.index) bestGuess.set(use, { name: top, index });
  }
  const mayGuess: GuessPolicy = (use, topName) => bestGuess.get(use)?.name === topName;
  const described = inputs.map((input) => ({
    d: describe(input, domain, mayGuess),
    top: layout(input, domain).parts[0] ?? '',
  }));
  const rootUse = new Map<string, SpecialUse | null>();
  for (const { d, top } of described) if (d.depth === 0) rootUse.set(top, d.specialUse);
  const fixed = described.map(({ d, top }) => {
    const known = d.depth > 0 ? rootUse.get(top) : undefined;
    if (known === undefined) return d;
    const displayParts = [...d.displayParts];
    displayParts[0] = (known === null ? undefined : friendlyNames[known]) ?? top;
    return { ...d, displayParts, name: displayParts[d.depth] ?? '', rootSpecialUse: known };
  });
  return fixed.sort(compareFolders);
}

function rankOf(d: Pick<FolderDescription, 'rootSpecialUse'>): number {
  const rank = d.rootSpecialUse === null ? -1 : rankedUses.indexOf(d.rootSpecialUse);
  return rank < 0 ? rankedUses.length : rank;
}

const collator = new Intl.Collator(undefined, { sensitivity: 'accent', numeric: true });

/**
 * Orders folders for a folder list: Inbox, Drafts, Sent, Junk, Trash, Archive (each with its
 * children right after it), then the rest by display path, case-insensitively.
 */
export function compareFolders(
  a: Pick<FolderDescription, 'displayParts' | 'rootSpecialUse' | 'path'>,
  b: Pick<FolderDescription, 'displayParts' | 'rootSpecialUse' | 'path'>,
): number {
  const byRank = rankOf(a) - rankOf(b);
  if (byRank !== 0) return byRank;
  const shared = Math.min(a.displayParts.length, b.displayParts.length);
  for (let i = 0; i < shared; i++) {
    const byPart = collator.compare(a.displayParts[i] ?? '', b.displayParts[i] ?? '');
    if (byPart !== 0) return byPart;
  }
  if (a.displayParts.length !== b.displayParts.length) {
    return a.displayParts.length - b.displayParts.length;
  }
  // Names equal but for case: keep a stable, total order.
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x20 || unit === 0x7f) return true;
  }
  return false;
}

function checkSegment(segment: string, domain: FolderDomain): void {
  const problem =
    segment.length === 0
      ? 'a folder name is empty'
      : domain.separator !== '' && segment.includes(domain.separator)
        ? `a folder name contains the separator "${domain.separator}"`
        : hasControlCharacter(segment)
          ? 'a folder name contains a control character'
          : /[%*]/.test(segment)
            ? 'a folder name contains "%" or "*" (IMAP LIST wildcards)'
            : null;
  if (problem !== null) throw new AlphaMailError('AM_BAD_REQUEST', problem, { segment });
}

/** The IMAP path of a new folder `childName` inside `parentPath` (null: at top level). */
export function joinFolderPath(
  parentPath: string | null,
  childName: string,
  domain: FolderDomain,
): string {
  checkSegment(childName, domain);
  if (parentPath === null || parentPath === '') return domain.prefix + childName;
  return parentPath + domain.separator + childName;
}

/** The IMAP path for display parts as describeFolder shows them below the prefix. */
export function folderPathFromDisplay(
  displayParts: readonly string[],
  domain: FolderDomain,
): string {
  if (displayParts.length === 0) {
    throw new AlphaMailError('AM_BAD_REQUEST', 'a folder path needs at least one name');
  }
  for (const part of displayParts) checkSegment(part, domain);
  const [first, ...rest] = displayParts as [string, ...string[]];
  if (isInbox(first)) return ['INBOX', ...rest].join(domain.separator);
  return domain.prefix + displayParts.join(domain.separator);
}
