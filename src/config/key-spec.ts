// Owns the shape of one config key description and the two helpers that build one.
// Must not know any key by name: keys.ts and ops-keys.ts hold the table.
import { parseInteger } from './values.js';

export interface KeySpec<T> {
  /** What the value looks like, for the docs and the sample. */
  readonly type: string;
  /** The default as it would be written in the file, or null when there is no literal one. */
  readonly default: string | null;
  /** Shown instead of `default` when the default is derived from other keys. */
  readonly defaultNote?: string;
  readonly required: boolean;
  /** Allowed range, for the docs, when the type alone does not say it. */
  readonly range?: string;
  /** Paragraphs of plain text; backticks mark names and values. */
  readonly description: readonly string[];
  /** A value as it would be written in the file. */
  readonly example: string;
  /** Reads the text after `key:`; throws BadValue. */
  readonly parse: (text: string) => T;
}

export function defineKey<T>(spec: KeySpec<T>): KeySpec<T> {
  return spec;
}

export function integerKey(
  range: { readonly min: number; readonly max: number },
  defaultValue: number,
  description: readonly string[],
  example: number,
): KeySpec<number> {
  return defineKey({
    type: 'whole number',
    default: String(defaultValue),
    required: false,
    range: `${range.min} to ${range.max}`,
    description,
    example: String(example),
    parse: (text) => parseInteger(text, range.min, range.max),
  });
}
