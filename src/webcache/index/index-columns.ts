// Owns the column layout of a folder index: which typed arrays exist, how they start, grow,
// move a slot and are trimmed for saving. Must not interpret the data: folder-index.ts does.

/** Slots the arrays start with; they double when full (grow by a quarter once large). */
const initialCapacity = 64;
const largeCapacitySlots = 65_536;

/**
 * Columns as stored (and persisted); typed arrays may be longer than `count`. Repetitive strings
 * are pool ids; per-message text lives in a UTF-8 arena: `records` holds subject, Message-ID,
 * In-Reply-To and References each ended by a NUL byte. Previews are not here: see
 * snippet-backend.ts.
 */
export interface IndexColumns {
  count: number;
  uids: Uint32Array;
  flags: Uint8Array;
  sizes: Uint32Array;
  dates: Float64Array;
  textEncodings: Uint8Array;
  textSubtypes: Uint8Array;
  fromNameIds: Uint32Array;
  fromAddressIds: Uint32Array;
  toIds: Uint32Array;
  textPartIds: Uint32Array;
  textCharsetIds: Uint32Array;
  recordStarts: Uint32Array;
  /** Pool strings by id. */
  pool: string[];
  records: Uint8Array;
}

export type NumericColumn = {
  [K in keyof IndexColumns]: IndexColumns[K] extends Uint8Array | Uint32Array | Float64Array
    ? K
    : never;
}[keyof IndexColumns];

/** Every per-slot typed column (the arena `records` and the pool are not per slot). */
export const numericColumns: readonly NumericColumn[] = [
  'uids',
  'flags',
  'sizes',
  'dates',
  'textEncodings',
  'textSubtypes',
  'fromNameIds',
  'fromAddressIds',
  'toIds',
  'textPartIds',
  'textCharsetIds',
  'recordStarts',
];

export type AnyColumn = Uint8Array | Uint32Array | Float64Array;

function resized<T extends AnyColumn>(array: T, size: number): T {
  const Ctor = array.constructor as new (n: number) => T;
  const next = new Ctor(size);
  next.set(size >= array.length ? array : array.subarray(0, size));
  return next;
}

export function emptyIndexColumns(): IndexColumns {
  const n = initialCapacity;
  return {
    count: 0,
    uids: new Uint32Array(n),
    flags: new Uint8Array(n),
    sizes: new Uint32Array(n),
    dates: new Float64Array(n),
    textEncodings: new Uint8Array(n),
    textSubtypes: new Uint8Array(n),
    fromNameIds: new Uint32Array(n),
    fromAddressIds: new Uint32Array(n),
    toIds: new Uint32Array(n),
    textPartIds: new Uint32Array(n),
    textCharsetIds: new Uint32Array(n),
    recordStarts: new Uint32Array(n),
    pool: [],
    records: new Uint8Array(0),
  };
}

/** Makes room for more slots in place (the arrays are replaced by larger copies). */
export function growIndexColumns(c: IndexColumns): void {
  const n = c.uids.length;
  const size = Math.max(initialCapacity, n >= largeCapacitySlots ? n + (n >> 2) : n * 2);
  const columns = c as unknown as Record<NumericColumn, AnyColumn>;
  for (const key of numericColumns) columns[key] = resized(columns[key], size);
}

/** Cuts every typed array to about `count` slots (spare capacity given back). */
export function shrinkIndexColumns(c: IndexColumns): void {
  // Some headroom stays, so the next new message does not copy every column again.
  const size = c.count + Math.max(initialCapacity, c.count >> 6);
  if (c.uids.length <= size) return;
  const columns = c as unknown as Record<NumericColumn, AnyColumn>;
  for (const key of numericColumns) columns[key] = resized(columns[key], size);
}

export function moveIndexSlot(c: IndexColumns, from: number, to: number): void {
  const columns = c as unknown as Record<NumericColumn, AnyColumn>;
  for (const key of numericColumns) {
    const column = columns[key];
    column[to] = column[from] ?? 0;
  }
}

/** A copy with every typed array cut to `count` (arenas and pool are copied by reference). */
export function trimIndexColumns(c: IndexColumns): IndexColumns {
  const out = { ...c };
  const columns = out as unknown as Record<NumericColumn, AnyColumn>;
  for (const key of numericColumns) columns[key] = columns[key].slice(0, c.count);
  return out;
}
