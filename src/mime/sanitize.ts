// Owns turning hostile message HTML into an inert allow-listed subset (tags, attributes, URLs,
// CSS) for the sandboxed message frame. Pure: fetches nothing; remote loads are only rewritten.
import sanitizeHtml from 'sanitize-html';
import { brandSanitizedMailHtml, type SanitizedMailHtml } from '../base/index.js';
import { filterStyleAttribute, filterStyleSheet, type CssContext } from './css-filter.js';

/** Deeper nesting than this is an attack on the parser or the browser, not a layout. */
const maxNestingDepth = 256;

export interface SanitizeMailOptions {
  /** The reader asked to load remote images and styles for this message. */
  readonly allowRemote: boolean;
  /** Maps a Content-ID (without brackets) to the URL of that part, or null if absent. */
  readonly resolveCid: (cid: string) => string | null;
  /** Rewrites a remote URL through the image proxy; without it remote URLs stay as they are. */
  readonly proxyRemoteUrl?: (url: string) => string;
}

export interface SanitizedMail {
  readonly html: SanitizedMailHtml;
  /** Remote images, style sheets and fonts removed because remote loads are off. */
  readonly remoteBlocked: number;
}

const allowedTags = [
  'a',
  'abbr',
  'acronym',
  'address',
  'article',
  'aside',
  'b',
  'bdi',
  'bdo',
  'big',
  'blockquote',
  'br',
  'caption',
  'center',
  'cite',
  'code',
  'col',
  'colgroup',
  'dd',
  'del',
  'details',
  'dfn',
  'div',
  'dl',
  'dt',
  'em',
  'figcaption',
  'figure',
  'font',
  'footer',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hr',
  'i',
  'img',
  'ins',
  'kbd',
  'li',
  'main',
  'mark',
  'nav',
  'ol',
  'p',
  'pre',
  'q',
  'rp',
  'rt',
  'ruby',
  's',
  'samp',
  'section',
  'small',
  'span',
  'strike',
  'strong',
  'style',
  'sub',
  'summary',
  'sup',
  'table',
  'tbody',
  'td',
  'tfoot',
  'th',
  'thead',
  'time',
  'tr',
  'tt',
  'u',
  'ul',
  'var',
  'wbr',
];

// Presentational attributes old mail still uses; none takes a URL or runs code.
const globalAttributes = [
  'abbr',
  'align',
  'alt',
  'bgcolor',
  'border',
  'cellpadding',
  'cellspacing',
  'class',
  'color',
  'colspan',
  'datetime',
  'dir',
  'face',
  'headers',
  'height',
  'hspace',
  'id',
  'lang',
  'nowrap',
  'open',
  'reversed',
  'rowspan',
  'scope',
  'size',
  'span',
  'start',
  'style',
  'summary',
  'title',
  'type',
  'valign',
  'value',
  'vspace',
  'width',
];

// Elements dropped together with everything inside them: code, embedded documents, forms'
// option lists, and foreign content (SVG/MathML) whose parsing rules differ from HTML's.
const dropWithContent = [
  'script',
  'noscript',
  'template',
  'textarea',
  'select',
  'option',
  'optgroup',
  'datalist',
  'title',
  'svg',
  'math',
  'iframe',
  'frame',
  'frameset',
  'noframes',
  'object',
  'embed',
  'applet',
  'noembed',
  'xmp',
  'plaintext',
  'canvas',
  'audio',
  'video',
  'video',
  'param',
];

/** Our marker on <img>: the reference as written, so a second pass resolves it the same way. */
const originalSrcAttribute = 'data-am-src';
/** Prefix for id/name values, so message markup cannot clobber frame globals. */
const idPrefix = 'm-';

const dataImagePattern = /^data:image\/(?:png|gif|jpeg|webp)[;,]/i;

/** What a browser's URL parser ignores: leading/trailing C0 and blanks, tabs and newlines. */
function normaliseUrl(value: string): string {
  return value.replace(/[\t\n\r]/g, '').replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, ''); // eslint-disable-line no-control-regex -- the URL standard's rule
}

function prefixedId(value: string): string {
  const trimmed = value.trim();
  if (trimmed === '') return '';
  return trimmed.startsWith(idPrefix) ? trimmed : idPrefix + trimmed;
}

function linkTarget(href: string): string | null {
  const url = normaliseUrl(href);
  if (url.startsWith('#')) return url.length > 1 ? `#${prefixedId(url.slice(1))}` : null;
  if (!/^(?:https?|mailto):/i.test(url)) return null;
  try {
    new URL(url);
    return url;
  } catch {
    return null;
  }
}

/** RFC 2392: a cid: URL is the percent-encoded Content-ID without its angle brackets. */
function decodeCid(encoded: string): string {
  let cid = encoded;
  try {
    cid = decodeURIComponent(encoded);
  } catch {
    // A malformed escape is kept as written; it then simply matches no part.
  }
  return cid.trim().replace(/^<|>$/g, '');
}

type Attributes = Record<string, string>;

class Sanitizer {
  remoteBlocked = 0;
  /**
   * Attribute objects of elements to drop. Renaming a tag to a disallowed name would be simpler,
   * but sanitize-html 2.16 then leaks the new name into a later sibling's closing tag.
   */
  readonly dropped = new WeakSet<Attributes>();
  readonly css: CssContext;

  constructor(private readonly options: SanitizeMailOptions) {
    this.css = {
      allowRemote: options.allowRemote,
      proxyRemoteUrl: options.proxyRemoteUrl,
      onRemoteBlocked: () => {
        this.remoteBlocked++;
      },
    };
  }

