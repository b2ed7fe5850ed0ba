// Owns the CSS allow-list for message HTML: style attributes and <style> sheets are parsed with
// postcss and rebuilt from allowed parts only. Pure; never fetches, never throws on bad CSS.
import postcss from 'postcss';
import type { AtRule, ChildNode, Container, Declaration } from 'postcss';

/** Style sheets beyond this are dropped whole: parsing cost is linear but still cost. */
const maxStyleSheetChars = 512 * 1024;
/** Rules kept per sheet; newsletters use a few hundred, attacks use millions. */
const maxRulesPerSheet = 5000;
/** Negative margins pull content outside its box; a few pixels are layout, more is overlay. */
const maxNegativeMarginPx = 20;

export interface CssContext {
  readonly allowRemote: boolean;
  readonly proxyRemoteUrl?: ((url: string) => string) | undefined;
  /** Called once per remote resource that was removed because remote loads are off. */
  readonly onRemoteBlocked: () => void;
}

const allowedPropertyPatterns: readonly RegExp[] = [
  /^(?:color|background-color|background-image|background-repeat|background-position|background-size|background)$/,
  /^font(?:-(?:family|size|style|weight|variant|stretch))?$/,
  /^(?:line-height|letter-spacing|word-spacing|text-align|text-indent|text-transform|text-shadow|text-overflow|white-space|word-break|word-wrap|overflow-wrap|vertical-align|direction|hyphens)$/,
  /^text-decoration(?:-(?:line|color|style|thickness))?$/,
  /^(?:margin|padding)(?:-(?:top|right|bottom|left))?$/,
  /^border(?:-(?:top|right|bottom|left))?(?:-(?:width|style|color))?$/,
  /^border(?:-(?:top|bottom)-(?:left|right))?-radius$/,
  /^(?:border-collapse|border-spacing|table-layout|caption-side|empty-cells)$/,
  /^(?:min-|max-)?(?:width|height)$/,
  /^(?:display|float|clear|overflow|overflow-x|overflow-y|box-sizing|visibility|opacity|position)$/,
  /^list-style(?:-(?:type|position))?$/,
];

