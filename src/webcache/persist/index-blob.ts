// Owns the byte layout of a saved folder index: a small v8-serialised header (layout version,
// folder state, string pool, where each column lies) followed by every typed column at an
// 8-byte-aligned offset, so a load uses the inflated bytes as the columns themselves: no copy,
// nothing of the index's size left behind for the GC. Must not touch SQLite or compression.
import { deserialize, serialize } from 'node:v8';
import type { FolderState } from '../index/folder-index.js';
import {
  emptyIndexColumns,
  numericColumns,
  type AnyColumn,
  type IndexColumns,
  type NumericColumn,
} from '../index/index-columns.js';

/**
 * Layout version; a blob of another version is ignored and the folder is rebuilt.
 * 2: packed columns (pool ids, UTF-8 record and snippet arenas) instead of string arrays.
 * 3: snippets moved to their own table (a known-bit per message in the flags column).
 * 4: this layout (versions before it were one v8-serialised object, whose typed arrays v8
 *    copies out when misaligned while the whole buffer stays referenced by the others).
 */
const blobVersion = 4;
/** First bytes of a version-4-or-later blob ('AMIX'); a v8-serialised blob starts with 0xff. */
const magic = 0x414d4958;
/** Column offsets are multiples of this: a Float64Array view needs 8. */
const alignment = 8;
/** magic, version, header length. */
const prefixBytes = 12;

type StoredColumn = NumericColumn | 'records';
const storedColumns: readonly StoredColumn[] = [...numericColumns, 'records'];

/** Where one column lies: byte offset from the start of the column region, element count. */
type ColumnPlace = [offset: number, length: number];

interface BlobHeader {
  state: FolderState;
  count: number;
  pool: string[];
  places: Record<StoredColumn, ColumnPlace>;
}

type ColumnCtor = Uint8ArrayConstructor | Uint32ArrayConstructor | Float64ArrayConstructor;

const alignUp = (n: number): number => Math.ceil(n / alignment) * alignment;

/** Each column's element type, as the index's own empty columns have it. */
const columnTypes = ((): Record<StoredColumn, ColumnCtor> => {
  const empty = emptyIndexColumns();
  const types = {} as Record<StoredColumn, ColumnCtor>;
  for (const key of storedColumns) types[key] = empty[key].constructor as ColumnCtor;
  return types;
})();

/** The blob of `columns` (as snapshot() gives them: trimmed, pool and arena included). */
export function encodeIndexBlob(state: FolderState, columns: IndexColumns): Buffer {
  const places = {} as Record<StoredColumn, ColumnPlace>;
  let regionBytes = 0;
  for (const key of storedColumns) {
    places[key] = [regionBytes, columns[key].length];
    regionBytes = alignUp(regionBytes + columns[key].byteLength);
  }
  const header: BlobHeader = { state, count: columns.count, pool: columns.pool, places };
  const headerBytes = serialize(header);
  const region = alignUp(prefixBytes + headerBytes.length);
  const blob = Buffer.alloc(region + regionBytes);
  blob.writeUInt32BE(magic, 0);
  blob.writeUInt32BE(blobVersion, 4);
  blob.writeUInt32BE(headerBytes.length, 8);
  headerBytes.copy(blob, prefixBytes);
  for (const key of storedColumns) {
    const column = columns[key];
    blob.set(
      new Uint8Array(column.buffer, column.byteOffset, column.byteLength),
      region + places[key][0],
    );
  }
  return blob;
}

/**
 * The folder state and columns of `blob`, the columns being views into it; null when the blob
 * is of another layout version or inconsistent (the caller rebuilds the folder).
 */
export function decodeIndexBlob(
  blob: Buffer,
): { state: FolderState; columns: IndexColumns } | null {
  if (blob.length < prefixBytes || blob.readUInt32BE(0) !== magic) return null;
  if (blob.readUInt32BE(4) !== blobVersion) return null;
  // Views need an aligned start; zlib's single output buffer has one, a pooled copy may not.
  const bytes = blob.byteOffset % alignment === 0 ? blob : Buffer.from(blob);
  // zlib and Buffer.from never hand out a SharedArrayBuffer.
  const buffer = bytes.buffer as ArrayBuffer;
  const headerEnd = prefixBytes + bytes.readUInt32BE(8);
  if (headerEnd > bytes.length) return null;
  const header = deserialize(bytes.subarray(prefixBytes, headerEnd)) as unknown;
  if (!isBlobHeader(header)) return null;
  const region = alignUp(headerEnd);
  const columns = { count: header.count, pool: header.pool } as IndexColumns;
  const target = columns as unknown as Record<StoredColumn, AnyColumn>;
  for (const key of storedColumns) {
    const [offset, length] = header.places[key];
    const Ctor = columnTypes[key];
    const start = region + offset;
    if (start % alignment !== 0 || start + length * Ctor.BYTES_PER_ELEMENT > bytes.length) {
      return null;
    }
    if (key !== 'records' && length !== header.count) return null;
    target[key] = new Ctor(buffer, bytes.byteOffset + start, length);
  }
  return { state: header.state, columns };
}

function isBlobHeader(value: unknown): value is BlobHeader {
  const v = value as Partial<BlobHeader> | null;
  if (typeof v !== 'object' || v === null) return false;
  if (typeof v.state !== 'object' || v.state === null) return false;
  if (typeof v.count !== 'number' || !Array.isArray(v.pool)) return false;
  const places = v.places as Record<string, unknown> | undefined;
  if (typeof places !== 'object' || places === null) return false;
  return storedColumns.every((key) => {
    const place = places[key];
    return (
      Array.isArray(place) &&
      place.length === 2 &&
      place.every((n) => Number.isSafeInteger(n) && (n as number) >= 0)
    );
  });
}
