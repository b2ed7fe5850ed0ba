// Pure rules of writing mail: subjects, quoting, recipients, References, format=flowed (checked by
// decoding with postal-mime, the parser the webcache reads drafts back with).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import PostalMime from 'postal-mime';
import {
  attributionLine,
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
} from '../../src/mime/index.js';

const a = (address: string, name = '') => ({ name, address });

void test('Re:/Fwd: are added once, whatever markers the subject already carries', () => {
  const cases: [string, string][] = [
    ['Lunch', 'Lunch'],
    ['Re: Lunch', 'Lunch'],
    ['RE: re: Lunch', 'Lunch'],
    ['AW: Lunch', 'Lunch'],
    ['Re[2]: Lunch', 'Lunch'],
    ['Re(3): Lunch', 'Lunch'],
    ['Fwd: Re: Lunch', 'Lunch'],
    ['WG: AW: Sv: Lunch', 'Lunch'],
    ['TR: Réunion', 'Réunion'],
    ['回复：午饭', '午饭'],
    ['Reply about Re: things', 'Reply about Re: things'],
    ['Area: 51', 'Area: 51'],
    ['  Re:   spaced  ', 'spaced'],
  ];
  for (const [input, bare] of cases) assert.equal(stripSubjectPrefixes(input), bare, input);
  assert.equal(replySubject('Re: Re: Grüße'), 'Re: Grüße');
  assert.equal(replySubject('AW: Termin'), 'Re: Termin');
  assert.equal(forwardSubject('Fwd: Fw: Report'), 'Fwd: Report');
  assert.equal(forwardSubject('Report'), 'Fwd: Report');
  assert.equal(replySubject(''), 'Re: ');
});

void test('quoting adds "> " once per level, with an attribution line above', () => {
  assert.equal(quoteText('one\n\n> two\nthree\n\n'), '> one\n>\n>> two\n> three');
  const date = new Date('2024-03-12T14:05:09Z');
  assert.equal(
    attributionLine(a('bob@x.org', 'Bob'), date),
    'On Tue, 12 Mar 2024 14:05 UTC, Bob <bob@x.org> wrote:',
  );
  assert.equal(attributionLine(null, null), 'someone wrote:');
  assert.equal(
    replyBody('hi\r\nthere', a('bob@x.org'), date),
    '\n\nOn Tue, 12 Mar 2024 14:05 UTC, bob@x.org wrote:\n> hi\n> there\n',
  );
});

void test('an inline forward lists the original headers, then its text', () => {
  const body = forwardBody('text\n', {
    from: [a('bob@x.org', 'Bob')],
    to: [a('ann@y.org')],
    cc: [],
    date: new Date('2024-01-02T03:04:00Z'),
    subject: 'Plan',
  });
  assert.equal(
    body,
    '\n\n---------- Forwarded message ----------\nFrom: Bob <bob@x.org>\n' +
      'Date: Tue, 02 Jan 2024 03:04 UTC\nSubject: Plan\nTo: ann@y.org\n\ntext\n',
  );
});

void test('reply recipients: Reply-To honoured, own address and duplicates left out', () => {
  const original = {
    from: [a('bob@x.org', 'Bob')],
    replyTo: [],
    to: [a('ME@demo.test', 'Me'), a('ann@y.org'), a('BOB@x.org')],
    cc: [a('carl@z.org'), a('ann@y.org'), a('me@demo.test')],
  };
  const self = ['me@demo.test'];
  assert.deepEqual(replyRecipients(original, 'reply', self), {
    to: [a('bob@x.org', 'Bob')],
    cc: [],
  });
  assert.deepEqual(replyRecipients(original, 'replyAll', self), {
    to: [a('bob@x.org', 'Bob'), a('ann@y.org')],
    cc: [a('carl@z.org')],
  });
  const withReplyTo = { ...original, replyTo: [a('list@x.org')] };
  assert.deepEqual(replyRecipients(withReplyTo, 'reply', self).to, [a('list@x.org')]);
  assert.deepEqual(replyRecipients(withReplyTo, 'replyAll', self).to, [
    a('list@x.org'),
    a('ann@y.org'),
    a('BOB@x.org'),
  ]);
  // Replying to one's own sent message goes to its recipients.
  const own = { from: [a('me@demo.test')], replyTo: [], to: [a('ann@y.org')], cc: [] };
  assert.deepEqual(replyRecipients(own, 'reply', self), { to: [a('ann@y.org')], cc: [] });
});

void test('References: the chain plus the Message-ID, each once, capped keeping the root', () => {
  assert.deepEqual(
    replyReferences({ messageId: '<c@x>', inReplyTo: '<b@x>', references: ['<a@x>', '<b@x>'] }),
    ['<a@x>', '<b@x>', '<c@x>'],
  );
  assert.deepEqual(replyReferences({ messageId: '<c@x>', inReplyTo: '<b@x>', references: [] }), [
    '<b@x>',
    '<c@x>',
  ]);
  assert.deepEqual(replyReferences({ messageId: null, inReplyTo: null, references: [] }), []);
  const long = Array.from({ length: 40 }, (_, i) => `<m${i}@x>`);
  const capped = replyReferences({ messageId: '<new@x>', inReplyTo: null, references: long });
  assert.equal(capped.length, maxReferences);
  assert.equal(capped[0], '<m0@x>');
  assert.equal(capped.at(-1), '<new@x>');
  assert.equal(capped[1], `<m${40 - (maxReferences - 2)}@x>`);
});

async function decodeFlowed(flowed: string): Promise<string> {
  const source =
    'Content-Type: text/plain; charset=utf-8; format=flowed\r\n' +
    'Content-Transfer-Encoding: 8bit\r\n\r\n' +
    flowed;
  const parsed = await PostalMime.parse(Buffer.from(source));
  return parsed.text ?? '';
}

void test('format=flowed: short lines, stuffing, and a lossless read back', async () => {
  const words = Array.from({ length: 60 }, (_, i) => `wörd${i}`).join(' ');
  const text = [
    words,
    ' leading space',
    'From here on',
    '> a quoted line that is rather long and should stay in one piece because it is quoted ok',
    'trailing   ',
    'two  spaces ' + 'x'.repeat(80) + ' end',
    '-- ',
    'Sig',
  ].join('\n');
  const flowed = toFlowed(text);
  for (const line of flowed.split('\r\n')) {
    if (!line.startsWith('>') && !line.includes('x'.repeat(80))) assert.ok(line.length <= 77, line);
  }
  assert.ok(flowed.includes('\r\n  leading space\r\n'));
  assert.ok(flowed.includes('\r\n From here on\r\n'));
  // The parser ends the text with a line break of its own.
  const back = await decodeFlowed(flowed);
  assert.equal(back, text.replace('trailing   ', 'trailing') + '\n');
});