// Anything that loads, runs or escapes: IE expression()/behavior, Mozilla bindings, image
// functions that take URLs, attr()/var() indirection, and CSS escapes that could spell them.
// Control characters too: old engines skipped them inside tokens ("exp\0ression").
const forbiddenValuePattern =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /expression|javascript|vbscript|behavior|binding|@import|image-set|image\(|cross-fade|element\(|paint\(|attr\(|var\(|env\(|src\(|url\(|[\\<>{};@\u0000-\u001f\u007f]/i;
const urlPattern = /url\(\s*(?:"([^"]*)"|'([^']*)'|([^'")\s]*))\s*\)/gi;
const dataImagePattern = /^data:image\/(?:png|gif|jpeg|webp)[;,]/i;
const remotePattern = /^(?:https?:)?\/\//i;
const negativeLengthPattern = /(^|[\s(,])-(\d*\.?\d+)([a-z%]*)/gi;

function isAllowedProperty(prop: string): boolean {
  return allowedPropertyPatterns.some((pattern) => pattern.test(prop));
}

function negativeMarginTooLarge(value: string): boolean {
  for (const match of value.matchAll(negativeLengthPattern)) {
    const amount = Number(match[2]);
    const unit = (match[3] ?? '').toLowerCase();
    const scale: Record<string, number> = { '': 1, px: 1, pt: 4 / 3, em: 16, rem: 16 };
    const factor = scale[unit];
    if (factor === undefined || amount * factor > maxNegativeMarginPx) return true;
  }
  return false;
}

/** Quotes, brackets, blanks and backslashes would end or escape the url("…") token. */
function percentEncodeUnsafe(url: string): string {
  return url.replace(/["'()\\\s<>]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/**
 * True for a URL this sanitiser itself produced from a remote one (a second pass over its own
 * output): re-proxying the original it names gives exactly it back. Only while remote loads
 * are allowed; with a signing proxy a forged URL cannot pass.
 */
function isOwnProxyUrl(url: string, context: CssContext): boolean {
  if (!context.allowRemote || !context.proxyRemoteUrl || !url.startsWith('/')) return false;
  let original: string | null;
  try {
    original = new URL(url, 'http://same.invalid').searchParams.get('u');
  } catch {
    return false;
  }
  if (original === null || !/^https?:\/\//i.test(original)) return false;
  return percentEncodeUnsafe(context.proxyRemoteUrl(original)) === url;
}

/** Rewrites url() values that may stay; null when the declaration must go. */
function filterUrls(value: string, context: CssContext): string | null {
  let refused = false;
  const rewritten = value.replace(
    urlPattern,
    (_whole, dq: string | undefined, sq: string | undefined, bare: string | undefined) => {
      const url = (dq ?? sq ?? bare ?? '').trim();
      if (dataImagePattern.test(url) && !/["'()\s]/.test(url)) return `url("${url}")`;
      if (isOwnProxyUrl(url, context)) return `url("${url}")`;
      if (remotePattern.test(url)) {
        if (!context.allowRemote) {
          context.onRemoteBlocked();
          refused = true;
          return '';
        }
        const absolute = url.startsWith('//') ? `https:${url}` : url;
        const target = context.proxyRemoteUrl ? context.proxyRemoteUrl(absolute) : absolute;
        return `url("${percentEncodeUnsafe(target)}")`;
      }
      refused = true; // cid: needs a part URL we cannot re-recognise on a second pass; others never
      return '';
    },
  );
  return refused ? null : rewritten;
}

/** The cleaned `prop: value` for one declaration, or null to drop it. */
function filterDeclaration(decl: Declaration, context: CssContext): string | null {
  const prop = decl.prop.trim().toLowerCase();
  if (!isAllowedProperty(prop)) return null;
  let value = decl.value
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (value === '') return null;
  if (/url\(/i.test(value)) {
    const kept = filterUrls(value, context);
    if (kept === null) return null;
    value = kept;
    const withoutUrls = value.replace(urlPattern, '');
    if (forbiddenValuePattern.test(withoutUrls)) return null;
  } else if (forbiddenValuePattern.test(value)) {
    return null;
  }
  if (prop === 'position' && !/^(?:static|relative)$/i.test(value)) return null;
  if (prop.startsWith('margin') && negativeMarginTooLarge(value)) return null;
  // !important is dropped (decl.important is not copied): it only helps content win over chrome.
  return `${prop}: ${value}`;
}

function filterDeclarations(container: Container, context: CssContext): string[] {
  const kept: string[] = [];
  container.each((node: ChildNode) => {
    if (node.type !== 'decl') return;
    const cleaned = filterDeclaration(node, context);
    if (cleaned !== null) kept.push(cleaned);
  });
  return kept;
}

/** Filters a style="" value; returns '' when nothing is left. */
export function filterStyleAttribute(value: string, context: CssContext): string {
  if (value.length > maxStyleSheetChars) return '';
  try {
    const root = postcss.parse(`x{${value}}`);
    const rule = root.first;
    if (root.nodes.length !== 1 || rule?.type !== 'rule' || rule.selector !== 'x') return '';
    return filterDeclarations(rule, context).join('; ');
  } catch {
    return '';
  }
}

/**
 * Attribute selectors are refused: with a background per attribute value they read form
 * fields and tokens character by character (CSS exfiltration). Ids get the same "m-" prefix
 * the sanitiser gives id attributes, so the sheet still matches.
 */
function filterSelector(selector: string): string | null {
  const flat = selector
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (flat === '' || /[[\]\\<@{};"']/.test(flat)) return null;
  return flat.replace(/#(?!m-)(-?[_a-zA-Z][\w-]*)/g, '#m-$1');
}

function countRemoteSources(node: AtRule, context: CssContext): void {
  const text = node.toString();
  const remote = [...text.matchAll(urlPattern)].filter((m) =>
    remotePattern.test((m[1] ?? m[2] ?? m[3] ?? '').trim()),
  );
  const imported = node.name.toLowerCase() === 'import' ? 1 : 0;
  const count = Math.max(remote.length, imported);
  if (!context.allowRemote) for (let i = 0; i < count; i++) context.onRemoteBlocked();
}

function filterRules(container: Container, context: CssContext, budget: { rules: number }) {
  const out: string[] = [];
  container.each((node: ChildNode) => {
    if (budget.rules <= 0) return false;
    if (node.type === 'rule') {
      budget.rules--;
      const selector = filterSelector(node.selector);
      if (selector === null) return;
      const decls = filterDeclarations(node, context);
      if (decls.length > 0) out.push(`${selector} { ${decls.join('; ')}; }`);
    } else if (node.type === 'atrule') {
      const name = node.name.toLowerCase();
      const params = node.params.replace(/\s+/g, ' ').trim();
      if (name === 'media' && !forbiddenValuePattern.test(params)) {
        const inner = filterRules(node, context, budget);
        if (inner.length > 0) out.push(`@media ${params} {\n${inner.join('\n')}\n}`);
      } else {
        // @import, @font-face, @keyframes, @namespace, …: none is needed to read a message.
        countRemoteSources(node, context);
      }
    }
    return undefined;
  });
  return out;
}

/** Filters the text of a <style> element; returns '' when nothing is left. */
export function filterStyleSheet(css: string, context: CssContext): string {
  if (css.length > maxStyleSheetChars) return '';
  try {
    const root = postcss.parse(css);
    return filterRules(root, context, { rules: maxRulesPerSheet }).join('\n');
  } catch {
    return '';
  }
}
