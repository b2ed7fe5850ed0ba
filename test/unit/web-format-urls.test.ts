// Tests of the view helpers made cheaper for every index row: dates shown from a cache give what
// Intl gives, and page URLs have exactly the query URLSearchParams writes. Pure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatDate, machineDate } from '../../src/web/views/format.js';
import {
  composeFromUrl,
  draftComposeUrl,
  folderUrl,
  messageUrl,
} from '../../src/web/views/urls.js';

const reference = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' });

void test('dates: the same text on first and later use, and the raw value when unparseable', () => {
  const iso = '2024-03-12T14:05:00.000Z';
  const expected = reference.format(new Date(iso));
  assert.equal(formatDate(iso), expected);
  assert.equal(formatDate(iso), expected);
  assert.equal(machineDate(iso), iso);
  assert.equal(machineDate('2024-03-12T15:05:00+01:00'), '2024-03-12T14:05:00.000Z');
  assert.equal(formatDate('not a date'), 'not a date');
  assert.equal(formatDate('not a date'), 'not a date');
  assert.equal(machineDate('not a date'), null);
});

void test('property: cached dates equal freshly formatted ones', () => {
  const instant = fc.integer({ min: 0, max: 4_102_444_800_000 });
  fc.assert(
    fc.property(fc.array(instant, { maxLength: 20 }), (times) => {
      // Each time twice: the second comes from the cache.
      for (const ms of [...times, ...times]) {
        const date = new Date(ms);
        assert.equal(formatDate(date.toISOString()), reference.format(date));
        assert.equal(machineDate(date.toISOString()), date.toISOString());
      }
    }),
    { numRuns: 200 },
  );
});

void test('page URLs: the query URLSearchParams would write', () => {
  assert.equal(
    folderUrl('INBOX', { sort: 'date', order: 'desc', page: 2 }),
    '/f/INBOX?sort=date&order=desc&page=2',
  );
  assert.equal(folderUrl('INBOX'), '/f/INBOX');
  assert.equal(messageUrl('INBOX', 7), '/f/INBOX/7');
  assert.equal(
    messageUrl('Work', 7, { sort: 'from', order: 'asc' }, { allowRemote: true }),
    '/f/Work/7?sort=from&order=asc&remote=1',
  );
  assert.equal(
    composeFromUrl('reply', 'A b/c&d', 5),
    '/compose?mode=reply&message=A+b%2Fc%26d%2F5&back=A+b%2Fc%26d',
  );
});

void test('property: compose and draft URLs match URLSearchParams for any folder name', () => {
  fc.assert(
    fc.property(
      fc.string({ unit: 'grapheme', maxLength: 30 }),
      fc.string({ unit: 'grapheme', maxLength: 30 }),
      fc.integer({ min: 1, max: 0xffffffff }),
      (folder, back, uid) => {
        const compose = new URLSearchParams({
          mode: 'forward',
          message: `${folder}/${uid}`,
          back: folder,
        });
        assert.equal(composeFromUrl('forward', folder, uid), `/compose?${compose.toString()}`);
        const draft = new URLSearchParams({ draft: `${folder}/${uid}`, back, saved: '1' });
        assert.equal(draftComposeUrl({ folder, uid }, back, true), `/compose?${draft.toString()}`);
      },
    ),
    { numRuns: 1000 },
  );
});
