// Owns the settings page: page size and default sort, each control labelled.
// Must not validate: the route does, and passes back the error to show.
import { html, type Html } from '../../base/index.js';
import type { SortField, SortOrder } from '../../protocol/index.js';
import { errorSummary, hiddenCsrf, statusNotice } from './layout.js';

export interface SettingsView {
  readonly csrf: string;
  readonly pageSize: string;
  readonly sort: SortField;
  readonly order: SortOrder;
  readonly minPageSize: number;
  readonly maxPageSize: number;
  /** The index shows conversations (web_prefs.threaded). */
  readonly threaded?: boolean;
  readonly error?: string | null;
  readonly notice?: string | null;
  /** The identity form (views/identity-settings.ts), placed after the display settings. */
  readonly identity?: Html | null;
  /** The remote-content senders (views/remote-senders-settings.ts), placed last. */
  readonly remoteSenders?: Html | null;
}

const sortLabels: [SortField, string][] = [
  ['date', 'Date'],
  ['from', 'Sender'],
  ['subject', 'Subject'],
  ['size', 'Size'],
];

const orderLabels: [SortOrder, string][] = [
  ['desc', 'Descending (newest, largest or Z first)'],
  ['asc', 'Ascending (oldest, smallest or A first)'],
];

function options<T extends string>(list: [T, string][], chosen: T): Html[] {
  return list.map(
    ([value, label]) =>
      html`<option value="${value}" ${value === chosen ? html` selected` : null}>${label}</option>`,
  );
}

export function settingsMain(view: SettingsView): Html {
  return html`<h1>Settings</h1>
    ${view.error ? errorSummary(view.error) : null}
    ${view.notice ? statusNotice(view.notice) : null}
    <form method="post" action="/settings" class="settings">
      ${hiddenCsrf(view.csrf)}
      <div class="field">
        <label for="page-size">Messages per page</label>
        <p class="hint" id="page-size-hint">
          A number from ${view.minPageSize} to ${view.maxPageSize}.
        </p>
        <input
          id="page-size"
          name="pageSize"
          type="number"
          min="${view.minPageSize}"
          max="${view.maxPageSize}"
          step="1"
          required
          value="${view.pageSize}"
          aria-describedby="page-size-hint"
          ${view.error ? html` aria-invalid="true"` : null}
        />
      </div>
      <div class="field">
        <label for="sort">Sort messages by</label>
        <select id="sort" name="sort">
          ${options(sortLabels, view.sort)}
        </select>
      </div>
      <div class="field">
        <label for="order">Order</label>
        <select id="order" name="order">
          ${options(orderLabels, view.order)}
        </select>
      </div>
      <div class="field field-checkbox">
        <input
          id="threaded"
          name="threaded"
          type="checkbox"
          value="1"
          aria-describedby="threaded-hint"
          ${view.threaded === true ? html` checked` : null}
        />
        <label for="threaded">Show the index as conversations</label>
        <p class="hint" id="threaded-hint">
          One row per conversation, your own replies from Sent included.
        </p>
      </div>
      <button type="submit">Save settings</button>
    </form>
    ${view.identity ?? null} ${view.remoteSenders ?? null}`;
}
