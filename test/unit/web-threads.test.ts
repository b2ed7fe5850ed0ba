// Proves conversations in the web tier against the scripted webcache: the settings checkbox
// (labelled, POST with CSRF, post-redirect-get), the index as a conversation table (caption,
// header cells, counts and unread state in words, escaped text, paging) and the conversation page
// (one h1, an h2 per message in order, the newest shown in full, older texts behind a disclosure,
// the reply from Sent labelled, opened with markRead).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { maxOrganiseUids } from '../../src/protocol/index.js';
import { csrfToken } from '../harness/http-client.js';
import { startScriptedWebApp, type ScriptedWebApp } from './web-fixtures.js';
import { organiseCalls } from './web-organise-fixtures.js';
import { conversationCalls, scriptedThreadCount } from './web-thread-fixtures.js';

let scripted: ScriptedWebApp;
let webcache: ScriptedWebApp['webcache'];
let app: FastifyInstance;
let cookie = '';

before(async () => {
  scripted = await startScriptedWebApp();
  ({ app, webcache } = scripted);
  cookie = await scripted.signIn();
});

after(() => scripted.close());

/** A page with runs of whitespace made one space, so markup can be matched however it wraps. */
async function get(url: string): Promise<{ statusCode: number; body: string }> {
  const res = await app.inject({ method: 'GET', url, headers: { cookie } });
  return { statusCode: res.statusCode, body: res.body.replace(/[ \t\r\n]+/g, ' ') };
}

async function saveSettings(fields: Record<string, string>, withCsrf = true) {
  const page = await get('/settings');
  const body = new URLSearchParams({
    ...(withCsrf ? { _csrf: csrfToken(page.body) } : {}),
    pageSize: '50',
    sort: 'date',
    order: 'desc',
    ...fields,
  });
  return postForm('/settings', body);
}

function postForm(url: string, form: URLSearchParams) {
  return app.inject({
    method: 'POST',
    url,
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: form.toString(),
  });
}

const count = (body: string, pattern: RegExp): number => [...body.matchAll(pattern)].length;

test('the settings checkbox is labelled, off by default, and saved by a CSRF-checked POST', async () => {
  const page = await get('/settings');
  assert.match(page.body, /<label for="threaded">Show the index as conversations<\/label>/);
  assert.match(page.body, /<input id="threaded" name="threaded" type="checkbox" value="1"/);
  assert.doesNotMatch(page.body, /name="threaded"[^>]* checked/);

  const refused = await saveSettings({ threaded: '1' }, false);
  assert.equal(refused.statusCode, 403);
  assert.doesNotMatch((await get('/settings')).body, /name="threaded"[^>]* checked/);

  const saved = await saveSettings({ threaded: '1' });
  assert.equal(saved.statusCode, 303);
  assert.equal(saved.headers.location, '/settings?saved=1');
  assert.match((await get('/settings')).body, /name="threaded"[^>]* checked/);
});

test('the index shows one table row per conversation, with counts and state in words', async () => {
  await saveSettings({ threaded: '1' });
  webcache.calls.length = 0;
  const page = await get('/f/INBOX');
  assert.equal(page.statusCode, 200);
  assert.ok(webcache.calls.includes('listThreads'));
  assert.ok(!webcache.calls.includes('listMessages'), 'the plain index is not asked for');
  assert.match(
    page.body,
    /<caption> Inbox: 12 conversations, 1 unread messages<span class="caption-sort">, newest activity first<\/span> <\/caption>/,
  );
  for (const name of ['Subject', 'Participants', 'Messages', 'Latest', 'Status']) {
    assert.match(page.body, new RegExp(`<th scope="col" class="col-[a-z]+">${name}</th>`));
  }
  assert.equal(
    count(page.body, /<tr( class="unread")?> <td class="col-select">.*? <td class="col-subject">/g),
    12,
  );
  assert.equal(count(page.body, /<tr class="unread">/g), 1);
  // Hostile text arrives escaped; the row links to its conversation.
  assert.match(
    page.body,
    /<a href="\/f\/INBOX\/40\/thread">Plans &lt;b&gt;&amp; &quot;more&quot;&lt;\/b&gt;<\/a><div class="snippet">&lt;img src=x onerror=alert\(1\)&gt;<\/div>/,
  );
  assert.match(page.body, /<td class="col-from">Mallory &lt;evil&gt;, Alice<\/td>/);
  assert.match(page.body, /<td class="col-count">3 messages<\/td>/);
  assert.match(page.body, /<td class="col-count">1 message<\/td>/);
  assert.match(page.body, /<td class="col-status">1 unread<\/td>/);
  assert.equal(count(page.body, /<td class="col-status">Read<\/td>/g), scriptedThreadCount - 1);
  assert.match(page.body, /<time datetime="2024-06-30T12:00:00.000Z">/);
  assert.doesNotMatch(page.body, /<script>alert|<img src=x/);
  assert.match(page.body, /<title>Inbox, 1 unread, conversations/);
});

