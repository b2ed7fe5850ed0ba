// Property test of return-to targets (`next=`): whatever string arrives, safeReturnPath gives
// null or a path a browser resolves to this very origin. Pure: no server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { safeReturnPath } from '../../src/web/views/urls.js';

const origin = 'https://mail.example.edu';

/** Pieces that open-redirect tricks are made of. */
const pieces = [
  '/',
  '//',
  '\\',
  '/\\',
  '%2F',
  '%5C',
  '%2f',
  'evil.test',
  'https:',
  'http:',
  'javascript:',
  '@',
  '.',
  '..',
  '?',
  '#',
  ' ',
  '\t',
  '\n',
  '\u0000',
  '\u3002',
  '\uff0f',
  'f/INBOX',
  ':',
];

void test('safeReturnPath: null or a path on this origin, for any input', () => {
  const nexts = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 60 }),
    fc.array(fc.constantFrom(...pieces), { maxLength: 10 }).map((p) => p.join('')),
  );
  fc.assert(
    fc.property(nexts, (next) => {
      const safe = safeReturnPath(next);
      if (safe === null) return true;
      const url = new URL(safe, `${origin}/f/INBOX?x=1`);
      // Browsers also decode nothing more: the Location header is used as written.
      return url.origin === origin && safe.startsWith('/') && !/^\/[/\\]/.test(safe);
    }),
    { numRuns: 5000 },
  );
});

void test('safeReturnPath keeps ordinary paths and refuses the classic tricks', () => {
  assert.equal(safeReturnPath('/f/INBOX?page=2'), '/f/INBOX?page=2');
  for (const bad of ['//evil.test', '/\\evil.test', 'https://evil.test', '\\\\evil', '/\t/evil']) {
    assert.equal(safeReturnPath(bad), null, bad);
  }
});
