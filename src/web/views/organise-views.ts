// Owns the organising controls: the toolbar of an index, a conversation index or search results
// (one form with the row checkboxes and "Select all"), the message page's actions, the "done"
// notice with its Undo button, and the confirmation page for deleting for good. Must not fetch
// or decide anything: routes do.
import { html, type Html } from '../../base/index.js';
import type { FolderInfo, MessageDetail } from '../../protocol/index.js';
import { hiddenCsrf } from './layout.js';
import { withoutNotice } from './urls.js';

/** The actions of the toolbar, as the `action` field carries them. */
export const organiseActions = [
  'read',
  'unread',
  'flag',
  'unflag',
  'move',
  'copy',
  'delete',
  'junk',
] as const;
export type OrganiseAction = (typeof organiseActions)[number];

/** What a finished action reports on the next page (`done` in the query). */
export const doneKinds = [
  'read',
  'unread',
  'flag',
  'unflag',
  'copied',
  'moved',
  'deleted',
  'junk',
  'purged',
  'emptied',
  'restored',
] as const;
export type DoneKind = (typeof doneKinds)[number];

/** The parts the index page places: hidden fields and toolbar inside its form, the notice. */
export interface OrganiseParts {
  /** Every row's checkbox starts ticked ("Select all" was followed). */
  readonly selectAll: boolean;
  /** The rows are of several folders: each checkbox names its folder (`message` fields). */
  readonly rowsNameFolder: boolean;
  readonly fields: Html;
  readonly toolbar: Html;
  readonly notice: Html | null;
  /** "Empty Trash" for Trash and Junk, outside the form. */
  readonly folderActions: Html | null;
}

/** "Archive / 2024": the whole shown path, so nested folders of the same name differ. */
export function folderLabelText(folder: FolderInfo): string {
  return folder.displayParts.join(' / ');
}

function nameOf(folders: readonly FolderInfo[], path: string): string {
  const folder = folders.find((f) => f.path === path);
  return folder ? folderLabelText(folder) : path;
}

function folderOptions(folders: readonly FolderInfo[], except: string): Html {
  return html`${folders
    .filter((f) => f.selectable && f.path !== except)
    .map((f) => html`<option value="${f.path}">${folderLabelText(f)}</option>`)}`;
}

function messages(n: number): string {
  return n === 1 ? '1 message' : `${n} messages`;
}

/** The buttons and folder choices; `idPrefix` keeps ids unique if a page has two toolbars. */
function actionControls(
  folders: readonly FolderInfo[],
  folder: string,
  idPrefix: string,
  flags: { isUnread: boolean | null; isFlagged: boolean | null },
): Html {
  const button = (action: OrganiseAction, label: string, extra: Html | null = null): Html =>
    html`<button type="submit" name="action" value="${action}" ${extra}>${label}</button>`;
  const readButtons =
    flags.isUnread === null
      ? html`${button('read', 'Mark read')} ${button('unread', 'Mark unread')}`
      : flags.isUnread
        ? button('read', 'Mark read')
        : button('unread', 'Mark unread');
  const flagButtons =
    flags.isFlagged === null
      ? html`${button('flag', 'Flag')} ${button('unflag', 'Unflag')}`
      : flags.isFlagged
        ? button('unflag', 'Unflag')
        : button('flag', 'Flag');
  return html`<div class="organise-buttons">${readButtons} ${flagButtons}</div>
    <div class="organise-target">
      <label for="${idPrefix}-move-to">Move to</label>
      <select id="${idPrefix}-move-to" name="moveTo">
        ${folderOptions(folders, folder)}
      </select>
      ${button('move', 'Move')}
    </div>
    <div class="organise-target">
      <label for="${idPrefix}-copy-to">Copy to</label>
      <select id="${idPrefix}-copy-to" name="copyTo">
        ${folderOptions(folders, folder)}
      </select>
      ${button('copy', 'Copy')}
    </div>
    <div class="organise-buttons">
      ${button('delete', 'Delete', html` data-shortcut="#"`)} ${button('junk', 'Junk')}
    </div>`;
}

/**
 * The form's hidden fields. `folder` null: the rows are of several folders, each names its own
 * (`message` fields, "<uid> <folder>"), which `selection` tells the route.
 */
