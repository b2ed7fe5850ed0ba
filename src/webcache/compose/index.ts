// Public entry of webcache/compose/: drafts, sending, reply/forward templates, suggestions and
// the upload spool. Must not be imported from outside webcache/ (rpc/ calls it).
export { getDraft, saveDraft } from './drafts.js';
export { sendMessage } from './send.js';
export { composeFrom } from './templates.js';
export { suggestAddresses } from './suggest.js';
export { removeSessionSpool, spoolUpload } from './spool.js';
