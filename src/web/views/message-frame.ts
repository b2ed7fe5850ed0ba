// Owns the document inside the message iframe: the one place SanitizedMailHtml becomes markup.
// Must not accept a plain string or Html: only the sanitiser's brand goes in.
import type { SanitizedMailHtml } from '../../base/index.js';

// Mail is written for a white page; the frame keeps it so in dark mode too. Images and wide
// tables must not force the frame to scroll sideways on a phone.
const frameStyle = [
  'html{background:#fff;color:#000}',
  'body{margin:0.75rem;font:1rem/1.5 system-ui,sans-serif;overflow-wrap:anywhere}',
  'img{max-width:100%;height:auto}',
  'table{max-width:100%}',
  'pre{white-space:pre-wrap}',
].join('');

export function renderMessageFrame(body: SanitizedMailHtml): string {
  return (
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">' +
    '<meta name="referrer" content="no-referrer">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>Message content</title><style>${frameStyle}</style></head>` +
    `<body>${body.toString()}</body></html>\n`
  );
}
