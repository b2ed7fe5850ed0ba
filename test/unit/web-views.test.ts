// Proves the web templates: hostile strings come out escaped, the index is a real table with
// caption, column headers and aria-sort, folders nest, and the small formatters are exact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Parser } from 'htmlparser2';
import { html } from '../../src/base/index.js';
import { sanitizeMailHtml } from '../../src/mime/index.js';
import { contentDisposition, downloadContentType } from '../../src/web/routes/downloads.js';
import { folderTree, renderFolderNav } from '../../src/web/views/folder-nav.js';
import { formatSize, shortAddresses } from '../../src/web/views/format.js';
import {
  indexMain,
  indexTable,
  indexTitle,
  type FolderPage,
} from '../../src/web/views/index-page.js';
import { renderPage } from '../../src/web/views/layout.js';
import { renderMessageFrame } from '../../src/web/views/message-frame.js';
import { errorView } from '../../src/web/views/error-page.js';
import { safeReturnPath } from '../../src/web/views/urls.js';
import { folders, hostileSubject, messageDetail, summaries } from './web-fixtures.js';
import { messageMain } from '../../src/web/views/message-page.js';

interface Element {
  name: string;
  attribs: Record<string, string>;
}

/** Every element of a document, parsed the way a browser tokenises it. */
function elements(markup: string): Element[] {
  const found: Element[] = [];
  const parser = new Parser({ onopentag: (name, attribs) => found.push({ name, attribs }) });
  parser.write(markup);
  parser.end();
  return found;
}

const page: FolderPage = {
  folder: folders[0] ?? assert.fail('fixture'),
  total: 130,
  unread: 2,
  page: 2,
  pageCount: 7,
  messages: summaries,
};

const view = {
  page,
  query: { sort: 'date', order: 'desc', page: 2 },
  pageSize: 20,
  csrf: 'token-123',
  selfUrl: '/f/INBOX?page=2',
} as const;

test('the index table: caption, five scoped column headers, aria-sort on the sorted one', () => {
  const markup = indexTable(view).toString();
  assert.match(markup, /<caption>\s*Inbox: 130 messages, 2 unread/);
  const headers = elements(markup).filter((e) => e.name === 'th');
  assert.deepEqual(
    headers.map((h) => [h.attribs.scope, h.attribs['aria-sort'] ?? null]),
    [
      ['col', null],
      ['col', 'none'],
      ['col', 'none'],
      ['col', 'descending'],
      ['col', 'none'],
    ],
  );
  const links = elements(markup)
    .filter((e) => e.name === 'a')
    .map((a) => a.attribs.href);
  assert.deepEqual(links.slice(0, 4), [
    '/f/INBOX?sort=from&order=asc&page=1',
    '/f/INBOX?sort=subject&order=asc&page=1',
    '/f/INBOX?sort=date&order=asc&page=1',
    '/f/INBOX?sort=size&order=desc&page=1',
  ]);
  assert.equal(elements(markup).filter((e) => e.name === 'tr').length, 3);
});

test('unread, flagged and attachment are words as well as icons', () => {
  const markup = indexTable(view).toString();
  assert.match(markup, /<tr class="unread">/);
  for (const word of ['Unread', 'Flagged', 'Has attachment', 'Answered']) {
    assert.match(markup, new RegExp(`<span class="visually-hidden">${word}</span>`));
  }
  assert.match(markup, /<time datetime="2024-03-12T14:05:00.000Z">/);
  assert.match(markup, /<td class="col-size">12 KB<\/td>/);
});

