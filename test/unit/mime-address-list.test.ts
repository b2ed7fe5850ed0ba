// Proves reading typed To/Cc/Bcc fields into addresses with exact expectations, that only the
// documented AM_BAD_ADDRESS error ever escapes, and that formatting reads back the same list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AlphaMailError } from '../../src/base/index.js';
import {
  formatAddress,
  formatAddressList,
  parseAddressList,
  parseOneAddress,
  type TypedAddress,
} from '../../src/mime/index.js';

function badPiece(fn: () => unknown): { piece: unknown; reason: unknown } {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof AlphaMailError, `not an AlphaMailError: ${String(err)}`);
    assert.equal(err.code, 'AM_BAD_ADDRESS');
    return { piece: err.details.piece, reason: err.details.reason };
  }
  throw new Error('expected AM_BAD_ADDRESS');
}

void test('the forms people type, separated by commas, semicolons and line breaks', () => {
  assert.deepEqual(
    parseAddressList(
      'Ann <ann@x.org>, "Doe, John" <j@y.com>, bob@z.net; <carl@example.edu>\n  Dee  Dee   <d@e.fr>',
    ),
    [
      { name: 'Ann', address: 'ann@x.org' },
      { name: 'Doe, John', address: 'j@y.com' },
      { name: '', address: 'bob@z.net' },
      { name: '', address: 'carl@example.edu' },
      { name: 'Dee Dee', address: 'd@e.fr' },
    ],
  );
});

void test('empty fields and empty pieces give no addresses', () => {
  assert.deepEqual(parseAddressList(''), []);
  assert.deepEqual(parseAddressList('  ,, ;\n '), []);
  assert.deepEqual(parseAddressList('a@b.c,'), [{ name: '', address: 'a@b.c' }]);
});

void test('quoted names keep commas, brackets and escaped quotes', () => {
  assert.deepEqual(parseAddressList('"Smith, J. <boss>" <js@x.org>'), [
    { name: 'Smith, J. <boss>', address: 'js@x.org' },
  ]);
  assert.deepEqual(parseAddressList('"Say \\"hi\\" \\\\ now" <h@x.org>'), [
    { name: 'Say "hi" \\ now', address: 'h@x.org' },
  ]);
});

void test('non-ASCII names and IDN domains are kept as typed', () => {
  assert.deepEqual(parseAddressList('Jörg Müller <joerg@bücher.de>, 山田 <y@例え.jp>'), [
    { name: 'Jörg Müller', address: 'joerg@bücher.de' },
    { name: '山田', address: 'y@例え.jp' },
  ]);
});

void test('each bad address is named exactly as typed, with the reason', () => {
  assert.deepEqual(
    badPiece(() => parseAddressList('ok@x.org, bob, c@d.e')),
    { piece: 'bob', reason: 'it has no @' },
  );
  assert.deepEqual(
    badPiece(() => parseAddressList('Ann <ann@>')),
    {
      piece: 'Ann <ann@>',
      reason: 'nothing after the @',
    },
  );
  assert.deepEqual(
    badPiece(() => parseAddressList('x@y.z, "Doe, J <j@y.com>')),
    {
      piece: '"Doe, J <j@y.com>',
      reason: 'a quote is not closed',
    },
  );
  assert.deepEqual(
    badPiece(() => parseAddressList('Ann <ann@x.org')),
    {
      piece: 'Ann <ann@x.org',
      reason: 'a < is not closed by >',
    },
  );
  assert.deepEqual(
    badPiece(() => parseAddressList('Ann ann@x.org')),
    {
      piece: 'Ann ann@x.org',
      reason: 'a name needs the address in <angle brackets>',
    },
  );
  assert.deepEqual(
    badPiece(() => parseAddressList('Ann <ann@x.org> extra')),
    {
      piece: 'Ann <ann@x.org> extra',
      reason: 'text after the >',
    },
  );
  assert.deepEqual(
    badPiece(() => parseAddressList('a..b@x.org')),
    {
      piece: 'a..b@x.org',
      reason: 'the part before the @ has a character not allowed there',
    },
  );
  assert.deepEqual(
    badPiece(() => parseAddressList('a@-x.org')),
    {
      piece: 'a@-x.org',
      reason: 'the domain is not valid',
    },
  );
  assert.deepEqual(
    badPiece(() => parseAddressList('a@xn--0.org')),
    {
      piece: 'a@xn--0.org',
      reason: 'the domain is not valid',
    },
  );
  assert.deepEqual(
    badPiece(() => parseAddressList('a@x..org')),
    {
      piece: 'a@x..org',
      reason: 'the domain is not valid',
    },
  );
  assert.deepEqual(
    badPiece(() => parseAddressList(`${'l'.repeat(65)}@x.org`)),
    {
      piece: `${'l'.repeat(65)}@x.org`,
      reason: 'the part before the @ is too long',
    },
  );
  assert.deepEqual(
    badPiece(() => parseAddressList('jörg@x.org')),
    {
      piece: 'jörg@x.org',
      reason: 'the part before the @ has a character not allowed there',
    },
  );
});

