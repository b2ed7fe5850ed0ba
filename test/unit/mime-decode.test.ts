// Proves mime/ decoding: charsets (bytes built here with iconv-lite), RFC 2047 words, and
// transfer decoding of input cut at every byte, which must yield a prefix of the original.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import iconv from 'iconv-lite';
import {
  decodeBodyPart,
  decodeCharset,
  decodeHeaderWords,
  decodeTransferEncoding,
  snippetFromPartialPart,
} from '../../src/mime/index.js';

const samples: ReadonlyArray<readonly [string, string]> = [
  ['iso-8859-1', 'Grüße aus Köln, café, naïve, £5 ½'],
  ['windows-1252', 'Smart “quotes” – €5 … œuvre'],
  ['koi8-r', 'Привет, мир! Съешь же ещё этих булок'],
  ['shift_jis', '日本語のテキスト、カタカナとひらがな'],
  ['gb2312', '中文测试邮件正文'],
  ['gbk', '简体中文，还有全角标点'],
  ['big5', '繁體中文測試郵件'],
  ['euc-kr', '한국어 텍스트 메일'],
  ['utf-8', 'Mixed: ü 日本 😀 עברית'],
];

for (const [charset, text] of samples) {
  void test(`decodeCharset reads ${charset} built by iconv-lite`, () => {
    assert.equal(decodeCharset(iconv.encode(text, charset), charset), text);
    assert.equal(decodeCharset(iconv.encode(text, charset), charset.toUpperCase()), text);
  });
}

void test('decodeCharset reads iso-2022-jp (bytes from the JIS X 0208 table: iconv-lite lacks it)', () => {
  const bytes = Buffer.from('1b2442467c4b5c386c1b2842', 'hex'); // ESC $ B 日本語 ESC ( B
  assert.equal(decodeCharset(bytes, 'ISO-2022-JP'), '日本語');
});

void test('decodeCharset understands charset aliases mail clients write', () => {
  assert.equal(decodeCharset(iconv.encode('テスト', 'shift_jis'), 'x-sjis'), 'テスト');
  assert.equal(decodeCharset(iconv.encode('안녕', 'cp949'), 'ks_c_5601-1987'), '안녕');
  assert.equal(decodeCharset(Buffer.from([0x63, 0x61, 0x66, 0xe9]), 'latin1'), 'café');
  assert.equal(decodeCharset(Buffer.from('caf\u00e9', 'utf8'), 'utf8'), 'café');
  assert.equal(decodeCharset(Buffer.from('Hi +AOQ-', 'ascii'), 'unicode-1-1-utf-7'), 'Hi ä');
  assert.equal(decodeCharset(Buffer.from('Hi +AOQ-', 'ascii'), 'UTF-7'), 'Hi ä');
  assert.equal(decodeCharset(iconv.encode('Ωμέγα', 'iso-8859-7'), 'iso_8859-7'), 'Ωμέγα');
});

void test('unknown or missing charset: UTF-8 when valid, else windows-1252', () => {
  assert.equal(decodeCharset(Buffer.from('naïve ☃', 'utf8'), 'x-unknown-thing'), 'naïve ☃');
  assert.equal(decodeCharset(Buffer.from([0x93, 0x68, 0x69, 0x94]), null), '“hi”');
  assert.equal(decodeCharset(Buffer.from([0x63, 0x61, 0x66, 0xe9]), 'bogus'), 'café');
  assert.equal(decodeCharset(Buffer.from('Grüße', 'utf8'), 'us-ascii'), 'Grüße');
});

void test('a trailing incomplete multibyte sequence is dropped', () => {
  const utf8 = Buffer.from('añ日', 'utf8'); // 61 c3b1 e697a5
  assert.equal(decodeCharset(utf8.subarray(0, utf8.length - 1), 'utf-8'), 'añ');
  assert.equal(decodeCharset(utf8.subarray(0, utf8.length - 1), null), 'añ');
  const sjis = iconv.encode('日本', 'shift_jis');
  assert.equal(decodeCharset(sjis.subarray(0, 3), 'shift_jis'), '日');
  const big5 = iconv.encode('中文', 'big5');
  assert.equal(decodeCharset(big5.subarray(0, 3), 'big5'), '中');
});

void test('RFC 2047 B and Q words, in several charsets', () => {
  assert.equal(decodeHeaderWords('=?UTF-8?B?R3LDvMOfZQ==?='), 'Grüße');
  assert.equal(decodeHeaderWords('=?iso-8859-1?Q?Gr=FC=DFe_aus_K=F6ln?='), 'Grüße aus Köln');
  const koi = iconv.encode('Привет', 'koi8-r').toString('base64');
  assert.equal(decodeHeaderWords(`Re: =?koi8-r?B?${koi}?= !`), 'Re: Привет !');
  assert.equal(decodeHeaderWords('=?ISO-2022-JP?B?GyRCRnxLXDhsGyhC?='), '日本語');
  assert.equal(decodeHeaderWords('=?utf-8*en?Q?hello?='), 'hello');
});

void test('adjacent encoded words join; blanks between them vanish; text between stays', () => {
  assert.equal(decodeHeaderWords('=?utf-8?Q?a?= =?utf-8?Q?b?='), 'ab');
  assert.equal(decodeHeaderWords('=?utf-8?Q?a?=\r\n =?utf-8?Q?b?='), 'ab');
  assert.equal(decodeHeaderWords('=?utf-8?Q?a?= b =?utf-8?Q?c?='), 'a b c');
  // One character split across two words survives (bytes are joined before decoding).
  assert.equal(decodeHeaderWords('=?utf-8?Q?caf=C3?= =?utf-8?Q?=A9?='), 'café');
  assert.equal(decodeHeaderWords('=?utf-8?B?5pel?= =?utf-8?B?5pys?='), '日本');
  assert.equal(decodeHeaderWords('=?iso-8859-1?Q?=E9?= =?utf-8?Q?=C3=A9?='), 'éé');
});

