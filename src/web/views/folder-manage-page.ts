// Owns the folder management page: create (name and parent), the nested list with rename and
// delete per folder, subscriptions, and the confirmation page for deleting a folder.
// Must not fetch or decide anything: routes do.
import { html, type Html } from '../../base/index.js';
import type { FolderInfo } from '../../protocol/index.js';
import { folderTree } from './folder-nav.js';
import { errorSummary, hiddenCsrf, statusNotice } from './layout.js';
import { folderLabelText } from './organise-views.js';

export const folderManageUrl = '/folders/manage';

export interface FolderManageView {
  readonly folders: readonly FolderInfo[];
  readonly separator: string;
  readonly csrf: string;
  readonly notice: string | null;
  readonly error: string | null;
  /** What the user typed into the create form, kept after an error. */
  readonly typedName: string;
  readonly typedParent: string;
}

/** INBOX and special-use folders cannot be renamed or deleted (the webcache refuses too). */
export function isProtectedFolder(folder: FolderInfo): boolean {
  return folder.path.toUpperCase() === 'INBOX' || folder.specialUse !== null;
}

function createSection(view: FolderManageView): Html {
  const options = view.folders.map(
    (f) =>
      html`<option value="${f.path}" ${f.path === view.typedParent ? html` selected` : null}>
        ${folderLabelText(f)}
      </option>`,
  );
  return html`<section aria-labelledby="create-heading">
    <h2 id="create-heading">Create a folder</h2>
    <form method="post" action="/folders/create" class="folder-create">
      ${hiddenCsrf(view.csrf)}
      <div class="field">
        <label for="new-folder-name">Name</label>
        <input
          id="new-folder-name"
          name="name"
          type="text"
          required
          maxlength="200"
          aria-describedby="new-folder-hint"
          value="${view.typedName}"
        />
        <p id="new-folder-hint" class="hint">
          A name cannot contain “${view.separator}”. To make a folder inside another, choose it
          under “Inside”.
        </p>
      </div>
      <div class="field">
        <label for="new-folder-parent">Inside</label>
        <select id="new-folder-parent" name="parent">
          <option value="" ${view.typedParent === '' ? html` selected` : null}>Top level</option>
          ${options}
        </select>
      </div>
      <button type="submit">Create folder</button>
    </form>
  </section>`;
}

function folderItem(folder: FolderInfo, index: number, csrf: string): Html {
  const label = folderLabelText(folder);
  if (isProtectedFolder(folder)) return html`<span class="folder-name">${folder.name}</span>`;
  const deleteUrl = `/folders/delete?${new URLSearchParams({ folder: folder.path }).toString()}`;
  return html`<span class="folder-name">${folder.name}</span>
    <form method="post" action="/folders/rename" class="folder-rename">
      ${hiddenCsrf(csrf)}<input type="hidden" name="folder" value="${folder.path}" />
      <label for="rename-${index}">New name for ${label}</label>
      <input
        id="rename-${index}"
        name="name"
        type="text"
        required
        maxlength="200"
        value="${folder.name}"
      />
      <button type="submit">Rename</button>
    </form>
    <a href="${deleteUrl}">Delete ${label}…</a>`;
}

function folderList(view: FolderManageView): Html {
  const indexOf = new Map(view.folders.map((f, i) => [f.path, i]));
  const render = (nodes: ReturnType<typeof folderTree>): Html =>
    html`<ul>
      ${nodes.map(
        (n) =>
          html`<li>
            ${folderItem(n.folder, indexOf.get(n.folder.path) ?? 0, view.csrf)}
            ${n.children.length > 0 ? render(n.children) : null}
          </li>`,
      )}
    </ul>`;
  return html`<section aria-labelledby="folders-heading" class="folder-manage-list">
    <h2 id="folders-heading">Your folders</h2>
    ${render(folderTree(view.folders))}
  </section>`;
}

function subscriptions(view: FolderManageView): Html {
  const boxes = view.folders.map(
    (f, i) =>
      html`<div class="check">
        <input
          type="checkbox"
          id="subscribed-${i}"
          name="subscribed"
          value="${f.path}"
          ${f.subscribed ? html` checked` : null}
        /><input type="hidden" name="listed" value="${f.path}" />
        <label for="subscribed-${i}">${folderLabelText(f)}</label>
      </div>`,
  );
  return html`<section aria-labelledby="subscriptions-heading">
    <h2 id="subscriptions-heading">Subscriptions</h2>
    <p>Mail programs that show only subscribed folders show the ticked ones.</p>
    <form method="post" action="/folders/subscriptions" class="folder-subscriptions">
      ${hiddenCsrf(view.csrf)}
      <fieldset>
        <legend>Subscribed folders</legend>
        ${boxes}
      </fieldset>
      <button type="submit">Save subscriptions</button>
    </form>
  </section>`;
}

export function folderManageMain(view: FolderManageView): Html {
  return html`<h1>Manage folders</h1>
    ${view.error ? errorSummary(view.error) : null}
    ${view.notice ? statusNotice(view.notice) : null} ${createSection(view)} ${folderList(view)}
    ${subscriptions(view)}`;
}

/** Asks before deleting a folder, its subfolders and the mail in them. */
export function confirmFolderDeleteMain(input: {
  folder: FolderInfo;
  below: readonly FolderInfo[];
  csrf: string;
}): { title: string; main: Html } {
  const label = folderLabelText(input.folder);
  const title = `Delete the folder ${label}?`;
  const messages = [input.folder, ...input.below].reduce((n, f) => n + (f.total ?? 0), 0);
  const sub =
    input.below.length === 0
      ? null
      : html` and its
        ${input.below.length === 1 ? '1 subfolder' : `${input.below.length} subfolders`}`;
  return {
    title,
    main: html`<h1>${title}</h1>
      <p>
        The folder${sub} and the ${messages === 1 ? '1 message' : `${messages} messages`} in it will
        be deleted for good. This cannot be undone.
      </p>
      <form method="post" action="/folders/delete" class="confirm-form">
        ${hiddenCsrf(input.csrf)}<input type="hidden" name="folder" value="${input.folder.path}" />
        <button type="submit" class="danger">Delete folder</button>
        <a href="${folderManageUrl}">Cancel</a>
      </form>`,
  };
}
