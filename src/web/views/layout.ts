// Owns the page frame every HTML page shares: lang, title, skip link, banner, folder navigation
// slot and <main>. Must not take mail HTML (SanitizedMailHtml) or inline scripts and styles.
import { html, type Html } from '../../base/index.js';

export const appName = 'AlphaMail';

export interface AssetUrls {
  readonly css: string;
  readonly js: string;
}

/** Who is signed in, for the banner's name and sign-out form. */
export interface BannerUser {
  readonly user: string;
  readonly domain: string;
  readonly csrf: string;
}

export interface PageInput {
  /** What the page is about, first: "Inbox, 3 unread". " — AlphaMail" is appended. */
  readonly title: string;
  readonly assets: AssetUrls;
  readonly signedIn: BannerUser | null;
  /** The folder navigation, when the page has it. */
  readonly nav?: Html | null;
  /** The folder in view: the banner's search offers it as the scope. */
  readonly searchFolder?: string | null;
  readonly main: Html;
}

export function hiddenCsrf(token: string): Html {
  return html`<input type="hidden" name="_csrf" value="${token}" />`;
}

/** The quick search (GET /search, it changes nothing): all fields are on the /search page. */
function searchBox(folder: string | null): Html {
  const scope =
    folder === null
      ? html`<input type="hidden" name="scope" value="all" />`
      : html`<input type="hidden" name="folder" value="${folder}" />
          <label for="quick-search-scope">Where</label>
          <select id="quick-search-scope" name="scope">
            <option value="folder" selected>This folder</option>
            <option value="all">All folders</option>
          </select>`;
  return html`<form
    method="get"
    action="/search"
    class="quick-search"
    role="search"
    aria-label="Quick search"
  >
    <label for="quick-search">Search mail</label>
    <input id="quick-search" type="search" name="text" maxlength="200" data-shortcut="/" />
    ${scope}
    <button type="submit">Search</button>
    <a class="advanced-search-link" href="/search">Advanced search</a>
  </form>`;
}

function banner(signedIn: BannerUser | null, searchFolder: string | null): Html {
  const account = signedIn
    ? html`<div class="account">
        <p class="who">Signed in as <strong>${signedIn.user}@${signedIn.domain}</strong></p>
        <a class="compose-link" href="/compose" data-shortcut="c">Compose</a>
        <a class="settings-link" href="/settings">Settings</a>
        <form method="post" action="/logout" class="sign-out">
          ${hiddenCsrf(signedIn.csrf)}
          <button type="submit">Sign out</button>
        </form>
      </div>`
    : null;
  return html`<header class="banner">
    <p class="app-name"><a href="/">${appName}</a></p>
    ${signedIn ? searchBox(searchFolder) : null} ${account}
  </header>`;
}

export function renderPage(page: PageInput): string {
  const layoutClass = page.nav ? 'layout with-nav' : 'layout';
  return `<!doctype html>\n${html`<html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="referrer" content="no-referrer" />
      <title>${page.title} — ${appName}</title>
      <link rel="stylesheet" href="${page.assets.css}" />
      <script src="${page.assets.js}" defer></script>
    </head>
    <body>
      <a class="skip-link" href="#main">Skip to main content</a>
      ${banner(page.signedIn, page.searchFolder ?? null)}
      <div class="${layoutClass}">
        ${page.nav ?? null}
        <main id="main" tabindex="-1">${page.main}</main>
      </div>
    </body>
  </html>`.toString()}\n`;
}

/** A focusable summary of what went wrong, placed first in <main> and focused on load. */
export function errorSummary(message: string, heading = 'There is a problem'): Html {
  return html`<div class="error-summary" role="alert" tabindex="-1" id="error-summary" autofocus>
    <h2>${heading}</h2>
    <p>${message}</p>
  </div>`;
}

/**
 * A calm status line ("Settings saved"), announced politely. `isFocused`: it reports the result
 * of what the user just did on another page, so focus starts there (and shows) after the redirect.
 */
export function statusNotice(message: string, opts: { isFocused?: boolean } = {}): Html {
  return opts.isFocused === true
    ? html`<p class="status-notice" role="status" tabindex="-1" autofocus>${message}</p>`
    : html`<p class="status-notice" role="status">${message}</p>`;
}
