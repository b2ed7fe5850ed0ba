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

/** A readable date-time, or the raw value when it does not parse. */
export function formatDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTimeFormat.format(date);
}

/** A machine date for <time datetime>, or null when it does not parse. */
export function machineDate(iso: string): string | null {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
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
