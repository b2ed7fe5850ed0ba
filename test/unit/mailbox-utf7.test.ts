// Proves modified UTF-7 (RFC 3501 §5.1.3) both ways on known vectors, round-trips any string,
// and rejects malformed wire names with AM_BAD_REQUEST only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeMailboxName, encodeMailboxName } from '../../src/mailbox/index.js';
import { AlphaMailError } from '../../src/base/index.js';

const vectors: readonly (readonly [string, string])[] = [
  ['INBOX', 'INBOX'],
  ['Entwürfe', 'Entw&APw-rfe'],
  ['台北', '&U,BTFw-'],
  ['&', '&-'],
  ['Tom & Jerry', 'Tom &- Jerry'],
  ['~peter/mail/台北/日本語', '~peter/mail/&U,BTFw-/&ZeVnLIqe-'],
  // U+1F600 is the surrogate pair D83D DE00, encoded as one run.
  ['😀', '&2D3eAA-'],
  ['a😀b', 'a&2D3eAA-b'],
  ['Ünïcödé', '&ANw-n&AO8-c&APY-d&AOk-'],
];

for (const [utf8, wire] of vectors) {
  void test(`encodes ${JSON.stringify(utf8)} as ${wire}`, () => {
    assert.equal(encodeMailboxName(utf8), wire);
  });
  void test(`decodes ${wire} to ${JSON.stringify(utf8)}`, () => {
    assert.equal(decodeMailboxName(wire), utf8);
  });
}

const malformed = [
  '&', // no closing "-"
  'a&U,BTFw', // unterminated run
  '&U/BTFw-', // "/" is plain base64, not modified base64
  '&U-', // six bits: not a whole character
  '&U,B-', // 18 bits with non-zero leftover
  '&AGE=-', // padding is not allowed
  'Entwürfe', // raw 8-bit character on the wire
  'tab\there', // control character on the wire
];

for (const wire of malformed) {
  void test(`rejects malformed ${JSON.stringify(wire)} with AM_BAD_REQUEST`, () => {
    assert.throws(
      () => decodeMailboxName(wire),
      (err: unknown) => err instanceof AlphaMailError && err.code === 'AM_BAD_REQUEST',
    );
  });
}

void test('decode(encode(s)) === s for any string, lone surrogates included', () => {
  fc.assert(
    fc.property(
      fc.string({ unit: 'binary' }),
      (s) => decodeMailboxName(encodeMailboxName(s)) === s,
    ),
    { numRuns: 2000 },
  );
  fc.assert(
    fc.property(
      fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) }),
      (s) => {
        const wire = encodeMailboxName(s);
        return /^[\x20-\x7e]*$/.test(wire) && decodeMailboxName(wire) === s;
      },
    ),
    { numRuns: 2000 },
  );
});

void test('decode never throws anything but AlphaMailError', () => {
  const wireish = fc.string({
    unit: fc.constantFrom('&', '-', 'A', 'U', ',', '+', '/', 'w', '=', 'ü', ' ', '\u0000'),
    maxLength: 24,
  });
  fc.assert(
    fc.property(fc.oneof(wireish, fc.string({ unit: 'binary' })), (wire) => {
      try {
        decodeMailboxName(wire);
      } catch (err) {
        return err instanceof AlphaMailError && err.code === 'AM_BAD_REQUEST';
      }
      return true;
    }),
    { numRuns: 3000 },
  );
});