void test('malformed encoded words are left as written', () => {
  assert.equal(decodeHeaderWords('=?utf-8?Q?unterminated'), '=?utf-8?Q?unterminated');
  assert.equal(decodeHeaderWords('=?utf-8?X?abc?='), '=?utf-8?X?abc?=');
  assert.equal(decodeHeaderWords('=?utf-8?B?@@@@?= x'), '=?utf-8?B?@@@@?= x');
  assert.equal(decodeHeaderWords('a =?utf-8?Q?b c?= d'), 'a =?utf-8?Q?b c?= d');
  assert.equal(decodeHeaderWords('plain text'), 'plain text');
});

const original = 'Grüße aus Köln — 日本語のメール. Line two, with = signs & 😀 emoji.\r\n'.repeat(
  6,
);
const originalBytes = Buffer.from(original, 'utf8');

function base64Lines(bytes: Buffer): Buffer {
  const flat = bytes.toString('base64');
  return Buffer.from(flat.replace(/.{76}/g, '$&\r\n'), 'ascii');
}

/** A plain quoted-printable encoder (RFC 2045 §6.7), written here so the test does not trust ours. */
function quotedPrintable(bytes: Buffer): Buffer {
  let out = '';
  let lineLength = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    if (b === 0x0d && bytes[i + 1] === 0x0a) {
      out += '\r\n';
      lineLength = 0;
      i++;
      continue;
    }
    const piece =
      (b >= 0x21 && b <= 0x7e && b !== 0x3d) || b === 0x20
        ? String.fromCharCode(b)
        : `=${b.toString(16).toUpperCase().padStart(2, '0')}`;
    if (lineLength + piece.length > 72) {
      out += '=\r\n';
      lineLength = 0;
    }
    out += piece;
    lineLength += piece.length;
  }
  return Buffer.from(out, 'ascii');
}

for (const [encoding, encoded] of [
  ['base64', base64Lines(originalBytes)],
  ['quoted-printable', quotedPrintable(originalBytes)],
] as const) {
  void test(`${encoding} cut at every offset decodes to a prefix of the original`, () => {
    assert.deepEqual(decodeTransferEncoding(encoded, encoding), originalBytes);
    assert.equal(decodeBodyPart(encoded, { encoding, charset: 'utf-8' }), original);
    let longest = 0;
    for (let cut = 0; cut <= encoded.length; cut++) {
      const text = decodeBodyPart(encoded.subarray(0, cut), { encoding, charset: 'utf-8' });
      assert.ok(original.startsWith(text), `cut at ${cut}: ${JSON.stringify(text.slice(-20))}`);
      assert.ok(text.length >= longest, `cut at ${cut} decoded less than a shorter cut`);
      longest = text.length;
    }
    assert.equal(longest, original.length);
  });
}

void test('base64 with junk, missing padding and separately padded chunks', () => {
  assert.equal(
    decodeTransferEncoding(Buffer.from('SGk=\r\nIQ==', 'ascii'), 'base64').toString(),
    'Hi!',
  );
  assert.equal(decodeTransferEncoding(Buffer.from('S G\tk*', 'ascii'), 'BASE64').toString(), 'Hi');
  assert.equal(decodeTransferEncoding(Buffer.from('x', 'ascii'), '8bit').toString(), 'x');
  assert.equal(
    decodeTransferEncoding(Buffer.from('a=ZZ=', 'ascii'), 'quoted-printable').toString(),
    'a=ZZ',
  );
});

void test('snippets from the first bytes of a part, cut anywhere', () => {
  const html = Buffer.from(
    '<html><head><style>p{color:red}</style></head><body><p>Hello &amp; welcome</p><p>to the <b>list</b></p></body></html>',
  );
  assert.equal(
    snippetFromPartialPart(html.subarray(0, html.indexOf('<b>') + 2), {
      encoding: '7bit',
      charset: null,
      subtype: 'html',
    }),
    'Hello & welcome to the',
  );
  const b64 = Buffer.from(Buffer.from('Grüße und schöne Tage').toString('base64'));
  assert.equal(
    snippetFromPartialPart(b64.subarray(0, 11), {
      encoding: 'base64',
      charset: 'utf-8',
      subtype: 'plain',
    }),
    'Grüße',
  );
  const qp = Buffer.from('Caf=C3=A9 cr=C3=A8me');
  assert.equal(
    snippetFromPartialPart(qp.subarray(0, 17), {
      encoding: 'quoted-printable',
      charset: 'utf-8',
      subtype: 'plain',
    }),
    'Café cr',
  );
  const reply = Buffer.from(
    'Sounds good, see you then.\r\n\r\nOn Mon, 1 Jan 2024, Ann wrote:\r\n> Lunch?\r\n',
  );
  assert.equal(
    snippetFromPartialPart(reply, { encoding: null, charset: 'us-ascii', subtype: 'plain' }),
    'Sounds good, see you then.',
  );
  const sjis = iconv.encode('日本語のメール', 'shift_jis');
  assert.equal(
    snippetFromPartialPart(sjis.subarray(0, 5), {
      encoding: '8bit',
      charset: 'Shift_JIS',
      subtype: 'plain',
    }),
    '日本',
  );
});