/** Posts the threaded index's form as a browser would, with the given fields ticked or chosen. */
async function postOrganise(fields: [string, string][]) {
  const page = await get('/f/INBOX');
  const form = new URLSearchParams([
    ['_csrf', csrfToken(page.body)],
    ['folder', 'INBOX'],
    ['next', '/f/INBOX'],
    ['nextGone', '/f/INBOX'],
    ...fields,
  ]);
  return postForm('/organise', form);
}

test('each conversation row has a labelled checkbox for its messages in the one organising form', async () => {
  await saveSettings({ threaded: '1' });
  const { body } = await get('/f/INBOX');
  const start = body.indexOf('<form method="post" action="/organise" class="organise-form">');
  assert.ok(start >= 0, 'the index is inside the organising form');
  const form = body.slice(start, body.indexOf('</form>', start));
  assert.match(form, /<legend>Selected conversations<\/legend>/);
  for (const action of ['read', 'unread', 'flag', 'unflag', 'move', 'copy', 'delete', 'junk']) {
    assert.match(form, new RegExp(`<button type="submit" name="action" value="${action}"`));
  }
  assert.match(
    form,
    /<th scope="col" class="col-select"> <span class="visually-hidden">Select<\/span>/,
  );
  // The first conversation: its two INBOX messages (its reply in Sent is not the folder's).
  assert.match(
    form,
    /<input type="checkbox" name="conversation" value="31 40" id="select-40" \/><label for="select-40" class="visually-hidden">Plans &lt;b&gt;&amp; &quot;more&quot;&lt;\/b&gt;<\/label>/,
  );
  assert.match(form, /<input type="checkbox" name="conversation" value="39" id="select-39" \/>/);
  assert.equal(count(form, /type="checkbox" name="conversation"/g), 12);
  assert.doesNotMatch(form, /name="uid"/);
  assert.equal(count(form, / checked /g), 0);
  const all = (await get('/f/INBOX?select=all')).body;
  assert.equal(count(all, /<input type="checkbox" name="conversation"[^>]* checked \/>/g), 12);
  assert.match(all, /<input type="hidden" name="next" value="\/f\/INBOX" \/>/);
});

test('ticked conversations act on all their messages in the folder, with the notice in messages', async () => {
  await saveSettings({ threaded: '1' });
  organiseCalls.length = 0;
  const read = await postOrganise([
    ['conversation', '31 40'],
    ['conversation', '38'],
    ['action', 'read'],
  ]);
  assert.equal(read.statusCode, 303);
  assert.equal(read.headers.location, '/f/INBOX?done=read&n=3');
  const moved = await postOrganise([
    ['conversation', '31 40'],
    ['uid', '40'],
    ['action', 'move'],
    ['moveTo', 'Work'],
  ]);
  assert.equal(moved.statusCode, 303);
  assert.deepEqual(
    organiseCalls.map((c) => [c.method, c.params.folder, c.params.uids]),
    [
      ['setFlags', 'INBOX', [31, 40, 38]],
      ['moveMessages', 'INBOX', [40, 31]],
    ],
  );
  const after = await get(String(read.headers.location));
  assert.match(after.body, /<p>Marked 3 messages as read\.<\/p>/);
  assert.match(after.body, /<legend>Selected conversations<\/legend>/);
});

