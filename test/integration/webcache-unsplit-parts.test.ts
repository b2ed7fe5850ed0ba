// Proves against a real Dovecot that a nested multipart whose boundary never occurs is shown as
// sent with a notice (its text was lost before), that a nested multipart whose only part is really
// empty shows nothing and says nothing, and that a well-formed nested multipart is untouched.
// Two of the messages are the shared MIME corpus's own (mime4j's test messages).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Result } from '../../src/protocol/index.js';
import { startTestDovecot, testUser, type TestDovecot } from '../harness/dovecot.js';
import { rawMail, seedRawMessages } from '../harness/raw-mail.js';
import {
  loginTestUser,
  startTestWebcache,
  testDomainConfig,
  type TestWebcache,
} from '../harness/webcache.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const corpus = (file: string): Buffer =>
  readFileSync(join(repoRoot, '../shared/corpus/mime/mime4j', file));

/** The notice for a nested part, as the reader words it. */
const unsplitNotice = (part: string): string =>
  `The parts of part ${part} could not be told apart; it is shown as sent.`;

const wellFormed = rawMail({
  from: 'a@example.org',
  to: 'b@example.org',
  subject: 'Nested and well formed',
  contentType: 'multipart/mixed; boundary="outer"',
  body: [
    '--outer',
    'Content-Type: text/plain',
    '',
    'First words',
    '--outer',
    'Content-Type: multipart/alternative; boundary="inner"',
    '',
    '--inner',
    'Content-Type: text/plain',
    '',
    'Plain inner words',
    '--inner',
    'Content-Type: text/html',
    '',
    '<p>HTML inner words</p>',
    '--inner--',
    '--outer--',
    '',
  ].join('\r\n'),
});

/** Inside an alternative: the unsplit part is the only readable body of the message. */
const unsplitInAlternative = rawMail({
  from: 'a@example.org',
  to: 'b@example.org',
  subject: 'Unsplit inside an alternative',
  contentType: 'multipart/alternative; boundary="outer"',
  body: [
    '--outer',
    'Content-Type: multipart/related; boundary="never-used"',
    '',
    'Words that only this part holds',
    '--outer--',
    '',
  ].join('\r\n'),
});

const messages = [
  corpus('testmsgs/missing-inner-boundary.msg'),
  corpus('testmsgs/multipartnestedemptypartsnorfc822.msg'),
  wellFormed,
  unsplitInAlternative,
];

let dovecot: TestDovecot;
let webcache: TestWebcache;
let session: string;

before(async () => {
  dovecot = await startTestDovecot({ messages: [] });
  await seedRawMessages(dovecot, testUser.name, messages);
  webcache = await startTestWebcache({
    domains: [testDomainConfig(dovecot.dovecot.port, 'slash')],
  });
  session = await loginTestUser(webcache);
});

after(async () => {
  await webcache?.stop();
  await dovecot?.stop();
});

function open(uid: number): Promise<Result<'getMessage'>> {
  return webcache.client.call('getMessage', {
    session,
    folder: 'INBOX',
    uid,
    sort: 'date',
    order: 'desc',
    markRead: false,
  });
}

test('a nested multipart without its boundary is shown as sent, after the parts before it', async () => {
  const m = await open(1);
  assert.equal(m.text, 'Foo\n\n\nAAA\n');
  assert.deepEqual(m.notices, [unsplitNotice('2')]);
  assert.deepEqual(m.attachments, []);
});

test('a nested multipart whose only part is empty shows nothing and has no notice', async () => {
  const m = await open(2);
  assert.deepEqual(m.notices, []);
  assert.ok(!(m.text ?? '').includes('nested multi-part'), String(m.text));
});

test('a well-formed nested multipart is read as before', async () => {
  const m = await open(3);
  assert.deepEqual(m.notices, []);
  assert.equal(m.text, 'First words\n\nPlain inner words');
  assert.equal(m.html, '<p>HTML inner words</p>');
});

test('inside an alternative, the unsplit part is the text shown', async () => {
  const m = await open(4);
  assert.deepEqual(m.notices, [unsplitNotice('1')]);
  assert.equal(m.text, 'Words that only this part holds');
  assert.equal(m.html, null);
});
