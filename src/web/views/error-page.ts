// Owns the pages shown when something fails: the catalogue's message, the "restarting" page and
// the 404 page. Must not show stack traces, internal paths or anything a server replied.
import { html, errorCatalogue, type ErrorCode, type Html } from '../../base/index.js';

export interface ErrorView {
  readonly title: string;
  readonly main: Html;
}

/** The page for an AlphaMail error code: its userMessage and a way on. */
export function errorView(
  code: ErrorCode,
  options: { retryUrl: string | null; isSignedIn: boolean },
): ErrorView {
  const spec = errorCatalogue[code];
  if (code === 'AM_WEBCACHE_DOWN') return restartingView(options.retryUrl);
  if (code === 'AM_NOT_FOUND') return notFoundView(options.isSignedIn);
  const title = spec.status >= 500 ? 'Something went wrong' : 'That did not work';
  const onward = options.isSignedIn
    ? html`<a href="/">Go to your inbox</a>`
    : html`<a href="/login">Sign in</a>`;
  const retry = options.retryUrl
    ? html`<li><a href="${options.retryUrl}">Try again</a></li>`
    : null;
  return {
    title,
    main: html`<h1>${title}</h1>
      <p class="error-message">${spec.userMessage}</p>
      <ul class="onward">
        ${retry}
        <li>${onward}</li>
      </ul>`,
  };
}

export function restartingView(retryUrl: string | null): ErrorView {
  const title = 'The mail service is restarting';
  return {
    title,
    main: html`<h1>${title}</h1>
      <p class="error-message">${errorCatalogue.AM_WEBCACHE_DOWN.userMessage}</p>
      <p>Nothing is lost: your mail stays on the mail server.</p>
      <p><a href="${retryUrl ?? '/'}">Try again</a></p>`,
  };
}

export function notFoundView(isSignedIn: boolean): ErrorView {
  const title = 'Page not found';
  return {
    title,
    main: html`<h1>${title}</h1>
      <p class="error-message">${errorCatalogue.AM_NOT_FOUND.userMessage}</p>
      <p>
        ${isSignedIn ? html`<a href="/">Go to your inbox</a>` : html`<a href="/login">Sign in</a>`}
      </p>`,
  };
}
