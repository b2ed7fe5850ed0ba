// Proves header parsing, safe file names, snippets and the plain-text linkifier with exact
// expected values, including malformed headers and 8-bit bytes without a charset.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import iconv from 'iconv-lite';
import {
  htmlToText,
  linkifyText,
  makeSnippet,
  parseMessageHeaders,
  safeFilename,
} from '../../src/mime/index.js';

void test('a typical header block', () => {
  const raw = Buffer.from(
    [
      'From: =?utf-8?Q?J=C3=B6rg_M=C3=BCller?= <joerg@example.org>',
      'To: "Doe, Jane" <jane@example.com>, bob@example.com,',
      '  Team: a@example.net, b@example.net;',
      'Cc: =?ISO-8859-1?B?QW5u6Q==?= <anne@example.fr>',
      'Reply-To: list@example.org',
      'Subject: =?utf-8?B?R3LDvMOfZQ==?=',
      ' =?utf-8?Q?_aus_K=C3=B6ln?=',
      'Date: Tue, 1 Jul 2003 10:52:37 +0200 (CEST)',
      'Message-ID: <abc@example.org>',
      'In-Reply-To: <prev@example.org> (comment)',
      'References: <one@x>\r\n <two@x>  <prev@example.org>',
      '',
      'Body: not a header',
    ].join('\r\n'),
  );
  assert.deepEqual(parseMessageHeaders(raw), {
    subject: 'Grüße aus Köln',
    from: [{ name: 'Jörg Müller', address: 'joerg@example.org' }],
    to: [
      { name: 'Doe, Jane', address: 'jane@example.com' },
      { name: '', address: 'bob@example.com' },
      { name: '', address: 'a@example.net' },
      { name: '', address: 'b@example.net' },
    ],
    cc: [{ name: 'Anné', address: 'anne@example.fr' }],
    replyTo: [{ name: '', address: 'list@example.org' }],
    date: '2003-07-01T08:52:37.000Z',
    messageId: '<abc@example.org>',
    inReplyTo: '<prev@example.org>',
    references: ['<one@x>', '<two@x>', '<prev@example.org>'],
    notices: [],
  });
});

void test('8-bit header bytes without a charset: UTF-8 if valid, else windows-1252', () => {
  const raw = Buffer.concat([
    Buffer.from('Subject: Caf'),
    Buffer.from([0xe9, 0x20, 0x93, 0x6f, 0x6b, 0x94]),
    Buffer.from('\nFrom: Ünal <u@example.org>\n\n'),
  ]);
  const headers = parseMessageHeaders(raw);
  assert.equal(headers.subject, 'Café “ok”');
  assert.deepEqual(headers.from, [{ name: 'Ünal', address: 'u@example.org' }]);
});

void test('UTF-7 encoded display names (a charset TextDecoder lacks) are decoded', () => {
  const headers = parseMessageHeaders(Buffer.from('From: =?utf-7?Q?J+APY-rg?= <j@x.org>\r\n'));
  assert.deepEqual(headers.from, [{ name: 'Jörg', address: 'j@x.org' }]);
});

void test('a malformed header block yields what can be read, plus notices', () => {
  const raw = Buffer.from(
    'garbage line without colon\r\nSubject: still here\r\nDate: the day after tomorrow\r\n: empty name\r\n',
  );
  const headers = parseMessageHeaders(raw);
  assert.equal(headers.subject, 'still here');
  assert.equal(headers.date, null);
  assert.deepEqual(headers.notices, [
    'Ignored 2 malformed header line(s).',
    'The Date header could not be read.',
  ]);
  assert.deepEqual(parseMessageHeaders(Buffer.alloc(0)).subject, '');
});

void test('koi8-r subject in an encoded word', () => {
  const word = iconv.encode('Отчёт', 'koi8-r').toString('base64');
  assert.equal(
    parseMessageHeaders(Buffer.from(`Subject: =?KOI8-R?B?${word}?=\n`)).subject,
    'Отчёт',
  );
});

void test('safeFilename removes paths, controls, direction overrides and leading dots', () => {
  assert.equal(safeFilename('../../etc/passwd', 'x'), 'passwd');
  assert.equal(safeFilename('C:\\Users\\ann\\report.pdf', 'x'), 'report.pdf');
  assert.equal(safeFilename('..hidden..txt', 'x'), 'hidden.txt');
  assert.equal(safeFilename('invoice\u202Efdp.exe', 'x'), 'invoicefdp.exe');
  assert.equal(safeFilename('a\u0000b\nc.txt', 'x'), 'abc.txt');
  assert.equal(safeFilename('what?.txt', 'x'), 'what_.txt');
  assert.equal(safeFilename('NUL.txt', 'x'), '_NUL.txt');
  assert.equal(safeFilename('   ', 'attachment-1'), 'attachment-1');
  assert.equal(safeFilename(null, 'attachment-2'), 'attachment-2');
  assert.equal(safeFilename('..', 'attachment-3'), 'attachment-3');
  const long = safeFilename(`${'é'.repeat(300)}.docx`, 'x');
  assert.equal(long, `${'é'.repeat(195)}.docx`);
});

void test('htmlToText and makeSnippet', () => {
  assert.equal(
    htmlToText(
      '<head><title>T</title><style>p{}</style></head><p>One &amp; two</p><div>3<br>4</div>',
    ),
    'One & two\n\n3\n4',
  );
  assert.equal(
    makeSnippet('> quoted\nOn Tue, Ann wrote:\n  Real   text\there  '),
    'Real text here',
  );
  assert.equal(
    makeSnippet('The quick brown fox jumps over the lazy dog again and again', 30),
    'The quick brown fox jumps…',
  );
  assert.equal(makeSnippet('Supercalifragilisticexpialidocious', 10), 'Supercali…');
});

void test('linkifyText escapes everything and links web and mail addresses', () => {
  assert.equal(
    linkifyText('<b>x</b> & see www.example.com or mailto:a@b.org\nftp://no.example').toString(),
    '&lt;b&gt;x&lt;/b&gt; &amp; see <a href="http://www.example.com" target="_blank" rel="noopener noreferrer">www.example.com</a> or <a href="mailto:a@b.org" target="_blank" rel="noopener noreferrer">mailto:a@b.org</a>\nftp://no.example',
  );
  assert.equal(
    linkifyText('Hi\n> quoted "x"\n> > deeper\nbye').toString(),
    'Hi\n<blockquote>quoted &quot;x&quot;\n<blockquote>deeper</blockquote></blockquote>bye',
  );
  assert.equal(
    linkifyText('https://x.example/?q=<script>').toString(),
    '<a href="https://x.example/?q=" target="_blank" rel="noopener noreferrer">https://x.example/?q=</a>&lt;script&gt;',
  );
});
