// Owns the contract for searching mail: criteria, scope (one folder or all), sorted and paged
// results with each hit's folder. Must not import anything but zod and shapes.ts.
import { z } from 'zod';
import {
  folderPath,
  messageSummary,
  pagePosition,
  pageRequest,
  sortField,
  sortOrder,
  withSession,
} from './shapes.js';

/** A search term longer than this is not something a person typed. */
export const maxSearchTermChars = 200;

/** A search term; '' means the criterion is not used. */
const term = z.string().max(maxSearchTermChars);
/** A calendar day, YYYY-MM-DD, compared with the Date header's own day (RFC 3501 §6.4.4). */
export const searchDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((day) => new Date(`${day}T00:00:00Z`).toISOString().startsWith(day), 'no such day');

export const searchCriteria = z.object({
  from: term,
  to: term,
  subject: term,
  /** Words in the body (IMAP BODY). */
  body: term,
  /** Words anywhere: headers or body (IMAP TEXT). */
  text: term,
  /** Sent on or after this day (SENTSINCE). */
  since: searchDay.nullable(),
  /** Sent before this day, not on it (SENTBEFORE). */
  before: searchDay.nullable(),
  unread: z.boolean(),
  flagged: z.boolean(),
  hasAttachment: z.boolean(),
});
export type SearchCriteria = z.infer<typeof searchCriteria>;

export const searchScope = z.enum(['folder', 'all']);
export type SearchScope = z.infer<typeof searchScope>;

/** One message found, with the folder it is in (all-folders results mix folders). */
export const searchHit = messageSummary.extend({ folder: z.string() });
export type SearchHit = z.infer<typeof searchHit>;

/** A hit named by where it is, without its summary. */
export const hitRef = z.object({ folder: z.string(), uid: z.number().int().min(1) });
export type HitRef = z.infer<typeof hitRef>;

/** What names one search: the same fields give the same kept result. */
const searchRequest = {
  scope: searchScope,
  /** The folder searched with scope 'folder'; ignored with 'all'. */
  folder: folderPath,
  criteria: searchCriteria,
};

export const searchMethods = {
  /**
   * Runs the search on the IMAP server, then sorts and pages in the webcache. The same search
   * (scope, folder, criteria) is answered from the session's cache while its folders are
   * unchanged, so paging and re-sorting send no IMAP command.
   */
  search: {
    params: z.object({
      ...withSession,
      ...searchRequest,
      sort: sortField,
      order: sortOrder,
      ...pageRequest,
    }),
    result: z.object({
      /** Names this search's cached result: the same scope, folder and criteria, the same id. */
      resultId: z.string(),
      scope: searchScope,
      /** Folders searched, in the order of the folder list. */
      folders: z.array(z.string()),
      total: z.number().int().min(0),
      ...pagePosition,
      hits: z.array(searchHit),
    }),
  },
  /**
   * Where one message stands among a search's hits in the given order, and the hits just before
   * and after it, so a message opened from the results walks them. Answered like `search`: from
   * the kept result while its folders are unchanged, else by searching again.
   */
  searchNeighbours: {
    params: z.object({
      ...withSession,
      ...searchRequest,
      sort: sortField,
      order: sortOrder,
      hit: hitRef,
    }),
    result: z.object({
      total: z.number().int().min(0),
      /** 0-based, in the given order; null when the message is not (or no longer) a hit. */
      position: z.number().int().min(0).nullable(),
      prev: hitRef.nullable(),
      next: hitRef.nullable(),
    }),
  },
} as const;
