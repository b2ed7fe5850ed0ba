// Owns the "Remote content" part of the settings page: the senders whose remote images always
// load (through AlphaMail's proxy), each with a Remove button. Must not validate addresses.
import { html, type Html } from '../../base/index.js';
import { hiddenCsrf } from './layout.js';

export interface RemoteSendersView {
  readonly csrf: string;
  /** Lower-case addresses, sorted. */
  readonly senders: readonly string[];
}

export function remoteSendersSection(view: RemoteSendersView): Html {
  const list =
    view.senders.length === 0
      ? html`<p>
          No senders yet. Choose “Always load from …” on a message whose remote images were blocked.
        </p>`
      : html`<ul class="remote-senders">
          ${view.senders.map(
            (sender) =>
              html`<li>
                <form method="post" action="/settings/remote-senders/remove">
                  ${hiddenCsrf(view.csrf)}
                  <input type="hidden" name="sender" value="${sender}" />
                  <span class="remote-sender">${sender}</span>
                  <button type="submit" aria-label="Remove ${sender}">Remove</button>
                </form>
              </li>`,
          )}
        </ul>`;
  return html`<section class="remote-content" aria-labelledby="remote-heading">
    <h2 id="remote-heading">Remote content</h2>
    <p class="hint">
      Remote images from these senders load without asking. They are always fetched by AlphaMail, so
      the sender never sees your address.
    </p>
    ${list}
  </section>`;
}
