// Owns the branded HTML types: a template value is either Html (escaped or built by us)
// or a plain string, which is always escaped. Mail HTML has its own brand (SanitizedMailHtml)
// that only the message-frame builder accepts, so it cannot reach the page chrome by mistake.

/** Markup that is safe to place in a page: built by `html` or escaped. */
export class Html {
  readonly #markup: string;
  constructor(markup: string, token: typeof constructToken) {
    if (token !== constructToken) throw new TypeError('Html is built by html`` only');
    this.#markup = markup;
  }
  toString(): string {
    return this.#markup;
  }
}

const constructToken = Symbol('html');

/** Message HTML that went through the mail sanitiser; only the iframe document accepts it. */
export class SanitizedMailHtml {
  readonly #markup: string;
  constructor(markup: string, token: typeof mailToken) {
    if (token !== mailToken) throw new TypeError('SanitizedMailHtml comes from the sanitiser');
    this.#markup = markup;
  }
  toString(): string {
    return this.#markup;
  }
}

const mailToken = Symbol('mail-html');

export type HtmlValue = Html | string | number | null | undefined | false | readonly HtmlValue[];

/** Finds the first character that needs escaping; most text (names, subjects) has none. */
const needsEscape = /[&<>"']/;

/**
 * Escapes the five characters that can end a text run or a quoted attribute. One pass, and the
 * input itself when nothing needs escaping: this runs for every value on every page.
 */
export function escapeHtml(text: string): string {
  const first = text.search(needsEscape);
  if (first === -1) return text;
  let out = text.slice(0, first);
  let runStart = first;
  for (let i = first; i < text.length; i++) {
    let entity: string;
    switch (text.charCodeAt(i)) {
      case 0x26:
        entity = '&amp;';
        break;
      case 0x3c:
        entity = '&lt;';
        break;
      case 0x3e:
        entity = '&gt;';
        break;
      case 0x22:
        entity = '&quot;';
        break;
      case 0x27:
        entity = '&#39;';
        break;
      default:
        continue;
    }
    if (runStart !== i) out += text.slice(runStart, i);
    out += entity;
    runStart = i + 1;
  }
  return runStart === text.length ? out : out + text.slice(runStart);
}

function render(value: HtmlValue): string {
  if (typeof value === 'string') return escapeHtml(value);
  if (value instanceof Html) return value.toString();
  if (value === null || value === undefined || value === false) return '';
  // A number's text never holds a character that needs escaping.
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return renderList(value as readonly HtmlValue[]);
  return escapeHtml(String(value));
}

function renderList(values: readonly HtmlValue[]): string {
  let out = '';
  for (const value of values) out += render(value);
  return out;
}

/** Tagged template: interpolated strings are escaped unless they are Html. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) {
    out += render(values[i]);
    out += strings[i + 1] ?? '';
  }
  return new Html(out, constructToken);
}

/** Joins fragments into one Html value. */
export function joinHtml(parts: readonly HtmlValue[]): Html {
  return new Html(renderList(parts), constructToken);
}

/**
 * Markup we produced ourselves by a means other than `html`` (e.g. a linkifier that escaped
 * every text run). Grep for callers: each must say why its input is safe.
 */
export function trustedHtml(markup: string): Html {
  return new Html(markup, constructToken);
}

/** Brands sanitiser output; only src/mime's sanitiser may call this. */
export function brandSanitizedMailHtml(markup: string): SanitizedMailHtml {
  return new SanitizedMailHtml(markup, mailToken);
}
