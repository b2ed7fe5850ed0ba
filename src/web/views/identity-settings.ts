// Owns the identity part of the settings page: display name, From address and signature, each
// labelled, a problem shown beside its field. Must not validate: web/identity.ts does.
import { html, type Html } from '../../base/index.js';
import type { IdentityField } from '../identity.js';
import type { Identity } from '../session-store.js';
import { ariaOf, fieldError, textareaElement } from './form-controls.js';
import { hiddenCsrf } from './layout.js';

export interface IdentityView {
  readonly csrf: string;
  readonly identity: Identity;
  readonly domain: string;
  readonly error?: { readonly field: IdentityField; readonly message: string } | null;
}

export function identityFieldId(field: IdentityField): string {
  return `identity-${field}`;
}

const hints: Record<IdentityField, string | null> = {
  displayName: 'Shown to the people you write to, for example “Ann Lee”. May be empty.',
  address: null,
  signature: 'Plain text added below new messages. May be empty.',
};

const labels: Record<IdentityField, string> = {
  displayName: 'Display name',
  address: 'From address',
  signature: 'Signature',
};

export function identitySection(view: IdentityView): Html {
  const { identity } = view;
  const field = (name: IdentityField, control: (aria: Html) => Html): Html => {
    const id = identityFieldId(name);
    const hint = hints[name];
    const hintId = hint === null ? null : `${id}-hint`;
    const errorId = view.error?.field === name ? `${id}-error` : null;
    return html`<div class="field">
      <label for="${id}">${labels[name]}</label>
      ${hint === null ? null : html`<p class="hint" id="${hintId}">${hint}</p>`}
      ${errorId === null || !view.error ? null : fieldError(errorId, view.error.message)}
      ${control(ariaOf(hintId, errorId))}
    </div>`;
  };
  return html`<section class="identity" aria-labelledby="identity-heading">
    <h2 id="identity-heading">Your identity on ${view.domain}</h2>
    <form method="post" action="/settings/identity" class="settings">
      ${hiddenCsrf(view.csrf)}
      ${field(
        'displayName',
        (aria) =>
          html`<input
            id="${identityFieldId('displayName')}"
            name="displayName"
            type="text"
            autocomplete="name"
            value="${identity.displayName}"
            ${aria}
          />`,
      )}
      ${field(
        'address',
        (aria) =>
          html`<input
            id="${identityFieldId('address')}"
            name="address"
            type="text"
            inputmode="email"
            spellcheck="false"
            autocomplete="email"
            required
            value="${identity.address}"
            ${aria}
          />`,
      )}
      ${field('signature', (aria) =>
        textareaElement(
          html`id="${identityFieldId('signature')}" name="signature" rows="4" ${aria}`,
          identity.signature,
        ),
      )}
      <button type="submit">Save identity</button>
    </form>
  </section>`;
}
