// Owns small form pieces the compose and identity forms share: a textarea that keeps its text
// exactly, and a field's error line. Must not know about any particular form.
import { html, joinHtml, type Html } from '../../base/index.js';

/**
 * A textarea holding `text` exactly. The HTML parser drops one newline right after <textarea>,
 * so one is always put there (text starting with a newline keeps it). Built in pieces so the
 * formatter cannot move that newline.
 */
export function textareaElement(attrs: Html, text: string): Html {
  return joinHtml([html`<textarea ${attrs}>`, '\n', text, html`</textarea>`]);
}

/** The error of one field, referenced by the control's aria-describedby. */
export function fieldError(id: string, message: string): Html {
  return html`<p class="field-error" id="${id}">
    <span class="visually-hidden">Error:</span> ${message}
  </p>`;
}

/** The aria attributes of a control: hint and error ids, and whether it is invalid. */
export function ariaOf(hintId: string | null, errorId: string | null): Html {
  const ids = [hintId, errorId].filter((x): x is string => x !== null).join(' ');
  return html`${ids === '' ? null : html` aria-describedby="${ids}"`}${
    errorId === null ? null : html` aria-invalid="true"`
  }`;
}
