// Owns the sign-in page: user name, password, mail domain, an error summary that keeps the user
// name. Must not echo the password or say which of user name and password was wrong.
import { html, type Html } from '../../base/index.js';
import { errorSummary, hiddenCsrf, statusNotice } from './layout.js';

export interface LoginView {
  readonly csrf: string;
  readonly domains: readonly string[];
  readonly user?: string;
  readonly domain?: string;
  readonly next?: string | null;
  readonly error?: string | null;
  readonly notice?: string | null;
}

function domainField(domains: readonly string[], chosen: string | undefined): Html {
  if (domains.length === 1) {
    const only = domains[0] ?? '';
    return html`<input type="hidden" name="domain" value="${only}" />
      <p class="field-note">Mail domain: <strong>${only}</strong></p>`;
  }
  const options = domains.map(
    (d) => html`<option value="${d}" ${d === chosen ? html` selected` : null}>${d}</option>`,
  );
  return html`<div class="field">
    <label for="domain">Mail domain</label>
    <select id="domain" name="domain">
      ${options}
    </select>
  </div>`;
}

export function loginMain(view: LoginView): Html {
  return html`<h1>Sign in to AlphaMail</h1>
    ${view.error ? errorSummary(view.error) : null}
    ${view.notice ? statusNotice(view.notice) : null}
    <form method="post" action="/login" class="sign-in">
      ${hiddenCsrf(view.csrf)}
      ${view.next ? html`<input type="hidden" name="next" value="${view.next}" />` : null}
      <div class="field">
        <label for="user">User name</label>
        <input
          id="user"
          name="user"
          type="text"
          autocomplete="username"
          autocapitalize="none"
          spellcheck="false"
          required
          maxlength="320"
          value="${view.user ?? ''}"
        />
      </div>
      <div class="field">
        <label for="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autocomplete="current-password"
          required
          maxlength="1024"
        />
      </div>
      ${domainField(view.domains, view.domain)}
      <button type="submit">Sign in</button>
    </form>`;
}