function hiddenFields(csrf: string, folder: string | null, next: string, nextGone: string): Html {
  const where =
    folder === null
      ? html`<input type="hidden" name="selection" value="messages" />`
      : html`<input type="hidden" name="folder" value="${folder}" />`;
  const back = html`<input type="hidden" name="next" value="${next}" />`;
  const gone = html`<input type="hidden" name="nextGone" value="${nextGone}" />`;
  return html`${hiddenCsrf(csrf)}${where}${back}${gone}`;
}

/** What happened, in words, from the `done` query of the page after an action. */
export function doneText(
  kind: DoneKind,
  count: number,
  to: string | null,
  folders: readonly FolderInfo[],
): string {
  const where = to === null ? 'another folder' : nameOf(folders, to);
  switch (kind) {
    case 'read':
      return `Marked ${messages(count)} as read.`;
    case 'unread':
      return `Marked ${messages(count)} as unread.`;
    case 'flag':
      return `Flagged ${messages(count)}.`;
    case 'unflag':
      return `Removed the flag from ${messages(count)}.`;
    case 'copied':
      return `Copied ${messages(count)} to ${where}.`;
    case 'moved':
    case 'deleted':
    case 'junk':
      return `Moved ${messages(count)} to ${where}.`;
    case 'purged':
      return `Deleted ${messages(count)} for good.`;
    case 'emptied':
      return `Emptied ${where}: ${messages(count)} deleted for good.`;
    case 'restored':
      return `Undone: ${messages(count)} moved back to ${where}.`;
  }
}

/** The notice after an action, announced politely, with Undo after a move or delete. */
export function doneNotice(input: {
  text: string;
  isUndoable: boolean;
  csrf: string;
  next: string;
}): Html {
  const undo = input.isUndoable
    ? html`<form method="post" action="/organise/undo" class="undo-form">
        ${hiddenCsrf(input.csrf)}<input type="hidden" name="next" value="${input.next}" />
        <button type="submit">Undo</button>
      </form>`
    : null;
  return html`<div class="status-notice organise-notice" role="status">
    <p>${input.text}</p>
    ${undo}
  </div>`;
}

/**
 * A row's checkbox in an organising form, labelled with the row's subject: `uid` with a message's
 * UID, `conversation` with its messages' UIDs separated by spaces, `message` with "<uid> <folder>"
 * (results of a search over all folders).
 */
export function rowSelectCell(
  parts: OrganiseParts,
  row: { name: 'uid' | 'conversation' | 'message'; value: string; id: string; subject: string },
): Html {
  const { name, value, id } = row;
  const box = parts.selectAll
    ? html`<input type="checkbox" name="${name}" value="${value}" id="${id}" checked />`
    : html`<input type="checkbox" name="${name}" value="${value}" id="${id}" />`;
  return html`<td class="col-select">
    ${box}<label for="${id}" class="visually-hidden">${row.subject}</label>
  </td>`;
}

/** The header cell above the row checkboxes. */
export const selectHeaderCell = html`<th scope="col" class="col-select">
  <span class="visually-hidden">Select</span>
</th>`;

/** An index listing inside its organising form (one form: the checkboxes post without script). */
export function organiseForm(parts: OrganiseParts, listing: Html): Html {
  return html`<form method="post" action="/organise" class="organise-form">
    ${parts.fields} ${parts.toolbar} ${listing}
  </form>`;
}

interface ToolbarInput {
  folders: readonly FolderInfo[];
  csrf: string;
  /** The page's own URL (without `select`): where the form returns. */
  selfUrl: string;
  notice: Html | null;
  /** What the rows are; the toolbar's legend says it. */
  rows?: 'messages' | 'conversations';
  /** Every row starts ticked. */
  selectAll?: boolean;
}

/** Links, so they work without script: the page comes back with every box ticked, or none. */
function selectLinks(selfUrl: string, selectAll: boolean): Html {
  const selectUrl = (all: boolean): string => {
    // The links re-show this page, not the notice of what was done before it.
    const url = withoutNotice(selfUrl);
    if (all) url.searchParams.set('select', 'all');
    return url.pathname + url.search;
  };
  return html`<p class="select-links">
    <a href="${selectUrl(true)}" ${selectAll ? html` aria-current="true"` : null}
      >Select all on this page</a
    >
    <a href="${selectUrl(false)}">Select none</a>
  </p>`;
}

