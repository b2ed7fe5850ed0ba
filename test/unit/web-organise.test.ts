// Proves the organising pages as plain form posts without JavaScript, against the scripted
// webcache: each action calls the right method with the ticked UIDs and redirects to a notice,
// each is refused without the CSRF token, an empty selection gets a clear message, permanent
// deletes and folder deletes go through a confirmation page.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { csrfToken } from '../harness/http-client.js';
import { startScriptedWebApp, type ScriptedWebApp } from './web-fixtures.js';
import { organiseCalls } from './web-organise-fixtures.js';

let scripted: ScriptedWebApp;
let app: FastifyInstance;
let cookie = '';
let csrf = '';

before(async () => {
  scripted = await startScriptedWebApp();
  ({ app } = scripted);
  cookie = await scripted.signIn();
  csrf = csrfToken((await get('/f/INBOX')).body);
});

after(() => scripted.close());

beforeEach(() => {
  organiseCalls.length = 0;
});

function get(url: string) {
  return app.inject({ method: 'GET', url, headers: { cookie } });
}

type Fields = [string, string][];

function post(url: string, fields: Fields, token: string | null = csrf) {
  const form = new URLSearchParams(token === null ? [] : [['_csrf', token]]);
  for (const [k, v] of fields) form.append(k, v);
  return app.inject({
    method: 'POST',
    url,
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: form.toString(),
  });
}

const selection: Fields = [
  ['folder', 'INBOX'],
  ['next', '/f/INBOX?page=2'],
  ['nextGone', '/f/INBOX?page=2'],
  ['uid', '7'],
  ['uid', '5'],
];

/** Every form post is refused with 403 without a token and with a wrong one, calling nothing. */
async function refusedWithoutCsrf(url: string, fields: Fields): Promise<void> {
  for (const token of [null, 'not-the-token-of-this-session-xxxxxxxx']) {
    const res = await post(url, fields, token);
    assert.equal(res.statusCode, 403, `${url} with token ${String(token)}`);
  }
  assert.deepEqual(organiseCalls, [], `${url}: nothing reached the webcache`);
}

test('the index is one form: labelled row checkboxes inside, the toolbar with every action', async () => {
  const res = await get('/f/INBOX');
  assert.equal(res.statusCode, 200);
  const body = res.body;
  const form = body.slice(body.indexOf('<form method="post" action="/organise"'));
  const formBody = form.slice(0, form.indexOf('</form>'));
  assert.match(formBody, /<table class="message-index">[\s\S]*<\/table>/);
  assert.match(formBody, /<input type="checkbox" name="uid" value="7" id="select-7" \/>/);
  assert.match(formBody, /<label\s+for="select-5"\s+class="visually-hidden"\s*>Lunch<\/label/);
  for (const [value, label] of [
    ['read', 'Mark read'],
    ['unread', 'Mark unread'],
    ['flag', 'Flag'],
    ['unflag', 'Unflag'],
    ['move', 'Move'],
    ['copy', 'Copy'],
    ['junk', 'Junk'],
  ]) {
    assert.match(formBody, new RegExp(`name="action" value="${value}"\\s*>${label}</button>`));
  }
  assert.match(formBody, /value="delete"\s+data-shortcut="#"\s*>Delete<\/button>/);
  assert.match(formBody, /<label for="index-move-to">Move to<\/label>/);
  assert.match(formBody, /<option value="Work\/Projects">Work \/ Projects<\/option>/);
  assert.doesNotMatch(formBody, /<option value="INBOX">/, 'not the folder in view');
  assert.match(formBody, /name="_csrf" value="[^"]+"/);
});

/** The organising form of a page, whitespace runs made one space. */
function formOf(body: string): string {
  const form = body.slice(body.indexOf('<form method="post" action="/organise"'));
  return form.slice(0, form.indexOf('</form>')).replace(/\s+/g, ' ');
}

