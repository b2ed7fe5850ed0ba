// Owns reading a search from a GET query: criteria, scope and folder, each user-typed field's
// error in words, and the query a results URL carries. Must not call the webcache or render.
import { AlphaMailError } from '../base/index.js';
import { maxSearchTermChars, type SearchCriteria, type SearchScope } from '../protocol/index.js';

/** The protocol's limit on a folder path's length. */
const maxFolderChars = 1000;

export const termFields = ['text', 'from', 'to', 'subject', 'body'] as const;
export type TermField = (typeof termFields)[number];
export const dateFields = ['since', 'before'] as const;
export type DateField = (typeof dateFields)[number];
/** Checkbox name in the URL → criterion. */
export const checkFields = {
  unread: 'unread',
  flagged: 'flagged',
  attachment: 'hasAttachment',
} as const;
export type CheckField = keyof typeof checkFields;

export type FieldName = TermField | DateField;

/** What the user typed, kept as typed so a form with an error shows it again. */
export interface SearchValues {
  readonly scope: SearchScope;
  readonly folder: string;
  readonly terms: Record<TermField, string>;
  readonly dates: Record<DateField, string>;
  readonly checks: Record<CheckField, boolean>;
}

export interface ParsedSearch {
  readonly values: SearchValues;
  /** Null when there is nothing to search for or a field is wrong. */
  readonly criteria: SearchCriteria | null;
  /** Field → what is wrong with it, in words. */
  readonly errors: Partial<Record<FieldName, string>>;
  /** A message for the form as a whole (nothing to search for), or null. */
  readonly formError: string | null;
  /** True when the query names any search field at all (a submitted form). */
  readonly isSubmitted: boolean;
}

export const dateLabels: Record<DateField, string> = {
  since: 'Sent on or after',
  before: 'Sent before',
};

function single(query: Record<string, unknown>, key: string): string | undefined {
  const value = query[key];
  if (value === undefined) return undefined;
  // A repeated parameter is not something our forms send.
  if (typeof value !== 'string') throw new AlphaMailError('AM_BAD_REQUEST', `repeated ${key}`);
  return value;
}

/** A calendar day as YYYY-MM-DD that exists (no 2025-02-30). */
export function isCalendarDay(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const ms = Date.parse(`${value}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === value;
}

/** Reads a search from the query; `currentFolder` is used when the query names none. */
export function parseSearchQuery(
  query: Record<string, unknown>,
  currentFolder = 'INBOX',
): ParsedSearch {
  const scopeValue = single(query, 'scope');
  if (scopeValue !== undefined && scopeValue !== 'folder' && scopeValue !== 'all') {
    throw new AlphaMailError('AM_BAD_REQUEST', 'bad scope in URL');
  }
  const folder = single(query, 'folder') ?? currentFolder;
  if (folder === '' || folder.length > maxFolderChars) {
    throw new AlphaMailError('AM_BAD_REQUEST', 'bad folder in URL');
  }
  const errors: Partial<Record<FieldName, string>> = {};
  let isSubmitted = scopeValue !== undefined;
  const terms = {} as Record<TermField, string>;
  for (const field of termFields) {
    const raw = single(query, field);
    if (raw !== undefined) isSubmitted = true;
    terms[field] = (raw ?? '').trim();
    if (terms[field].length > maxSearchTermChars) {
      errors[field] = `Search terms can be at most ${maxSearchTermChars} characters long.`;
    }
  }
  const dates = {} as Record<DateField, string>;
  for (const field of dateFields) {
    const raw = single(query, field);
    if (raw !== undefined) isSubmitted = true;
    dates[field] = (raw ?? '').trim();
    if (dates[field] !== '' && !isCalendarDay(dates[field])) {
      errors[field] = `“${dateLabels[field]}” must be a date written like 2025-03-31.`;
    }
  }
  if (!errors.since && !errors.before && dates.since !== '' && dates.before !== '') {
    if (dates.before <= dates.since) {
      errors.before = '“Sent before” must be a later day than “Sent on or after”.';
    }
  }
  const checks = {} as Record<CheckField, boolean>;
  for (const field of Object.keys(checkFields) as CheckField[]) {
    const raw = single(query, field);
    checks[field] = raw !== undefined && raw !== '';
    if (raw !== undefined) isSubmitted = true;
  }
  const values: SearchValues = { scope: scopeValue ?? 'folder', folder, terms, dates, checks };
  const criteria: SearchCriteria = {
    ...terms,
    since: dates.since === '' ? null : dates.since,
    before: dates.before === '' ? null : dates.before,
    unread: checks.unread,
    flagged: checks.flagged,
    hasAttachment: checks.attachment,
  };
  const isEmpty =
    termFields.every((f) => terms[f] === '') &&
    dateFields.every((f) => dates[f] === '') &&
    Object.values(checks).every((c) => !c);
  const hasErrors = Object.keys(errors).length > 0;
  const formError =
    isSubmitted && isEmpty ? 'Type something to search for, or choose a date or status.' : null;
  return {
    values,
    criteria: hasErrors || isEmpty ? null : criteria,
    errors,
    formError,
    isSubmitted,
  };
}

/** The query of a search's results URL: only fields in use, in a fixed order. */
export function searchQueryOf(values: SearchValues): Record<string, string> {
  const out: Record<string, string> = { scope: values.scope };
  if (values.scope === 'folder') out.folder = values.folder;
  for (const f of termFields) if (values.terms[f] !== '') out[f] = values.terms[f];
  for (const f of dateFields) if (values.dates[f] !== '') out[f] = values.dates[f];
  for (const f of Object.keys(checkFields) as CheckField[]) if (values.checks[f]) out[f] = '1';
  return out;
}
