// Proves reading the compose form: hidden state that does not parse is dropped, the button
// pressed decides the action, and the draft built names the first bad field exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  backFolder,
  draftFromForm,
  emptyState,
  parseMessageRef,
  readComposeForm,
} from '../../src/web/compose-form.js';

const from = { name: 'Alice', address: 'alice@example.edu' };

void test('message refs: the UID after the last slash, folders with slashes kept', () => {
  assert.deepEqual(parseMessageRef('Drafts/12'), { folder: 'Drafts', uid: 12 });
  assert.deepEqual(parseMessageRef('Work/Projects/7'), { folder: 'Work/Projects', uid: 7 });
  assert.deepEqual(parseMessageRef('INBOX.Sent/4294967295'), {
    folder: 'INBOX.Sent',
    uid: 4294967295,
  });
  for (const bad of [
    '',
    'Drafts',
    'Drafts/',
    '/12',
    'Drafts/0',
    'Drafts/012',
    'Drafts/4294967296',
  ]) {
    assert.equal(parseMessageRef(bad), null, bad);
  }
  assert.equal(parseMessageRef(12), null);
  assert.equal(backFolder(''), 'INBOX');
  assert.equal(backFolder(['Work']), 'INBOX');
  assert.equal(backFolder('Work/Projects'), 'Work/Projects');
});

void test('the action is the button pressed; Remove wins; anything else saves', () => {
  assert.equal(readComposeForm({ action: 'send' }).action, 'send');
  assert.equal(readComposeForm({ action: 'attach' }).action, 'attach');
  assert.equal(readComposeForm({ action: 'save' }).action, 'save');
  assert.equal(readComposeForm({ action: 'delete-everything' }).action, 'save');
  assert.equal(readComposeForm({}).action, 'save');
  const remove = readComposeForm({ action: 'send', remove: '2' });
  assert.equal(remove.action, 'remove');
  assert.equal(remove.removeIndex, 2);
  assert.equal(readComposeForm({ remove: 'x' }).action, 'save');
});

void test('hidden fields that do not parse are dropped, never trusted', () => {
  const form = readComposeForm({
    state:
      '{"inReplyTo":"<a@b>","references":["<a@b>"],"answers":{"folder":"INBOX","uid":-1,"kind":"answered"}}',
    attachment: [
      '{"ref":{"kind":"upload","id":"abcdefgh1"},"filename":"a.txt","contentType":"text/plain","size":3}',
      '{"ref":{"kind":"upload","id":"../etc"},"filename":"b","contentType":"x/y","size":1}',
      'not json',
    ],
    draft: 'Drafts/x',
    text: 'one\r\ntwo\rthree',
  });
  assert.deepEqual(form.state, emptyState);
  assert.deepEqual(form.attachments, [
    {
      ref: { kind: 'upload', id: 'abcdefgh1' },
      filename: 'a.txt',
      contentType: 'text/plain',
      size: 3,
    },
  ]);
  assert.equal(form.draft, null);
  assert.equal(form.typed.text, 'one\ntwo\nthree');
});

void test('the draft carries the parsed addresses, state and the draft it replaces', () => {
  const form = readComposeForm({
    to: 'Ann <ann@x.org>',
    cc: '',
    bcc: 'b@y.org',
    subject: 'Line\r\nbreak',
    text: 'Hi',
    draft: 'Drafts/9',
    state: JSON.stringify({
      inReplyTo: '<m@x>',
      references: ['<r@x>', '<m@x>'],
      answers: { folder: 'INBOX', uid: 4, kind: 'answered' },
    }),
  });
  assert.deepEqual(draftFromForm(form, from), {
    ok: true,
    draft: {
      from,
      to: [{ name: 'Ann', address: 'ann@x.org' }],
      cc: [],
      bcc: [{ name: '', address: 'b@y.org' }],
      subject: 'Line break',
      text: 'Hi',
      inReplyTo: '<m@x>',
      references: ['<r@x>', '<m@x>'],
      attachments: [],
      replacesDraft: { folder: 'Drafts', uid: 9 },
      answers: { folder: 'INBOX', uid: 4, kind: 'answered' },
    },
  });
  assert.deepEqual(draftFromForm(readComposeForm({ cc: 'ok@x.org, "Un closed <u@x.org>' }), from), {
    ok: false,
    problem: {
      field: 'cc',
      message: '“"Un closed <u@x.org>” in Cc is not a valid email address: a quote is not closed.',
    },
  });
  assert.deepEqual(draftFromForm(readComposeForm({ subject: 's'.repeat(999) }), from), {
    ok: false,
    problem: { field: 'subject', message: 'The subject is longer than 998 characters.' },
  });
});