test('hostile subject, sender and snippet are escaped in the index', () => {
  const markup = indexMain(view).toString();
  assert.ok(!markup.includes('<script>'));
  assert.ok(!markup.includes('<img'));
  assert.ok(!markup.includes('<evil>'));
  assert.ok(markup.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more'));
  assert.deepEqual(
    elements(markup).filter((e) => ['script', 'img', 'evil'].includes(e.name)),
    [],
  );
});

test('paging says where the reader is and links all four ways', () => {
  const markup = indexMain(view).toString();
  assert.match(markup, /Page 2 of 7/);
  const hrefs = elements(markup)
    .filter((e) => e.name === 'a' && e.attribs.href?.includes('page='))
    .map((a) => a.attribs.href);
  assert.ok(hrefs.includes('/f/INBOX?sort=date&order=desc&page=1'));
  assert.ok(hrefs.includes('/f/INBOX?sort=date&order=desc&page=3'));
  assert.ok(hrefs.includes('/f/INBOX?sort=date&order=desc&page=7'));
  assert.equal(indexTitle(page), 'Inbox, 2 unread, page 2 of 7');
  assert.equal(indexTitle({ ...page, unread: 0, pageCount: 1, page: 1 }), 'Inbox');
});

test('an empty folder says so instead of an empty table', () => {
  const markup = indexMain({
    ...view,
    page: { ...page, total: 0, messages: [], pageCount: 1, page: 1 },
  });
  assert.match(markup.toString(), /This folder is empty\./);
  assert.ok(!markup.toString().includes('<table'));
});

test('folders nest by depth and the current one has aria-current', () => {
  const tree = folderTree(folders);
  assert.deepEqual(
    tree.map((n) => [n.folder.name, n.children.map((c) => c.folder.name)]),
    [
      ['Inbox', []],
      ['Work', ['Projects']],
    ],
  );
  const markup = renderFolderNav(folders, 'Work/Projects').toString();
  const current = elements(markup).filter((e) => e.attribs['aria-current'] === 'page');
  assert.deepEqual(
    current.map((e) => e.attribs.href),
    ['/f/Work%2FProjects'],
  );
  assert.equal(elements(markup).filter((e) => e.name === 'ul').length, 2);
  const text = markup.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ');
  assert.match(text, /Inbox, 2 unread/);
});

test('the page frame: lang, skip link, banner, main, the title escaped, no inline code', () => {
  const markup = renderPage({
    title: hostileSubject,
    assets: { css: '/assets/app.css?v=1', js: '/assets/app.js?v=1' },
    signedIn: { user: '<u>', domain: 'example.edu', csrf: 't"x' },
    main: html`<h1>${hostileSubject}</h1>`,
  });
  assert.match(markup, /^<!doctype html>\n<html lang="en">/);
  assert.match(markup, /<a class="skip-link" href="#main">Skip to main content<\/a>/);
  assert.match(markup, /<main id="main" tabindex="-1">/);
  assert.match(markup, /<title>&lt;script&gt;/);
  assert.match(markup, /&lt;u&gt;@example.edu/);
  assert.match(markup, /value="t&quot;x"/);
  const scripts = elements(markup).filter((e) => e.name === 'script');
  assert.deepEqual(
    scripts.map((s) => s.attribs.src),
    ['/assets/app.js?v=1'],
  );
  assert.equal(elements(markup).filter((e) => e.name === 'h1').length, 1);
});

test('the frame document holds only the sanitiser output', () => {
  const sanitized = sanitizeMailHtml('<p>hi</p><script>x()</script><img src="http://t/x.gif">', {
    allowRemote: false,
    resolveCid: () => null,
  });
  assert.equal(sanitized.remoteBlocked, 1);
  const doc = renderMessageFrame(sanitized.html);
  assert.match(doc, /<body><p>hi<\/p><\/body>/);
  assert.deepEqual(
    elements(doc).filter((e) => e.name === 'script' || e.name === 'img'),
    [],
  );
});

test('error views show the catalogue message and nothing else about the failure', () => {
  const v = errorView('AM_INTERNAL', { retryUrl: '/f/INBOX', isSignedIn: true });
  const markup = v.main.toString();
  assert.match(markup, /Something went wrong on our side\. Please try again\./);
  assert.match(markup, /<a href="\/f\/INBOX">Try again<\/a>/);
  const down = errorView('AM_WEBCACHE_DOWN', { retryUrl: '/x"y', isSignedIn: false });
  assert.equal(down.title, 'The mail service is restarting');
  assert.match(down.main.toString(), /href="\/x&quot;y"/);
});

test('sizes read like people write them', () => {
  assert.deepEqual([0, 1, 900, 1024, 12_000, 1_048_576, 5_500_000, 3 * 1024 ** 3].map(formatSize), [
    '0 bytes',
    '1 byte',
    '900 bytes',
    '1 KB',
    '12 KB',
    '1.0 MB',
    '5.2 MB',
    '3.0 GB',
  ]);
  assert.equal(shortAddresses([]), '(nobody)');
});

test('return-to paths: same-site paths only', () => {
  assert.equal(safeReturnPath('/f/INBOX?page=2'), '/f/INBOX?page=2');
  for (const bad of ['//evil.example', '/\\evil', 'https://x', 'f/INBOX', '/a\nb', '', 3, null]) {
    assert.equal(safeReturnPath(bad), null, String(bad));
  }
});

test('downloads: renderable types become octet-stream; names are RFC 6266/5987 encoded', () => {
  assert.deepEqual(
    [
      'text/html; charset=utf-8',
      'image/svg+xml',
      'application/xhtml+xml',
      'text/javascript',
      'application/javascript',
      'text/xml',
      'application/x-unknown',
      'not a type',
      'image/png',
      'application/pdf',
      'Text/Plain; charset=iso-8859-1',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    ].map(downloadContentType),
    [
      'application/octet-stream',
      'application/octet-stream',
      'application/octet-stream',
      'application/octet-stream',
      'application/octet-stream',
      'application/octet-stream',
      'application/octet-stream',
      'application/octet-stream',
      'image/png',
      'application/pdf',
      'text/plain',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    ],
  );
  assert.equal(
    contentDisposition('attachment', "../a b'(1)*.txt"),
    `attachment; filename=".._a b'(1)*.txt"; filename*=UTF-8''.._a%20b%27%281%29%2A.txt`,
  );
  assert.equal(
    contentDisposition('attachment', 'x\r\nSet-Cookie: a=b'),
    `attachment; filename="x__Set-Cookie: a=b"; filename*=UTF-8''x__Set-Cookie%3A%20a%3Db`,
  );
});

test('a message in Drafts offers "Edit draft", one elsewhere does not', () => {
  const view = (inDrafts: boolean): string =>
    messageMain({
      message: { ...messageDetail(5), folder: 'Drafts' },
      folderName: 'Drafts',
      query: { sort: 'date', order: 'desc' },
      textBody: html`hello`,
      remoteBlocked: 0,
      allowRemote: false,
      inDrafts,
    }).toString();
  assert.match(view(true), /<a href="\/compose\?draft=Drafts%2F5&amp;back=Drafts">Edit draft<\/a>/);
  assert.doesNotMatch(view(false), /Edit draft/);
});
