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

const escapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => escapes[c] ?? c);
}

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Html) return value.toString();
  if (Array.isArray(value)) return (value as readonly HtmlValue[]).map(render).join('');
  return escapeHtml(String(value));
}

/** Tagged template: interpolated strings are escaped unless they are Html. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) {
    out += render(values[i]) + (strings[i + 1] ?? '');
  }
  return new Html(out, constructToken);
}

/** Joins fragments into one Html value. */
export function joinHtml(parts: readonly HtmlValue[]): Html {
  return new Html(parts.map(render).join(''), constructToken);
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