/** Hidden fields and toolbar of rows in `folder`, or (null) of rows that each name a folder. */
function organiseToolbar(input: ToolbarInput, folder: string | null): OrganiseParts {
  const selectAll = input.selectAll ?? false;
  return {
    selectAll,
    rowsNameFolder: folder === null,
    fields: hiddenFields(input.csrf, folder, input.selfUrl, input.selfUrl),
    toolbar: html`<fieldset class="organise-toolbar">
      <legend>Selected ${input.rows ?? 'messages'}</legend>
      ${selectLinks(input.selfUrl, selectAll)}
      ${actionControls(input.folders, folder ?? '', 'index', { isUnread: null, isFlagged: null })}
    </fieldset>`,
    notice: input.notice,
    folderActions: null,
  };
}

/** The toolbar and hidden fields of a folder index's form; the route adds the notice. */
export function indexOrganise(input: ToolbarInput & { folder: FolderInfo }): OrganiseParts {
  const { folder } = input;
  const canEmpty = folder.specialUse === 'trash' || folder.specialUse === 'junk';
  const emptyUrl = `/organise/confirm?${new URLSearchParams({ action: 'empty', folder: folder.path, next: input.selfUrl }).toString()}`;
  return {
    ...organiseToolbar(input, folder.path),
    folderActions:
      canEmpty && (folder.total ?? 1) > 0
        ? html`<p class="folder-actions"><a href="${emptyUrl}">Empty ${folder.name}</a></p>`
        : null,
  };
}

/** The same for search results: of the searched folder, or (null) of all folders. */
export function searchOrganise(input: ToolbarInput & { folder: string | null }): OrganiseParts {
  return organiseToolbar(input, input.folder);
}

/** The message page's form: the same actions for the one message shown. */
export function messageOrganise(input: {
  message: MessageDetail;
  folders: readonly FolderInfo[];
  csrf: string;
  selfUrl: string;
  folderUrl: string;
}): Html {
  const m = input.message;
  return html`<form method="post" action="/organise" class="organise-form message-organise">
    ${hiddenFields(input.csrf, m.folder, input.selfUrl, input.folderUrl)}
    <input type="hidden" name="uid" value="${m.uid}" />
    <fieldset class="organise-toolbar">
      <legend>This message</legend>
      ${actionControls(input.folders, m.folder, 'message', {
        isUnread: m.isUnread,
        isFlagged: m.isFlagged,
      })}
    </fieldset>
  </form>`;
}

/** The page that asks before deleting for good (messages, or a whole Trash or Junk). */
export function confirmDeleteMain(input: {
  action: 'delete' | 'empty';
  folder: FolderInfo | null;
  folderPath: string;
  uids: readonly number[];
  next: string;
  csrf: string;
}): { title: string; main: Html } {
  const name = input.folder?.name ?? input.folderPath;
  const count = input.action === 'empty' ? (input.folder?.total ?? 0) : input.uids.length;
  const title =
    input.action === 'empty' ? `Empty ${name} for good?` : `Delete ${messages(count)} for good?`;
  const what =
    input.action === 'empty'
      ? `All ${messages(count)} in ${name} will be deleted.`
      : `The ${count === 1 ? 'message is' : 'messages are'} in ${name}, so ${count === 1 ? 'it' : 'they'} cannot go to Trash.`;
  return {
    title,
    main: html`<h1>${title}</h1>
      <p>${what} This cannot be undone.</p>
      <form method="post" action="/organise/confirm" class="confirm-form">
        ${hiddenCsrf(input.csrf)}
        <input type="hidden" name="action" value="${input.action}" />
        <input type="hidden" name="folder" value="${input.folderPath}" />
        <input type="hidden" name="next" value="${input.next}" />
        ${input.uids.map((uid) => html`<input type="hidden" name="uid" value="${uid}" />`)}
        <button type="submit" class="danger">Delete for good</button>
        <a href="${input.next}">Cancel</a>
      </form>`,
  };
}