test('"Select all on this page" ticks every row without script; the forms return without it', async () => {
  const plain = formOf((await get('/f/INBOX?sort=subject&order=asc')).body);
  const boxes = (form: string) => [...form.matchAll(/<input type="checkbox" name="uid"[^>]*>/g)];
  assert.ok(boxes(plain).length >= 2);
  assert.ok(boxes(plain).every((b) => !b[0].includes('checked')));
  assert.match(
    plain,
    /<p class="select-links"> <a href="\/f\/INBOX\?sort=subject&amp;order=asc&amp;select=all" >Select all on this page<\/a > <a href="\/f\/INBOX\?sort=subject&amp;order=asc">Select none<\/a> <\/p>/,
  );

  const res = await get('/f/INBOX?sort=subject&order=asc&select=all');
  assert.equal(res.statusCode, 200);
  const all = formOf(res.body);
  assert.equal(boxes(all).length, boxes(plain).length);
  assert.ok(
    boxes(all).every((b) => / checked \/>$/.test(b[0])),
    'every row ticked',
  );
  assert.match(all, /aria-current="true" >Select all on this page/);
  // After an action the page must not come back with every row ticked.
  assert.match(all, /name="next" value="\/f\/INBOX\?sort=subject&amp;order=asc"/);
  assert.match(all, /name="nextGone" value="\/f\/INBOX\?sort=subject&amp;order=asc"/);
  assert.match(
    res.body,
    /<input type="hidden" name="next" value="\/f\/INBOX\?sort=subject&amp;order=asc" \/>/,
  );
  assert.doesNotMatch(res.body, /name="next" value="[^"]*select=all/);

  // The links show the page itself, not the notice of the action before it.
  const after = formOf((await get('/f/INBOX?done=read&n=2&select=all')).body);
  assert.match(after, /<a href="\/f\/INBOX\?select=all" aria-current="true" >Select all/);
  assert.match(after, /<a href="\/f\/INBOX">Select none<\/a>/);
  // Anything but "all" ticks nothing.
  assert.ok(
    boxes(formOf((await get('/f/INBOX?select=yes')).body)).every((b) => !b[0].includes('checked')),
  );
});

test('each toolbar action calls its method with the ticked UIDs and redirects to a notice', async () => {
  const cases: {
    action: string;
    extra?: Fields;
    method: string;
    params: Record<string, unknown>;
    done: string;
  }[] = [
    {
      action: 'read',
      method: 'setFlags',
      params: { seen: 'add', flagged: null },
      done: 'done=read&n=2',
    },
    {
      action: 'unread',
      method: 'setFlags',
      params: { seen: 'remove', flagged: null },
      done: 'done=unread&n=2',
    },
    {
      action: 'flag',
      method: 'setFlags',
      params: { seen: null, flagged: 'add' },
      done: 'done=flag&n=2',
    },
    {
      action: 'unflag',
      method: 'setFlags',
      params: { seen: null, flagged: 'remove' },
      done: 'done=unflag&n=2',
    },
    {
      action: 'move',
      extra: [['moveTo', 'Work/Projects']],
      method: 'moveMessages',
      params: { destination: 'Work/Projects' },
      done: 'done=moved&n=2&to=Work%2FProjects&undo=1',
    },
    {
      action: 'copy',
      extra: [['copyTo', 'Work']],
      method: 'copyMessages',
      params: { destination: 'Work' },
      done: 'done=copied&n=2&to=Work',
    },
    {
      action: 'delete',
      method: 'deleteMessages',
      params: { permanent: false },
      done: 'done=deleted&n=2&to=Trash&undo=1',
    },
    { action: 'junk', method: 'markJunk', params: {}, done: 'done=junk&n=2&to=Junk&undo=1' },
  ];
  for (const c of cases) {
    const fields: Fields = [...selection, ['action', c.action], ...(c.extra ?? [])];
    await refusedWithoutCsrf('/organise', fields);
    const res = await post('/organise', fields);
    assert.equal(res.statusCode, 303, c.action);
    assert.equal(res.headers.location, `/f/INBOX?page=2&${c.done}`, c.action);
    assert.deepEqual(
      organiseCalls,
      [{ method: c.method, params: { folder: 'INBOX', uids: [7, 5], ...c.params } }],
      c.action,
    );
    organiseCalls.length = 0;
  }
});

