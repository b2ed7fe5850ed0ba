// Owns the stateless baseline: classic web mail that signs in, selects and fetches on every page
// view, then logs out. A measuring stick for the benchmark, never a mode of the product.
import { ImapLite, parseSexp, quote, type Sexp } from './imap-lite.js';

export type BenchSortField = 'date' | 'from' | 'subject' | 'size';
export type BenchSortOrder = 'asc' | 'desc';

export interface BaselineTarget {
  host: string;
  port: number;
  user: string;
  password: string;
}

/** RFC 5256 sort keys for each column the index page sorts by. */
const sortKeys: Record<BenchSortField, string> = {
  date: 'DATE',
  from: 'FROM',
  subject: 'SUBJECT',
  size: 'SIZE',
};

/** What a page view brought back, so callers can check it did real work. */
export interface BaselinePage {
  total: number;
  uids: number[];
}

async function withSession<T>(
  target: BaselineTarget,
  work: (imap: ImapLite) => Promise<T>,
): Promise<T> {
  const imap = await ImapLite.open(target.host, target.port);
  try {
    await imap.ok(`LOGIN ${quote(target.user)} ${quote(target.password)}`);
    await imap.ok('SELECT "INBOX"');
    const result = await work(imap);
    await imap.ok('LOGOUT');
    return result;
  } finally {
    imap.close();
  }
}

/** One index page: server-side SORT of the whole folder, then the page's envelopes. */
export async function baselineIndexPage(
  target: BaselineTarget,
  view: { sort: BenchSortField; order: BenchSortOrder; page: number; pageSize: number },
): Promise<BaselinePage> {
  return withSession(target, async (imap) => {
    const key = (view.order === 'desc' ? 'REVERSE ' : '') + sortKeys[view.sort];
    const sorted = await imap.ok(`UID SORT (${key}) UTF-8 ALL`);
    const all = sorted
      .filter((l) => l.startsWith('* SORT'))
      .flatMap((l) => l.slice('* SORT'.length).trim().split(' '))
      .filter((t) => t !== '')
      .map(Number);
    const start = (view.page - 1) * view.pageSize;
    const uids = all.slice(start, start + view.pageSize);
    if (uids.length > 0) {
      const lines = await imap.ok(
        `UID FETCH ${uids.join(',')} (UID FLAGS ENVELOPE RFC822.SIZE INTERNALDATE)`,
      );
      const fetched = lines.filter((l) => / FETCH \(/.test(l)).length;
      if (fetched !== uids.length) {
        throw new Error(`baseline fetched ${fetched} envelopes for ${uids.length} UIDs`);
      }
    }
    return { total: all.length, uids };
  });
}

/** Part number (RFC 3501 §6.4.5) of the first text/* leaf of a BODYSTRUCTURE, or null. */
export function firstTextPart(structure: Sexp, path: number[] = []): string | null {
  if (!Array.isArray(structure)) return null;
  if (Array.isArray(structure[0])) {
    // multipart: children first, then the subtype string.
    for (let i = 0; i < structure.length && Array.isArray(structure[i]); i++) {
      const found = firstTextPart(structure[i] as Sexp, [...path, i + 1]);
      if (found !== null) return found;
    }
    return null;
  }
  const type = typeof structure[0] === 'string' ? structure[0].toLowerCase() : '';
  if (type !== 'text') return null;
  return path.length === 0 ? '1' : path.join('.');
}

function bodyStructureOf(lines: string[]): Sexp {
  for (const line of lines) {
    const match = / FETCH \(/.exec(line);
    if (!match) continue;
    const items = parseSexp(line.slice(match.index + ' FETCH '.length))[0];
    if (!Array.isArray(items)) continue;
    for (let i = 0; i + 1 < items.length; i += 2) {
      if (items[i] === 'BODYSTRUCTURE') return items[i + 1] ?? null;
    }
  }
  return null;
}

/** One message page: envelope and structure, then the first text part (PEEK: runs repeat). */
export async function baselineMessagePage(
  target: BaselineTarget,
  uid: number,
): Promise<{ textBytes: number }> {
  return withSession(target, async (imap) => {
    const head = await imap.ok(`UID FETCH ${uid} (UID FLAGS ENVELOPE BODYSTRUCTURE)`);
    const part = firstTextPart(bodyStructureOf(head));
    if (part === null) return { textBytes: 0 };
    const body = await imap.ok(`UID FETCH ${uid} (BODY.PEEK[${part}])`);
    const literal = /\{(\d+)\}\r\n/.exec(body.join('\n'));
    return { textBytes: literal ? Number(literal[1]) : 0 };
  });
}