  /** The src an <img> may keep, or null to drop the image. Sets the marker when rewritten. */
  private imageSource(attribs: Attributes): string | null {
    const reference = normaliseUrl(attribs[originalSrcAttribute] ?? attribs.src ?? '');
    delete attribs[originalSrcAttribute];
    if (/^cid:/i.test(reference)) {
      const cid = decodeCid(reference.slice(4));
      const resolved = cid === '' ? null : this.options.resolveCid(cid);
      if (resolved !== null) attribs[originalSrcAttribute] = reference;
      return resolved;
    }
    if (dataImagePattern.test(reference)) return reference;
    if (/^(?:https?:)?\/\//i.test(reference)) {
      if (!this.options.allowRemote) {
        this.remoteBlocked++;
        return null;
      }
      const absolute = reference.startsWith('//') ? `https:${reference}` : reference;
      if (!this.options.proxyRemoteUrl) return absolute;
      attribs[originalSrcAttribute] = absolute;
      return this.options.proxyRemoteUrl(absolute);
    }
    return null;
  }

  /** Runs on every element before sanitize-html applies the allow-lists. */
  transform(tagName: string, input: Attributes): { tagName: string; attribs: Attributes } {
    const attribs: Attributes = { ...input };
    if (tagName === 'style') return { tagName, attribs: {} };
    if (attribs.id !== undefined) attribs.id = prefixedId(attribs.id);
    if (attribs.id === '') delete attribs.id;
    if (attribs.style !== undefined) attribs.style = filterStyleAttribute(attribs.style, this.css);
    if (attribs.style === '') delete attribs.style;
    if (tagName === 'a') {
      if (attribs.name !== undefined) attribs.name = prefixedId(attribs.name);
      const href = attribs.href === undefined ? null : linkTarget(attribs.href);
      delete attribs.target;
      delete attribs.rel;
      delete attribs.href;
      if (href !== null) {
        attribs.href = href;
        // In-document anchors stay in the frame; every other link opens outside it.
        if (!href.startsWith('#')) {
          attribs.target = '_blank';
          attribs.rel = 'noopener noreferrer';
        }
      }
    } else {
      delete attribs.name;
    }
    if (tagName === 'img') {
      const src = this.imageSource(attribs);
      if (src === null) {
        const none: Attributes = {};
        this.dropped.add(none);
        return { tagName, attribs: none };
      }
      attribs.src = src;
    }
    return { tagName, attribs };
  }
}

/**
 * Passes over the output after the first. A tag dropped between a <p> and a block element
 * (`<p><y><h1>`) hides the implied </p> from the parser, so the output nests a block in a <p>,
 * which any HTML parser reads back as another tree (`<p></p><h1></h1><p></p>`). The output must
 * read back as itself (what was checked is what the browser builds), so it is sanitised again
 * until it does; one more pass has always sufficed (fast-check over the XSS corpus).
 */
const maxSettlePasses = 3;

/**
 * Sanitises message HTML into markup that reads back as itself (see maxSettlePasses).
 * `remoteBlocked` counts the message's own remote references.
 */
export function sanitizeMailHtml(html: string, options: SanitizeMailOptions): SanitizedMail {
  const first = sanitizeOnce(html, options);
  let markup = first.markup;
  for (let pass = 1; pass < maxSettlePasses; pass++) {
    const again = sanitizeOnce(markup, options).markup;
    if (again === markup) break;
    markup = again;
  }
  return { html: brandSanitizedMailHtml(markup), remoteBlocked: first.remoteBlocked };
}

/**
 * One pass. <style> elements pass sanitize-html as raw text (it cannot filter them), so each
 * is replaced afterwards by the postcss-filtered sheet; sanitize-html's output escapes all other
 * text and attributes, so a literal "<style>" there is always our element.
 */
function sanitizeOnce(
  html: string,
  options: SanitizeMailOptions,
): { markup: string; remoteBlocked: number } {
  const sanitizer = new Sanitizer(options);
  const structural = sanitizeHtml(html, {
    allowedTags,
    allowedAttributes: {
      '*': globalAttributes,
      a: ['href', 'name', 'target', 'rel'],
      img: ['src', originalSrcAttribute],
    },
    allowedSchemes: ['http', 'https', 'mailto', 'data'],
    allowedSchemesAppliedToAttributes: ['href', 'src'],
    allowProtocolRelative: false,
    allowVulnerableTags: true, // style only: its text is replaced by the filtered sheet below
    disallowedTagsMode: 'discard',
    nonTextTags: dropWithContent,
    nestingLimit: maxNestingDepth,
    parseStyleAttributes: false, // filtered in transform() with our own allow-list
    enforceHtmlBoundary: false,
    transformTags: { '*': (tagName, attribs) => sanitizer.transform(tagName, attribs) },
    exclusiveFilter: (frame) => sanitizer.dropped.has(frame.attribs),
  });
  // Each style element becomes a comment placeholder (sanitize-html drops comments and escapes
  // "<" in text, so none can come from the message), then any stray <style> or </style> left by
  // nested or unterminated style tags is dropped, then the filtered sheets go in: the output
  // must read back the same when sanitised again.
  const sheets: string[] = [];
  const markup = structural
    .replace(/<style>([\s\S]*?)<\/style>/g, (_whole, css: string) => {
      const sheet = filterStyleSheet(css, sanitizer.css);
      if (sheet === '' || sheet.includes('<')) return '';
      sheets.push(`<style>\n${sheet}\n</style>`);
      return `<!--style ${sheets.length - 1}-->`;
    })
    .replace(/<\/?style>/g, '')
    .replace(/<!--style (\d+)-->/g, (_whole, n: string) => sheets[Number(n)] ?? '');
  return { markup, remoteBlocked: sanitizer.remoteBlocked };
}