test('a selection is validated: none ticked gets a clear message, bad values are refused', async () => {
  const none = await post('/organise', [
    ['folder', 'INBOX'],
    ['action', 'read'],
  ]);
  assert.equal(none.statusCode, 400);
  assert.match(none.body, /<h1>No message selected<\/h1>/);
  assert.match(none.body, /No message was selected\. Tick the box of at least one message/);
  assert.match(none.body, /role="alert"/);
  for (const fields of [
    [
      ['folder', 'INBOX'],
      ['action', 'read'],
      ['uid', 'seven'],
    ],
    [
      ['folder', 'INBOX'],
      ['action', 'read'],
      ['uid', '0'],
    ],
    [
      ['folder', 'INBOX'],
      ['action', 'explode'],
      ['uid', '7'],
    ],
    [
      ['action', 'read'],
      ['uid', '7'],
    ],
    [
      ['folder', 'INBOX'],
      ['action', 'move'],
      ['uid', '7'],
    ],
  ] satisfies Fields[]) {
    const res = await post('/organise', fields);
    assert.equal(res.statusCode, 400, JSON.stringify(fields));
  }
  assert.deepEqual(organiseCalls, []);
});

test('deleting for good asks first: confirm page, then a confirmed POST', async () => {
  const fields: Fields = [
    ['folder', 'Work'],
    ['next', '/f/Work'],
    ['nextGone', '/f/Work'],
    ['uid', '3'],
    ['uid', '4'],
    ['uid', '9'],
    ['action', 'delete'],
  ];
  const res = await post('/organise', fields);
  assert.equal(res.statusCode, 303);
  const location = res.headers.location ?? '';
  assert.equal(
    location,
    '/organise/confirm?action=delete&folder=Work&next=%2Ff%2FWork&uid=3&uid=4&uid=9',
  );
  organiseCalls.length = 0;
  const page = await get(location);
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /<h1>Delete 3 messages for good\?<\/h1>/);
  assert.match(page.body, /<title>Delete 3 messages for good\? — AlphaMail<\/title>/);
  const confirm: Fields = [
    ['action', 'delete'],
    ['folder', 'Work'],
    ['next', '/f/Work'],
    ['uid', '3'],
    ['uid', '4'],
    ['uid', '9'],
  ];
  await refusedWithoutCsrf('/organise/confirm', confirm);
  const done = await post('/organise/confirm', confirm);
  assert.equal(done.statusCode, 303);
  assert.equal(done.headers.location, '/f/Work?done=purged&n=3');
  assert.deepEqual(organiseCalls, [
    {
      method: 'deleteMessages',
      params: { folder: 'Work', uids: [3, 4, 9], permanent: true },
    },
  ]);
  const empty = await get('/organise/confirm?action=delete&folder=Work');
  assert.equal(empty.statusCode, 400, 'a confirm page without messages');
});

test('emptying Trash or Junk goes through the confirmation page', async () => {
  const page = await get('/organise/confirm?action=empty&folder=Work&next=%2Ff%2FWork');
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /<h1>Empty Work for good\?<\/h1>/);
  assert.match(page.body, /All 3 messages in Work will be deleted\./);
  const fields: Fields = [
    ['action', 'empty'],
    ['folder', 'Work'],
    ['next', '/f/Work'],
  ];
  await refusedWithoutCsrf('/organise/confirm', fields);
  const res = await post('/organise/confirm', fields);
  assert.equal(res.statusCode, 303);
  assert.equal(res.headers.location, '/f/Work?done=emptied&n=4&to=Work');
  assert.deepEqual(organiseCalls, [{ method: 'emptyFolder', params: { folder: 'Work' } }]);
});

