// Owns the scripted webcache's answers to `search` and `searchNeighbours`, for the web tier's unit
// tests: it records each call's params and pages (or walks) a fixed list of hits in its own order.
// Must not pretend to search anything.
import { AlphaMailError } from '../../src/base/index.js';
import type { MethodHandlers, Params, SearchHit } from '../../src/protocol/index.js';

/** Hits every search finds (except the text "nothing", which finds none). */
export const scriptedHitCount = 60;

/** Every search call the scripted webcache received, in order (tests clear it). */
export const searchCalls: Omit<Params<'search'>, 'session'>[] = [];
/** Every searchNeighbours call, in order (tests clear it). */
export const neighbourCalls: Omit<Params<'searchNeighbours'>, 'session'>[] = [];

export const scriptedHits: SearchHit[] = Array.from({ length: scriptedHitCount }, (_, i) => ({
  uid: 100 + i,
  folder: i % 2 === 0 ? 'INBOX' : 'Work/Projects',
  from: [{ name: i === 0 ? 'Eve <x>' : `Sender ${i}`, address: `s${i}@example.org` }],
  to: [],
  subject: i === 0 ? '<b>bold</b> & "quoted"' : `Result ${i}`,
  snippet: null,
  date: new Date(Date.UTC(2024, 0, 1 + i)).toISOString(),
  size: 1000 + i,
  isUnread: i % 3 === 0,
  isFlagged: false,
  isAnswered: false,
  isDraft: false,
  hasAttachments: i % 5 === 0,
}));

export function searchHandlers(
  calls: string[],
  known: (session: string) => void,
): Pick<MethodHandlers, 'search' | 'searchNeighbours'> {
  /** Records the call and its params; the hits it finds, or a throw for an unknown folder. */
  const received = <M extends 'search' | 'searchNeighbours'>(
    method: M,
    p: Params<M>,
    log: Omit<Params<M>, 'session'>[],
  ): SearchHit[] => {
    calls.push(method);
    known(p.session);
    const rest: Partial<Params<M>> = { ...p };
    delete rest.session;
    log.push(rest as Omit<Params<M>, 'session'>);
    if (p.scope === 'folder' && !['INBOX', 'Work', 'Work/Projects'].includes(p.folder)) {
      throw new AlphaMailError('AM_FOLDER_NOT_FOUND', 'no folder');
    }
    return p.criteria.text === 'nothing' ? [] : scriptedHits;
  };
  return {
    searchNeighbours: (p) => {
      const all = received('searchNeighbours', p, neighbourCalls);
      const at = all.findIndex((h) => h.folder === p.hit.folder && h.uid === p.hit.uid);
      const ref = (h: SearchHit | undefined) => (h ? { folder: h.folder, uid: h.uid } : null);
      return Promise.resolve({
        total: all.length,
        position: at < 0 ? null : at,
        prev: at < 0 ? null : ref(all[at - 1]),
        next: at < 0 ? null : ref(all[at + 1]),
      });
    },
    search: (p) => {
      const all = received('search', p, searchCalls);
      const pageCount = Math.max(1, Math.ceil(all.length / p.pageSize));
      const page = Math.min(p.page, pageCount);
      return Promise.resolve({
        resultId: 'scripted-result',
        scope: p.scope,
        folders: p.scope === 'all' ? ['INBOX', 'Work', 'Work/Projects'] : [p.folder],
        total: all.length,
        page,
        pageCount,
        hits: all.slice((page - 1) * p.pageSize, page * p.pageSize),
      });
    },
  };
}
