// Owns the one-line preview shown in the message index: HTML to plain text, quote skipping,
// cutting at a word. Pure; works on the first bytes of a part, cut anywhere.
import sanitizeHtml from 'sanitize-html';
import { decodeBodyPart } from './decode.js';

/** Default preview length, in characters, the index column is designed for. */
const defaultSnippetChars = 100;
/** A word cut is only taken if it keeps at least this share of the allowed length. */
const minWordCutShare = 0.6;

const blockTags = [
  'address',
  'article',
  'aside',
  'blockquote',
  'caption',
  'center',
  'dd',
  'div',
  'dl',
  'dt',
  'figcaption',
  'figure',
  'footer',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hr',
  'li',
  'main',
  'nav',
  'ol',
  'p',
  'pre',
  'section',
  'table',
  'tbody',
  'tfoot',
  'thead',
  'tr',
  'ul',
];
const cellTags = ['td', 'th'];
const blockTagPattern = new RegExp(`</?(?:${blockTags.join('|')})>|<br />`, 'g');
const cellTagPattern = new RegExp(`</?(?:${cellTags.join('|')})>`, 'g');

const entities: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"' };

/**
 * Text of an HTML body: style/script/head-only content dropped, block elements as line breaks,
 * entities decoded. sanitize-html parses (and decodes entities); we keep only block tags, which
 * come out attribute-free, so the regexes below see nothing but our own markup.
 */
export function htmlToText(html: string): string {
  const reduced = sanitizeHtml(html, {
    allowedTags: [...blockTags, ...cellTags, 'br'],
    allowedAttributes: {},
    disallowedTagsMode: 'discard',
    nonTextTags: [
      'script',
      'style',
      'textarea',
      'option',
      'noscript',
      'title',
      'template',
      'svg',
      'math',
      'xmp',
    ],
  });
  return reduced
    .replace(blockTagPattern, '\n')
    .replace(cellTagPattern, ' ')
    .replace(/&(?:amp|lt|gt|quot);/g, (e) => entities[e] ?? e)
    .replace(/\u00a0/g, ' ')
    .replace(/[ \t]+/g, ' ')
    .replace(/ ?\n ?/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

const attributionPattern = /^\s*On\b.*\bwrote:\s*$/i;

/**
 * A one-line preview: quoted ("> …") lines and "On … wrote:" lines skipped, blanks collapsed,
 * cut at a word boundary near `maxChars` (code points) with an ellipsis.
 */
export function makeSnippet(text: string, maxChars = defaultSnippetChars): string {
  const kept = text
    .split(/\r?\n|\r/)
    .filter((line) => !/^\s*>/.test(line) && !attributionPattern.test(line));
  const flat = kept.join(' ').replace(/\s+/g, ' ').trim();
  const chars = Array.from(flat);
  if (chars.length <= maxChars) return flat;
  const room = chars.slice(0, Math.max(1, maxChars - 1)).join('');
  const space = room.lastIndexOf(' ');
  const cut = space >= room.length * minWordCutShare ? room.slice(0, space) : room;
  return `${cut.trimEnd()}…`;
}

/**
 * Preview from the first bytes of a stored part (still transfer-encoded), which may end
 * mid-quantum, mid-escape, mid-character or mid-tag; each of those tails is dropped.
 */
export function snippetFromPartialPart(
  bytes: Buffer,
  part: { encoding: string | null; charset: string | null; subtype: string },
): string {
  const text = decodeBodyPart(bytes, part);
  if (part.subtype.toLowerCase() === 'html') {
    const withoutCutTail = text.replace(/<[^>]*$/, '').replace(/&[#a-zA-Z0-9]*$/, '');
    return makeSnippet(htmlToText(withoutCutTail));
  }
  return makeSnippet(text);
}