void test('more than 500 addresses are refused, not cut', () => {
  const list = Array.from({ length: 501 }, (_, i) => `u${i}@x.org`).join(', ');
  assert.deepEqual(
    badPiece(() => parseAddressList(list)),
    {
      piece: 'u500@x.org',
      reason: 'more than 500 addresses',
    },
  );
  assert.equal(parseAddressList(list.slice(0, list.lastIndexOf(','))).length, 500);
});

void test('a From field holds exactly one address', () => {
  assert.deepEqual(parseOneAddress(' Ann <ann@x.org> '), { name: 'Ann', address: 'ann@x.org' });
  assert.deepEqual(
    badPiece(() => parseOneAddress('')),
    { piece: '', reason: 'no address' },
  );
  assert.deepEqual(
    badPiece(() => parseOneAddress('a@x.org, b@x.org')),
    {
      piece: 'a@x.org, b@x.org',
      reason: 'more than one address',
    },
  );
});

void test('formatting quotes names only when they need it', () => {
  assert.equal(formatAddress({ name: '', address: 'a@x.org' }), 'a@x.org');
  assert.equal(formatAddress({ name: 'Ann Lee', address: 'a@x.org' }), 'Ann Lee <a@x.org>');
  assert.equal(formatAddress({ name: 'Doe, John', address: 'j@y.com' }), '"Doe, John" <j@y.com>');
  assert.equal(
    formatAddress({ name: 'J. "Jo" D', address: 'j@y.com' }),
    '"J. \\"Jo\\" D" <j@y.com>',
  );
  assert.equal(
    formatAddressList([
      { name: 'Ann', address: 'ann@x.org' },
      { name: '', address: 'bob@z.net' },
    ]),
    'Ann <ann@x.org>, bob@z.net',
  );
});

const onlyDocumentedError = (input: string): void => {
  try {
    const list = parseAddressList(input);
    for (const a of list) {
      assert.equal(typeof a.name, 'string');
      assert.ok(a.address.includes('@'));
    }
  } catch (err) {
    if (!(err instanceof AlphaMailError) || err.code !== 'AM_BAD_ADDRESS') throw err;
    assert.equal(typeof err.details.piece, 'string');
    assert.equal(typeof err.details.reason, 'string');
  }
};

void test('property: any input gives addresses or AM_BAD_ADDRESS, nothing else', () => {
  fc.assert(fc.property(fc.string({ unit: 'binary' }), onlyDocumentedError), { numRuns: 3000 });
  const addressy = fc.string({
    unit: fc.constantFrom('a', 'B', '@', '.', ',', ';', '"', '\\', '<', '>', ' ', '\n', 'ü', '-'),
    maxLength: 40,
  });
  fc.assert(fc.property(addressy, onlyDocumentedError), { numRuns: 5000 });
});

const atom = fc.string({
  unit: fc.constantFrom(..."abcXYZ019!#$%&'*+-/=?^_`{|}~".split('')),
  minLength: 1,
  maxLength: 8,
});
const label = fc.oneof(
  // Hyphens in the third and fourth place are reserved (RFC 5891 4.2.3.1): "xn--0" is a broken
  // A-label, which the parser rightly refuses.
  fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,8}[a-z0-9])?$/).filter((l) => l.slice(2, 4) !== '--'),
  fc.constantFrom('bücher', '例え', 'ελλάδα'),
);
const validAddress = fc
  .tuple(
    fc.array(atom, { minLength: 1, maxLength: 3 }),
    fc.array(label, { minLength: 1, maxLength: 3 }),
  )
  .map(([words, labels]) => `${words.join('.')}@${labels.join('.')}.org`);
const anyName = fc.string({ unit: 'grapheme', maxLength: 20 });

void test('property: parse(format(list)) gives the list back, names tidied', () => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ name: anyName, address: validAddress }), { maxLength: 6 }),
      (list: TypedAddress[]) => {
        const tidy = list.map((a) => ({
          // eslint-disable-next-line no-control-regex -- the parser folds control characters
          name: a.name.replace(/[\u0000-\u001f\u007f\s]+/g, ' ').trim(),
          address: a.address,
        }));
        assert.deepEqual(parseAddressList(formatAddressList(list)), tidy);
      },
    ),
    { numRuns: 3000 },
  );
});
