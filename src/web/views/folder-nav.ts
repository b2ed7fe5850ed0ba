// Owns the folder list on every signed-in page: nested lists by depth, unread counts as text,
// aria-current on the folder in view. Must not fetch anything: it renders what it is given.
import { html, type Html } from '../../base/index.js';
import type { FolderInfo } from '../../protocol/index.js';
import { folderUrl } from './urls.js';

interface FolderNode {
  readonly folder: FolderInfo;
  readonly children: FolderNode[];
}

/** Folders come in display order with a depth each; a child follows its parent. */
export function folderTree(folders: readonly FolderInfo[]): FolderNode[] {
  const roots: FolderNode[] = [];
  const stack: FolderNode[] = [];
  for (const folder of folders) {
    const node: FolderNode = { folder, children: [] };
    while (stack.length > 0 && (stack[stack.length - 1]?.folder.depth ?? 0) >= folder.depth) {
      stack.pop();
    }
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(node);
    else roots.push(node);
    stack.push(node);
  }
  return roots;
}

/** "Inbox, 3 unread" to a screen reader; "Inbox 3" with a badge on screen. */
export function folderLabel(folder: FolderInfo): Html {
  const unread = folder.unread ?? 0;
  if (unread === 0) return html`<span class="folder-name">${folder.name}</span>`;
  return html`<span class="folder-name">${folder.name}</span><span class="visually-hidden">, </span>
    <span class="unread-count">${unread}</span><span class="visually-hidden"> unread</span>`;
}

function renderNodes(nodes: readonly FolderNode[], currentPath: string | null): Html {
  const items = nodes.map(({ folder, children }) => {
    const label = folderLabel(folder);
    const isCurrent = folder.path === currentPath;
    const entry = folder.selectable
      ? html`<a href="${folderUrl(folder.path)}" ${isCurrent ? html` aria-current="page"` : null}
          >${label}</a
        >`
      : html`<span class="not-selectable">${label}</span>`;
    const nested = children.length > 0 ? renderNodes(children, currentPath) : null;
    return html`<li>${entry}${nested}</li>`;
  });
  return html`<ul>
    ${items}
  </ul>`;
}

export function renderFolderNav(folders: readonly FolderInfo[], currentPath: string | null): Html {
  return html`<nav class="folders" aria-label="Folders">
    ${renderNodes(folderTree(folders), currentPath)}
    <p class="folder-manage-link"><a href="/folders/manage">Manage folders</a></p>
  </nav>`;
}