test('after a move the notice says so, with an Undo button that posts', async () => {
  const res = await get('/f/INBOX?done=moved&n=3&to=Work%2FProjects&undo=1');
  assert.equal(res.statusCode, 200);
  const notice = /<div class="status-notice organise-notice" role="status">([\s\S]*?)<\/div>/.exec(
    res.body,
  );
  assert.ok(notice, 'a status notice');
  assert.match(notice[1] ?? '', /<p>Moved 3 messages to Work \/ Projects\.<\/p>/);
  assert.match(notice[1] ?? '', /<form method="post" action="\/organise\/undo"/);
  assert.match(notice[1] ?? '', /name="next" value="\/f\/INBOX"/);
  const plain = await get('/f/INBOX?done=read&n=1');
  assert.match(plain.body, /<p>Marked 1 message as read\.<\/p>/);
  assert.doesNotMatch(plain.body, /action="\/organise\/undo"/);

  await refusedWithoutCsrf('/organise/undo', [['next', '/f/INBOX']]);
  const undo = await post('/organise/undo', [['next', '/f/INBOX']]);
  assert.equal(undo.statusCode, 303);
  assert.equal(undo.headers.location, '/f/INBOX?done=restored&n=2&to=INBOX');
  assert.deepEqual(organiseCalls, [{ method: 'undo', params: {} }]);
});

test('the message page has the same actions for its one message', async () => {
  const res = await get('/f/INBOX/5');
  assert.equal(res.statusCode, 200);
  const form = /<form method="post" action="\/organise"[\s\S]*?<\/form>/.exec(res.body)?.[0] ?? '';
  assert.match(form, /<input type="hidden" name="uid" value="5" \/>/);
  assert.match(form, /name="nextGone" value="\/f\/INBOX\?sort=date&amp;order=desc"/);
  assert.match(form, /value="unread"\s*>Mark unread<\/button>/, 'it was just read');
  assert.match(form, /value="flag"\s*>Flag<\/button>/);
  assert.match(form, /value="delete"\s+data-shortcut="#"\s*>Delete<\/button>/);
  const unread = await post('/organise', [
    ['folder', 'INBOX'],
    ['uid', '5'],
    ['next', '/f/INBOX/5'],
    ['nextGone', '/f/INBOX'],
    ['action', 'unread'],
  ]);
  assert.equal(unread.headers.location, '/f/INBOX?done=unread&n=1', 'not back to re-read it');
  const flag = await post('/organise', [
    ['folder', 'INBOX'],
    ['uid', '5'],
    ['next', '/f/INBOX/5'],
    ['nextGone', '/f/INBOX'],
    ['action', 'flag'],
  ]);
  assert.equal(flag.headers.location, '/f/INBOX/5?done=flag&n=1');
});

