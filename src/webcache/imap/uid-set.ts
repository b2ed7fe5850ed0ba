// Owns writing UID lists as compact IMAP sequence sets ("1:5,9,12:14", RFC 3501 §9 sequence-set).
// Pure: no IMAP traffic.

/** UIDs ascending, duplicates dropped, as runs joined by commas. */
export function uidSet(uids: readonly number[]): string {
  const sorted = [...new Set(uids)].sort((a, b) => a - b);
  const runs: string[] = [];
  let i = 0;
  while (i < sorted.length) {
    const first = sorted[i] ?? 0;
    let last = first;
    while (i + 1 < sorted.length && sorted[i + 1] === last + 1) {
      i++;
      last = sorted[i] ?? last;
    }
    runs.push(first === last ? String(first) : `${first}:${last}`);
    i++;
  }
  return runs.join(',');
}

/** Splits `items` into consecutive chunks of at most `size`. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
