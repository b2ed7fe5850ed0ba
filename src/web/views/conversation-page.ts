// Owns the conversation page: every message of a thread in date order, each under its own h2,
// the newest shown in full and older ones as a preview with their text behind a disclosure.
// Must not place mail HTML in the page: texts arrive as linkified plain text.
import { html, type Html } from '../../base/index.js';
import type { ConversationMessage, Result } from '../../protocol/index.js';
import { formatDate, fullAddresses, machineDate, shortAddresses } from './format.js';
import { composeFromUrl, folderUrl, messageUrl } from './urls.js';

export type Conversation = Result<'getConversation'>;

export interface ConversationView {
  readonly conversation: Conversation;
  readonly folderName: string;
  /** Shown names of the folders the messages are in, by path (Sent's name for its messages). */
  readonly folderNames: ReadonlyMap<string, string>;
  /** Each message's text, linkified by the route (mime's linkifyText); absent when not read. */
  readonly texts: ReadonlyMap<ConversationMessage, Html>;
}

export function conversationTitle(view: ConversationView): string {
  const subject = view.conversation.subject.trim() || '(no subject)';
  return `${subject}, conversation in ${view.folderName}`;
}

function replyLinks(m: ConversationMessage): Html {
  const link = (mode: Parameters<typeof composeFromUrl>[0], key: string, label: string) =>
    html`<li>
      <a href="${composeFromUrl(mode, m.folder, m.uid)}" data-shortcut="${key}">${label}</a>
    </li>`;
  return html`<ul class="conversation-actions">
    ${link('reply', 'r', 'Reply')} ${link('replyAll', 'a', 'Reply all')}
    ${link('forward', 'f', 'Forward')}
  </ul>`;
}

function messageItem(view: ConversationView, m: ConversationMessage, n: number): Html {
  const isLatest = n === view.conversation.messages.length - 1;
  const headingId = `message-${n + 1}`;
  const when = machineDate(m.date);
  const where = view.folderNames.get(m.folder) ?? m.folder;
  const facts = [
    `To: ${shortAddresses(m.to)}`,
    ...(m.folder !== view.conversation.folder ? [`In ${where}`] : []),
    ...(m.isUnread ? ['Unread'] : []),
    ...(m.hasAttachments ? ['Has attachment'] : []),
  ];
  const text = view.texts.get(m);
  const fullText = text ? html`<pre class="message-text">${text}</pre>` : null;
  let body: Html | null;
  if (isLatest) {
    body = fullText ?? (m.snippet ? html`<p class="snippet">${m.snippet}</p>` : null);
  } else {
    body = html`${m.snippet ? html`<p class="snippet">${m.snippet}</p>` : null}
    ${
      fullText
        ? html`<details>
            <summary>Show the whole message</summary>
            ${fullText}
          </details>`
        : null
    }`;
  }
  return html`<li>
    <article
      class="conversation-message${isLatest ? ' latest' : ''}"
      aria-labelledby="${headingId}"
    >
      <h2 id="${headingId}">
        ${shortAddresses(m.from)},
        ${when ? html`<time datetime="${when}">${formatDate(m.date)}</time>` : m.date}
      </h2>
      <p class="conversation-facts">
        <span class="visually-hidden">From ${fullAddresses(m.from)}. </span>${facts.join('. ')}
      </p>
      ${body}
      <p><a href="${messageUrl(m.folder, m.uid)}">Open this message</a></p>
      ${isLatest ? replyLinks(m) : null}
    </article>
  </li>`;
}

export function conversationMain(view: ConversationView): Html {
  const c = view.conversation;
  const count = c.messages.length === 1 ? '1 message' : `${c.messages.length} messages`;
  return html`<h1>${c.subject.trim() || '(no subject)'}</h1>
    <p class="conversation-summary">
      ${count}, oldest first.
      <a href="${folderUrl(c.folder)}">Back to ${view.folderName}</a>
    </p>
    <ol class="conversation">
      ${c.messages.map((m, n) => messageItem(view, m, n))}
    </ol>`;
}
