// Owns conversations in the web tier: the folder index as conversation rows (when the user chose
// it in settings) and the conversation page GET /f/:folder/:uid/thread. Must not change anything
// on the server beyond what reading does (opening a conversation marks its shown messages read).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Html } from '../../base/index.js';
import { linkifyText } from '../../mime/index.js';
import type { ConversationMessage } from '../../protocol/index.js';
import type { WebDeps } from '../context.js';
import { requireSignedIn } from '../plugins/session.js';
import { sendPage } from '../render.js';
import type { SignedIn } from '../session-mail.js';
import type { Prefs } from '../session-store.js';
import { conversationMain, conversationTitle } from '../views/conversation-page.js';
import { indexOrganise } from '../views/organise-views.js';
import { threadIndexMain, threadIndexTitle } from '../views/thread-index-page.js';
import {
  folderName,
  folderNav,
  folderParam,
  loadFolders,
  pageQuery,
  selectionQuery,
  uidParam,
} from './common.js';
import { noticeFromQuery } from './organise.js';

/** The folder index as conversations; folders.ts calls this when prefs.threaded is on. */
export async function sendThreadedIndex(
  deps: WebDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  who: SignedIn,
  view: { folder: string; prefs: Prefs; notice: string | null },
): Promise<FastifyReply> {
  const { folder, prefs, notice } = view;
  const page = pageQuery(request);
  const { selectAll, selfUrl } = selectionQuery(request);
  const [listing, folders] = await Promise.all([
    deps.mail.call(who, 'listThreads', { folder, page, pageSize: prefs.pageSize }),
    loadFolders(deps, who),
  ]);
  const organise = indexOrganise({
    folders,
    folder: listing.folder,
    csrf: who.record.csrf,
    selfUrl,
    notice: await noticeFromQuery(deps, who, request, folders),
    rows: 'conversations',
    selectAll,
  });
  return sendPage(deps, request, reply, {
    title: threadIndexTitle(listing),
    main: threadIndexMain({ page: listing, notice, organise }),
    nav: folderNav(folders, listing.folder.path),
    searchFolder: listing.folder.path,
  });
}

export function registerThreadRoutes(app: FastifyInstance, deps: WebDeps): void {
  app.get('/f/:folder/:uid/thread', async (request, reply) => {
    const who = requireSignedIn(request);
    const folder = folderParam(request);
    const uid = uidParam(request);
    const [conversation, folders] = await Promise.all([
      deps.mail.call(who, 'getConversation', { folder, uid, markRead: true }),
      loadFolders(deps, who),
    ]);
    const texts = new Map<ConversationMessage, Html>();
    for (const m of conversation.messages) if (m.text !== null) texts.set(m, linkifyText(m.text));
    const folderNames = new Map(
      conversation.messages.map((m) => [m.folder, folderName(folders, m.folder)]),
    );
    const view = { conversation, folderName: folderName(folders, folder), folderNames, texts };
    return sendPage(deps, request, reply, {
      title: conversationTitle(view),
      main: conversationMain(view),
      nav: folderNav(folders, folder),
      searchFolder: folder,
    });
  });
}
