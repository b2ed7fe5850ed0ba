// Public entry of mime/: decoding, headers, snippets, file names, the HTML sanitiser and the
// plain-text linkifier. Pure: nothing here touches the network or the disk.
export { decodeBodyPart, decodeCharset, decodeTransferEncoding, isKnownCharset } from './decode.js';
export { decodeHeaderWords, parseMessageHeaders } from './headers.js';
export type { Address, MessageHeaders } from './headers.js';
export { htmlToText, makeSnippet, snippetFromPartialPart } from './snippet.js';
export { safeFilename } from './filename.js';
export { sanitizeMailHtml } from './sanitize.js';
export type { SanitizedMail, SanitizeMailOptions } from './sanitize.js';
export { linkifyText } from './linkify.js';
export {
  formatAddress,
  formatAddressList,
  maxAddressesPerField,
  maxAddressFieldChars,
  parseAddressList,
  parseOneAddress,
} from './address-list.js';
export type { TypedAddress } from './address-list.js';
export {
  attributionLine,
  flowedLineChars,
  forwardBody,
  forwardSubject,
  maxReferences,
  quoteText,
  replyBody,
  replyRecipients,
  replyReferences,
  replySubject,
  stripSubjectPrefixes,
  toFlowed,
  uniqueAddresses,
} from './compose.js';
export type { RepliedMessage } from './compose.js';
