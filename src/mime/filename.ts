// Owns making an attachment name safe to offer as a download or to store: no paths, no control
// or direction-override characters, bounded length. Pure; does not decode RFC 2047/2231 itself.

/** Longest name we hand out; file systems cap names at 255 bytes and UTF-8 needs room. */
const maxFilenameChars = 200;
/** An extension longer than this is not worth preserving when the name is cut. */
const maxExtensionChars = 16;

// C0/C1 controls, and bidi overrides/isolates that make "gpj.exe" look like "exe.jpg".
// eslint-disable-next-line no-control-regex -- stripping control characters is the point
const invisiblePattern = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
// Characters Windows refuses in names; harmless to replace everywhere.
const reservedPattern = /[<>:"|?*]/g;
const windowsDeviceNames = /^(?:con|prn|aux|nul|com\d|lpt\d)(?:\.|$)/i;

function cutToLength(name: string): string {
  const chars = Array.from(name);
  if (chars.length <= maxFilenameChars) return name;
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 ? Array.from(name.slice(dot)) : [];
  if (extension.length > 1 && extension.length <= maxExtensionChars) {
    const base = Array.from(name.slice(0, dot)).slice(0, maxFilenameChars - extension.length);
    return base.join('').trimEnd() + extension.join('');
  }
  return chars.slice(0, maxFilenameChars).join('');
}

/**
 * A name without directories (the last path segment wins, as senders sometimes include
 * "C:\\Users\\…"), without "..", leading dots or controls, at most 200 characters;
 * `fallback` when nothing is left.
 */
export function safeFilename(name: string | null | undefined, fallback: string): string {
  if (typeof name !== 'string') return fallback;
  const lastSegment =
    name
      .normalize('NFC')
      .replace(invisiblePattern, '')
      .split(/[/\\]/)
      .filter((segment) => segment.trim() !== '')
      .pop() ?? '';
  let safe = lastSegment
    .replace(reservedPattern, '_')
    .replace(/\.{2,}/g, '.')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[.\s]+/, '')
    .replace(/[.\s]+$/, '');
  if (windowsDeviceNames.test(safe)) safe = `_${safe}`;
  safe = cutToLength(safe).replace(/[.\s]+$/, '');
  return safe === '' ? fallback : safe;
}
