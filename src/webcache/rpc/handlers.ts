// Owns assembling one handler per method and stream; the compiler proves none is missing.
// Must not contain handler logic.
import type {
  EventsHandler,
  MethodHandlers,
  StreamHandlers,
  UploadHandler,
} from '../../protocol/index.js';
import type { RpcContext } from './context.js';
import { downloadPart } from './download-part.js';
import { events } from './events.js';
import { getMessage } from './get-message.js';
import { listFolders } from './list-folders.js';
import { listMessages } from './list-messages.js';
import { login } from './login.js';
import { logout } from './logout.js';
import { messageSource } from './message-source.js';
import * as organiseFolders from './organise-folders.js';
import * as organiseMessages from './organise-messages.js';
import { ping } from './ping.js';
import { search, searchNeighbours } from './search.js';
import { sessionStats } from './session-stats.js';
import { composeFrom } from './compose-from.js';
import { getDraft } from './get-draft.js';
import { saveDraft } from './save-draft.js';
import { sendMessage } from './send-message.js';
import { suggestAddresses } from './suggest-addresses.js';
import { upload } from './upload.js';
import { liveSpools } from './live-spools.js';
import { getConversation } from './get-conversation.js';
import { listThreads } from './list-threads.js';

export function buildHandlers(ctx: RpcContext): {
  handlers: MethodHandlers;
  streamHandlers: StreamHandlers;
  events: EventsHandler;
  upload: UploadHandler;
} {
  return {
    handlers: {
      ping: ping(ctx),
      login: login(ctx),
      logout: logout(ctx),
      listFolders: listFolders(ctx),
      listMessages: listMessages(ctx),
      getMessage: getMessage(ctx),
      sessionStats: sessionStats(ctx),
      setFlags: organiseMessages.setFlags(ctx),
      copyMessages: organiseMessages.copyMessages(ctx),
      moveMessages: organiseMessages.moveMessages(ctx),
      deleteMessages: organiseMessages.deleteMessages(ctx),
      markJunk: organiseMessages.markJunk(ctx),
      emptyFolder: organiseMessages.emptyFolder(ctx),
      undo: organiseMessages.undo(ctx),
      createFolder: organiseFolders.createFolder(ctx),
      renameFolder: organiseFolders.renameFolder(ctx),
      deleteFolder: organiseFolders.deleteFolder(ctx),
      setSubscribed: organiseFolders.setSubscribed(ctx),
      saveDraft: saveDraft(ctx),
      getDraft: getDraft(ctx),
      sendMessage: sendMessage(ctx),
      composeFrom: composeFrom(ctx),
      suggestAddresses: suggestAddresses(ctx),
      search: search(ctx),
      searchNeighbours: searchNeighbours(ctx),
      liveSpools: liveSpools(ctx),
      listThreads: listThreads(ctx),
      getConversation: getConversation(ctx),
    },
    streamHandlers: {
      downloadPart: downloadPart(ctx),
      messageSource: messageSource(ctx),
    },
    events: events(ctx),
    upload: upload(ctx),
  };
}