test('a malformed conversation is refused; too many messages get a clear message', async () => {
  await saveSettings({ threaded: '1' });
  organiseCalls.length = 0;
  for (const value of ['31,40', '31  40', ' 31', '0', '31 x', '']) {
    const res = await postOrganise([
      ['conversation', value],
      ['action', 'read'],
    ]);
    assert.equal(res.statusCode, 400, JSON.stringify(value));
    assert.doesNotMatch(res.body, /Too many/);
  }
  const many = Array.from({ length: maxOrganiseUids + 1 }, (_, i) => i + 1);
  const tooMany = await postOrganise([
    ['conversation', many.slice(0, 300).join(' ')],
    ['conversation', many.slice(300).join(' ')],
    ['action', 'read'],
  ]);
  assert.equal(tooMany.statusCode, 400);
  const text = tooMany.body.replace(/\s+/g, ' ');
  assert.match(text, /<h1>Too many messages selected<\/h1>/);
  assert.match(
    text,
    new RegExp(`More than ${maxOrganiseUids} messages were selected\\. Select fewer`),
  );
  assert.match(text, /<a href="\/f\/INBOX">Go back<\/a>/);
  // Exactly the limit is fine.
  const atLimit = await postOrganise([
    ['conversation', many.slice(0, maxOrganiseUids).join(' ')],
    ['action', 'read'],
  ]);
  assert.equal(atLimit.statusCode, 303);
  assert.deepEqual(
    organiseCalls.map((c) => [c.method, (c.params.uids as number[]).length]),
    [['setFlags', maxOrganiseUids]],
  );
});

test('conversation rows page with the user page size', async () => {
  await saveSettings({ threaded: '1', pageSize: '5' });
  const first = await get('/f/INBOX');
  assert.match(first.body, /Page 1 of 3/);
  assert.match(first.body, /<a href="\/f\/INBOX\?page=2" rel="next">Next page<\/a>/);
  assert.equal(count(first.body, /<td class="col-subject">/g), 5);
  const last = await get('/f/INBOX?page=3');
  assert.equal(count(last.body, /<td class="col-subject">/g), 2);
  assert.match(last.body, /Page 3 of 3/);
  const empty = await get('/f/Work');
  assert.match(empty.body, /This folder is empty\./);
});

test('the conversation page has an h2 per message in order, the newest in full', async () => {
  conversationCalls.length = 0;
  const page = await get('/f/INBOX/40/thread');
  assert.equal(page.statusCode, 200);
  assert.deepEqual(conversationCalls, [{ folder: 'INBOX', uid: 40, markRead: true }]);
  assert.equal(count(page.body, /<h1[ >]/g), 1);
  assert.match(page.body, /<h1>Plans &lt;b&gt;&amp; &quot;more&quot;&lt;\/b&gt;<\/h1>/);
  const headings = [...page.body.matchAll(/<h2 id="message-(\d)"> (.*?) <\/h2>/g)].map((m) => [
    m[1],
    (m[2] ?? '').replace(/<[^>]+>/g, ''),
  ]);
  assert.deepEqual(headings, [
    ['1', 'Mallory &lt;evil&gt;, 28 Jun 2024, 09:00'],
    ['2', 'Alice, 29 Jun 2024, 10:00'],
    ['3', 'Mallory &lt;evil&gt;, 30 Jun 2024, 12:00'],
  ]);
  // The oldest: preview, and its text behind a disclosure, escaped.
  assert.match(
    page.body,
    /<p class="snippet">First &lt;i&gt;message&lt;\/i&gt;<\/p> <details> <summary>Show the whole message<\/summary> <pre class="message-text">First message &lt;script&gt;alert\(1\)&lt;\/script&gt; second line<\/pre> <\/details>/,
  );
  // The reply from Sent says where it is and links to itself there.
  assert.match(page.body, /To: Mallory &lt;evil&gt;\. In Sent/);
  assert.match(page.body, /<a href="\/f\/Sent\/4">Open this message<\/a>/);
  // The newest: its text shown, not folded, with the reply links and their shortcuts.
  assert.match(
    page.body,
    /To: Alice\. Unread\. Has attachment <\/p> <pre class="message-text">Latest words of the conversation<\/pre>/,
  );
  assert.match(
    page.body,
    /href="\/compose\?mode=reply&amp;message=INBOX%2F40&amp;back=INBOX" data-shortcut="r"/,
  );
  assert.equal(count(page.body, /data-shortcut="r"/g), 1);
  assert.match(page.body, /<a href="\/f\/INBOX">Back to Inbox<\/a>/);
});

test('a conversation of an unknown message is a 404 page; the plain index returns when off', async () => {
  const missing = await get('/f/INBOX/999/thread');
  assert.equal(missing.statusCode, 404);
  await saveSettings({});
  webcache.calls.length = 0;
  await get('/f/INBOX');
  assert.ok(webcache.calls.includes('listMessages'));
  assert.ok(!webcache.calls.includes('listThreads'));
});
