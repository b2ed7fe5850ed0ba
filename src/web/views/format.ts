// Owns how values look on a page: sizes, dates, addresses. Pure; returns plain strings that
// the templates escape.
import type { Address } from '../../protocol/index.js';

const kibibyte = 1024;
const mebibyte = 1024 * 1024;
const gibibyte = 1024 * 1024 * 1024;

/** "512 bytes", "12 KB", "3.4 MB": KB rounded up so a small file never reads "0 KB". */
export function formatSize(bytes: number): string {
  if (bytes < kibibyte) return bytes === 1 ? '1 byte' : `${bytes} bytes`;
  if (bytes < mebibyte) return `${Math.ceil(bytes / kibibyte)} KB`;
  if (bytes < gibibyte) return `${(bytes / mebibyte).toFixed(1)} MB`;
  return `${(bytes / gibibyte).toFixed(1)} GB`;
}

const dateTimeFormat = new Intl.DateTimeFormat('en-GB', {
  dateStyle: 'medium',
  timeStyle: 'short',
});

/**
 * Dates already shown, by their ISO text: an index page shows the same rows again and again, and
 * Intl formatting is the dearest thing on it. Cleared when full, so memory stays bounded.
 */
const maxCachedDates = 20_000;

interface ShownDate {
  /** The readable form, or the raw value when it does not parse. */
  readonly human: string;
  /** The <time datetime> form, or null when it does not parse. */
  readonly machine: string | null;
}

const shownDates = new Map<string, ShownDate>();

function shownDate(iso: string): ShownDate {
  const cached = shownDates.get(iso);
  if (cached !== undefined) return cached;
  const date = new Date(iso);
  const shown: ShownDate = Number.isNaN(date.getTime())
    ? { human: iso, machine: null }
    : { human: dateTimeFormat.format(date), machine: date.toISOString() };
  if (shownDates.size >= maxCachedDates) shownDates.clear();
  shownDates.set(iso, shown);
  return shown;
}

/** A readable date-time, or the raw value when it does not parse. */
export function formatDate(iso: string): string {
  return shownDate(iso).human;
}

/** A machine date for <time datetime>, or null when it does not parse. */
export function machineDate(iso: string): string | null {
  return shownDate(iso).machine;
}

/** The short form in the index: the name, else the address. */
export function shortAddresses(list: readonly Address[]): string {
  if (list.length === 0) return '(nobody)';
  return list.map((a) => (a.name.trim() !== '' ? a.name : a.address)).join(', ');
}

/** The full form in the message header: "Name <address>". */
export function fullAddresses(list: readonly Address[]): string {
  return list
    .map((a) => (a.name.trim() !== '' ? `${a.name} <${a.address}>` : a.address))
    .join(', ');
}
