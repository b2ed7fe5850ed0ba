// Owns plain-text bodies as HTML: every character escaped, web and mail addresses as links,
// quoted ("> ") runs as blockquotes. Pure; the caller provides the pre-wrapping container.
import { LinkifyIt } from 'linkify-it';
import { escapeHtml, trustedHtml, type Html } from '../base/index.js';

/** Bodies longer than this are escaped without link detection (linkify cost is per char). */
const maxLinkifyChars = 2 * 1024 * 1024;

// Only the schemes we allow in links: "//host" and ftp: stay text. Fuzzy links catch "www.…".
const linkify = new LinkifyIt({ fuzzyLink: true, fuzzyEmail: true, fuzzyIP: false })
  .add('ftp:', null)
  .add('//', null);

function linkifyRun(text: string): string {
  const matches = text.length <= maxLinkifyChars ? (linkify.match(text) ?? []) : [];
  let out = '';
  let last = 0;
  for (const match of matches) {
    const url = match.url;
    if (!/^(?:https?|mailto):/i.test(url)) continue;
    out += escapeHtml(text.slice(last, match.index));
    out += `<a href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">`;
    out += `${escapeHtml(match.raw)}</a>`;
    last = match.lastIndex;
  }
  return out + escapeHtml(text.slice(last));
}

const quotedLinePattern = /^>/;

/**
 * Plain text as HTML. Line breaks are kept as newlines (the caller's container pre-wraps);
 * runs of lines starting with ">" become one <blockquote> each, with one ">" level removed.
 */
export function linkifyText(text: string): Html {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  let index = 0;
  while (index < lines.length) {
    const line = lines[index] ?? '';
    if (quotedLinePattern.test(line)) {
      const quoted: string[] = [];
      while (index < lines.length && quotedLinePattern.test(lines[index] ?? '')) {
        quoted.push((lines[index] ?? '').replace(/^> ?/, ''));
        index++;
      }
      // Nested quotes recurse; the inner text went through linkifyRun (escaped) as well.
      out.push(`<blockquote>${linkifyText(quoted.join('\n')).toString()}</blockquote>`);
      continue;
    }
    out.push(linkifyRun(line) + (index < lines.length - 1 ? '\n' : ''));
    index++;
  }
  // Safe: every text run went through escapeHtml (in linkifyRun); the only markup added is
  // our own <a>/<blockquote> with escaped, scheme-checked href values.
  return trustedHtml(out.join(''));
}