test('folder management: create, rename, delete after confirmation, subscriptions', async () => {
  const page = await get('/folders/manage');
  assert.equal(page.statusCode, 200);
  assert.equal(page.body.match(/<h1>/g)?.length, 1);
  assert.match(page.body, /<h1>Manage folders<\/h1>/);
  assert.match(page.body, /<label for="new-folder-parent">Inside<\/label>/);
  assert.match(page.body, /<option value="Work\/Projects"\s*>\s*Work \/ Projects\s*<\/option>/);
  assert.match(page.body, /<label for="rename-1">New name for Work<\/label>/);
  assert.doesNotMatch(page.body, /New name for Inbox/, 'INBOX cannot be renamed');
  assert.match(
    page.body,
    /href="\/folders\/delete\?folder=Work%2FProjects">Delete Work \/ Projects…/,
  );
  // Nested: Projects' list sits inside Work's item.
  assert.match(
    page.body,
    /New name for Work<\/label>[\s\S]*?<ul>[\s\S]*?New name for Work \/ Projects/,
  );

  const create: Fields = [
    ['name', 'Plans'],
    ['parent', 'Work'],
  ];
  await refusedWithoutCsrf('/folders/create', create);
  const created = await post('/folders/create', create);
  assert.equal(created.statusCode, 303);
  assert.equal(created.headers.location, '/folders/manage?done=created');
  const top = await post('/folders/create', [
    ['name', 'Travel'],
    ['parent', ''],
  ]);
  assert.equal(top.statusCode, 303);
  assert.deepEqual(organiseCalls, [
    { method: 'createFolder', params: { parent: 'Work', name: 'Plans' } },
    { method: 'createFolder', params: { parent: null, name: 'Travel' } },
  ]);
  organiseCalls.length = 0;
  const slashed = await post('/folders/create', [
    ['name', 'a/b'],
    ['parent', ''],
  ]);
  assert.equal(slashed.statusCode, 400);
  assert.match(slashed.body, /A folder name cannot contain “\/”/);
  assert.match(slashed.body, /value="a\/b"/, 'what was typed is kept');
  const blank = await post('/folders/create', [
    ['name', '  '],
    ['parent', ''],
  ]);
  assert.equal(blank.statusCode, 400);
  assert.match(blank.body, /Enter a name for the new folder\./);
  assert.deepEqual(organiseCalls, []);

  const rename: Fields = [
    ['folder', 'Work'],
    ['name', 'Jobs'],
  ];
  await refusedWithoutCsrf('/folders/rename', rename);
  const renamed = await post('/folders/rename', rename);
  assert.equal(renamed.headers.location, '/folders/manage?done=renamed');
  const inbox = await post('/folders/rename', [
    ['folder', 'INBOX'],
    ['name', 'Old'],
  ]);
  assert.equal(inbox.statusCode, 409);
  assert.match(inbox.body, /cannot be renamed or deleted/);
  assert.deepEqual(organiseCalls, [
    { method: 'renameFolder', params: { folder: 'Work', name: 'Jobs' } },
    { method: 'renameFolder', params: { folder: 'INBOX', name: 'Old' } },
  ]);
  organiseCalls.length = 0;

  const confirm = await get('/folders/delete?folder=Work');
  assert.equal(confirm.statusCode, 200);
  assert.match(confirm.body, /<h1>Delete the folder Work\?<\/h1>/);
  assert.match(
    confirm.body,
    /The folder and its\s+1 subfolder and the 6 messages in it\s+will\s+be deleted for good/,
  );
  await refusedWithoutCsrf('/folders/delete', [['folder', 'Work']]);
  const deleted = await post('/folders/delete', [['folder', 'Work']]);
  assert.equal(deleted.headers.location, '/folders/manage?done=deleted');
  assert.deepEqual(organiseCalls, [{ method: 'deleteFolder', params: { folder: 'Work' } }]);
  organiseCalls.length = 0;
  assert.equal((await get('/folders/delete?folder=INBOX')).statusCode, 409);

  const subscriptions: Fields = [
    ['listed', 'INBOX'],
    ['listed', 'Work'],
    ['listed', 'Work/Projects'],
    ['subscribed', 'INBOX'],
  ];
  await refusedWithoutCsrf('/folders/subscriptions', subscriptions);
  const saved = await post('/folders/subscriptions', subscriptions);
  assert.equal(saved.headers.location, '/folders/manage?done=subscriptions');
  assert.deepEqual(organiseCalls, [
    { method: 'setSubscribed', params: { folder: 'Work', subscribed: false } },
    { method: 'setSubscribed', params: { folder: 'Work/Projects', subscribed: false } },
  ]);
  const notice = await get('/folders/manage?done=subscriptions');
  assert.match(notice.body, /role="status">Subscriptions saved\./);
});
