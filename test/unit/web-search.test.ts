// Proves the search pages against the scripted webcache: the banner's quick search, the advanced
// form (labelled fields, a bad date gets a clear message and no search), the results table with
// its caption, folder column and paging links, that typed terms and subjects are escaped, and
// that ticked results are organised folder by folder.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { csrfToken } from '../harness/http-client.js';
import { startScriptedWebApp, type ScriptedWebApp } from './web-fixtures.js';
import { organiseCalls } from './web-organise-fixtures.js';
import { neighbourCalls, scriptedHitCount, searchCalls } from './web-search-fixtures.js';
import { noSearchCriteria as noCriteria } from '../harness/search-criteria.js';

/** The fixture config's default page size (testConfig: defaultPageSize 50). */
const pageSize = 50;

let scripted: ScriptedWebApp;
let app: FastifyInstance;
let cookie = '';

before(async () => {
  scripted = await startScriptedWebApp();
  ({ app } = scripted);
  cookie = await scripted.signIn();
});

after(() => scripted.close());

beforeEach(() => {
  searchCalls.length = 0;
  neighbourCalls.length = 0;
});

/** A page with runs of whitespace made one space, so markup can be matched however it wraps. */
async function get(
  url: string,
): Promise<{ statusCode: number; body: string; headers: Record<string, unknown> }> {
  const res = await app.inject({ method: 'GET', url, headers: { cookie } });
  return {
    statusCode: res.statusCode,
    headers: res.headers,
    body: res.body.replace(/[ \t\r\n]+/g, ' '),
  };
}

/** Every href in the page, entities decoded as a browser decodes them. */
function hrefs(body: string): string[] {
  return [...body.matchAll(/href="([^"]*)"/g)].map((m) =>
    (m[1] ?? '').replace(/&amp;/g, '&').replace(/&quot;/g, '"'),
  );
}

/** Every control's id has a <label for> (the form works with a screen reader). */
function assertLabelled(body: string, form: string): void {
  const ids = [...form.matchAll(/<(?:input|select)\b[^>]*\bid="([^"]+)"/g)].map((m) => m[1]);
  assert.ok(ids.length > 0);
  for (const id of ids) assert.match(body, new RegExp(`<label for="${id}"`), `${id} is labelled`);
}

test('the banner has a quick search: GET, labelled, "/" shortcut, this folder or all', async () => {
  const res = await get('/f/INBOX');
  assert.equal(res.statusCode, 200);
  const form = /<form method="get" action="\/search" class="quick-search"[^]*?<\/form>/.exec(
    res.body,
  )?.[0];
  assert.ok(form, 'a quick search form');
  assert.match(form, /role="search"/);
  assert.match(form, /<input id="quick-search" type="search" name="text"[^>]*data-shortcut="\/"/);
  assert.match(form, /<input type="hidden" name="folder" value="INBOX"/);
  assert.match(form, /<option value="all">All folders<\/option>/);
  assert.doesNotMatch(form, /_csrf/, 'searching changes nothing: no token in the URL');
  assertLabelled(res.body, form);
  assert.deepEqual(searchCalls, [], 'the index page does not search');
});

test('GET /search without criteria shows the advanced form and searches nothing', async () => {
  const res = await get('/search');
  assert.equal(res.statusCode, 200);
  assert.match(res.body, /<title>Search — AlphaMail<\/title>/);
  assert.match(res.body, /<h1>Search<\/h1>/);
  const form = /<form method="get" action="\/search" class="search-form"[^]*?<\/form>/.exec(
    res.body,
  )?.[0];
  assert.ok(form);
  for (const legend of ['Where', 'Words', 'Date sent', 'Status']) {
    assert.match(form, new RegExp(`<legend>${legend}</legend>`));
  }
  for (const name of ['text', 'from', 'to', 'subject', 'body']) {
    assert.match(form, new RegExp(`name="${name}" type="text"`));
  }
  assert.match(form, /name="since" type="date"/);
  assert.match(form, /name="before" type="date"/);
  for (const name of ['unread', 'flagged', 'attachment']) {
    assert.match(form, new RegExp(`name="${name}" type="checkbox"`));
  }
  assert.match(form, /<option value="Work\/Projects" ?> ?\u00a0\u00a0Projects ?<\/option>/);
  assertLabelled(res.body, form);
  assert.doesNotMatch(res.body, /error-summary/);
  assert.deepEqual(searchCalls, []);
});

test('a bad date gets a clear message, keeps what was typed and searches nothing', async () => {
  const res = await get('/search?scope=folder&folder=INBOX&subject=report&since=31.03.2025');
  assert.equal(res.statusCode, 400);
  assert.match(res.body, /<title>Error: Search — AlphaMail<\/title>/);
  assert.match(res.body, /class="error-summary"/);
  assert.match(res.body, /“Sent on or after” must be a date written like 2025-03-31\./);
  assert.match(res.body, /name="since" type="date" value="31\.03\.2025"/);
  assert.match(res.body, /id="search-since-error"/);
  assert.match(res.body, /aria-describedby="search-since-hint search-since-error"/);
  assert.match(res.body, /name="subject" type="text" value="report"/);
  assert.deepEqual(searchCalls, []);

  const noSuchDay = await get('/search?before=2025-02-30');
  assert.equal(noSuchDay.statusCode, 400);
  assert.match(noSuchDay.body, /“Sent before” must be a date written like/);

  const backwards = await get('/search?since=2025-05-01&before=2025-05-01');
  assert.equal(backwards.statusCode, 400);
  assert.match(backwards.body, /“Sent before” must be a later day than “Sent on or after”\./);

  const empty = await get('/search?text=&scope=all');
  assert.equal(empty.statusCode, 400);
  assert.match(empty.body, /Type something to search for/);
  assert.deepEqual(searchCalls, []);
});

test('results: the criteria reach the webcache; caption, title, folder column, paging', async () => {
  const res = await get('/search?scope=all&text=report&unread=1&since=2024-01-01');
  assert.equal(res.statusCode, 200);
  assert.deepEqual(searchCalls, [
    {
      scope: 'all',
      folder: 'INBOX',
      criteria: { ...noCriteria, text: 'report', since: '2024-01-01', unread: true },
      sort: 'date',
      order: 'desc',
      page: 1,
      pageSize,
    },
  ]);
  const described = '“report”, sent on or after 2024-01-01, unread, in all folders';
  const pages = Math.ceil(scriptedHitCount / pageSize);
  assert.match(
    res.body,
    new RegExp(`<title>${scriptedHitCount} results for ${described}, page 1 of ${pages} —`),
  );
  assert.match(res.body, new RegExp(`<caption>\\s*${scriptedHitCount} results for ${described}`));
  assert.match(res.body, /<th scope="col" class="col-folder">Folder<\/th>/);
  assert.match(res.body, /<td class="col-folder">Projects<\/td>/, 'folder names, not paths');
  assert.equal(
    [
      ...res.body.matchAll(
        /<tr(?: class="unread")?>\s*<td class="col-select">[^]*?<\/td>\s*<td class="col-status"/g,
      ),
    ].length,
    pageSize,
  );
  const links = hrefs(res.body);
  assert.ok(
    links.includes(
      '/search?scope=all&text=report&since=2024-01-01&unread=1&sort=date&order=desc&page=2',
    ),
    'a next-page link keeps the criteria',
  );
  assert.ok(
    links.includes('/search?scope=all&text=report&since=2024-01-01&unread=1&sort=from&order=asc'),
    'column headers re-sort the same search',
  );
  assert.ok(
    links.includes(
      '/f/Work%2FProjects/101?sort=date&order=desc&s=scope%3Dall%26text%3Dreport%26since%3D2024-01-01%26unread%3D1',
    ),
    'hits open in their folder, carrying the search',
  );

  searchCalls.length = 0;
  const second = await get(
    '/search?scope=all&text=report&since=2024-01-01&unread=1&sort=date&order=desc&page=2',
  );
  assert.equal(second.statusCode, 200);
  assert.equal(searchCalls[0]?.page, 2);
  assert.match(second.body, /Page 2 of 2/);
  assert.ok(
    hrefs(second.body).includes(
      '/search?scope=all&text=report&since=2024-01-01&unread=1&sort=date&order=desc',
    ),
  );
});

test('one-folder results have no folder column; an empty result says so', async () => {
  const res = await get('/search?scope=folder&folder=Work%2FProjects&subject=plan&attachment=1');
  assert.equal(res.statusCode, 200);
  assert.equal(searchCalls[0]?.scope, 'folder');
  assert.equal(searchCalls[0]?.folder, 'Work/Projects');
  assert.equal(searchCalls[0]?.criteria.hasAttachment, true);
  assert.doesNotMatch(res.body, /col-folder/);
  assert.match(res.body, /results for “plan” in the subject, with attachments, in Projects/);

  const none = await get('/search?scope=folder&folder=INBOX&text=nothing');
  assert.equal(none.statusCode, 200);
  assert.match(none.body, /<title>0 results for “nothing”, in Inbox — AlphaMail<\/title>/);
  assert.match(none.body, /No messages match “nothing”, in Inbox\./);
  assert.doesNotMatch(none.body, /<table/);
});

test('typed terms and found subjects are escaped; a forged scope is refused', async () => {
  const term = '<script>alert(1)</script>"';
  const res = await get(`/search?scope=all&text=${encodeURIComponent(term)}`);
  assert.equal(res.statusCode, 200);
  assert.doesNotMatch(res.body, /<script>alert/);
  assert.doesNotMatch(res.body, /<b>bold<\/b>/);
  assert.match(res.body, /&lt;b&gt;bold&lt;\/b&gt; &amp; &quot;quoted&quot;/);
  assert.match(res.body, /“&lt;script&gt;alert\(1\)&lt;\/script&gt;&quot;”/);
  assert.match(
    res.body,
    /name="text" type="text" value="&lt;script&gt;alert\(1\)&lt;\/script&gt;&quot;"/,
  );

  const forged = await get('/search?scope=everything&text=x');
  assert.equal(forged.statusCode, 400);
  const repeated = await get('/search?text=a&text=b');
  assert.equal(repeated.statusCode, 400);
  assert.deepEqual(searchCalls.length, 1);
});

test('a message opened from results walks them: its results page, previous and next result', async () => {
  const results = await get('/search?scope=all&text=report&sort=date&order=desc&page=2');
  // The first hit of page 2 is the 51st: scripted hit 50, UID 150 in INBOX.
  const link = hrefs(results.body).find((h) => h.startsWith('/f/INBOX/150?'));
  assert.ok(link, 'the results link to the message');
  assert.equal(new URL(link, 'http://x').searchParams.get('s'), 'scope=all&text=report');
  scripted.webcache.calls.length = 0;
  const page = await get(link);
  assert.equal(page.statusCode, 200);
  const asked = scripted.webcache.calls.filter((c) => c !== 'listFolders');
  assert.deepEqual(asked.slice(0, 2), ['searchNeighbours', 'getMessage'], 'asked before read');
  assert.deepEqual(neighbourCalls, [
    {
      scope: 'all',
      folder: 'INBOX',
      criteria: { ...noCriteria, text: 'report' },
      sort: 'date',
      order: 'desc',
      hit: { folder: 'INBOX', uid: 150 },
    },
  ]);
  const nav = /<nav class="message-nav"[^]*?<\/nav>/.exec(page.body)?.[0] ?? '';
  const s = 's=scope%3Dall%26text%3Dreport';
  assert.deepEqual(hrefs(nav).slice(0, 3), [
    '/search?scope=all&text=report&sort=date&order=desc&page=2',
    `/f/Work%2FProjects/149?sort=date&order=desc&${s}`,
    `/f/Work%2FProjects/151?sort=date&order=desc&${s}`,
  ]);
  assert.match(nav, />Back to search results</);
  assert.match(nav, /rel="prev" data-shortcut="k">Previous result</);
  assert.match(nav, /rel="next" data-shortcut="j">Next result</);
  assert.match(nav, /Result 51 of 60/);
});

test('the first result has no previous one; a message opened from its folder walks the folder', async () => {
  const first = await get('/f/INBOX/100?sort=date&order=desc&s=scope%3Dall%26text%3Dreport');
  const nav = /<nav class="message-nav"[^]*?<\/nav>/.exec(first.body)?.[0] ?? '';
  assert.match(nav, /<span class="disabled">Previous result<\/span>/);
  assert.match(nav, /Result 1 of 60/);
  assert.equal(hrefs(nav)[0], '/search?scope=all&text=report&sort=date&order=desc');
  neighbourCalls.length = 0;
  const plain = await get('/f/INBOX/7');
  assert.equal(plain.statusCode, 200);
  assert.deepEqual(neighbourCalls, [], 'no search asked');
  assert.match(plain.body, />Back to Inbox</);
  assert.doesNotMatch(plain.body, /search results/);
});

test('a search walk that fails leaves the folder links; the message still opens', async () => {
  for (const s of ['scope%3Dfolder%26folder%3DGone%26text%3Dx', 'scope%3Dbogus%26text%3Dx']) {
    const res = await get(`/f/INBOX/7?sort=date&order=desc&s=${s}`);
    assert.equal(res.statusCode, 200, s);
    assert.match(res.body, />Back to Inbox</, s);
    assert.doesNotMatch(res.body, /search results/, s);
  }
  assert.equal(neighbourCalls.length, 1, 'the mangled scope is not sent');
});

test('without signing in, /search sends to the login page', async () => {
  const res = await app.inject({ method: 'GET', url: '/search?text=x' });
  assert.ok([302, 303].includes(res.statusCode), `redirected (${res.statusCode})`);
  assert.match(String(res.headers.location), /^\/login/);
});

/** Posts the results' organising form as a browser would: the page's token, then `fields`. */
async function postOrganise(page: string, fields: [string, string][]) {
  const form = new URLSearchParams([
    ['_csrf', csrfToken((await get(page)).body)],
    ['selection', 'messages'],

    ...fields,
  ]);
  return app.inject({
    method: 'POST',
    url: '/organise',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: form.toString(),
  });
}

const allSearch = '/search?scope=all&text=report';

test('results of all folders are one organising form; each box names its message and folder', async () => {
  const { body } = await get(allSearch);
  const start = body.indexOf('<form method="post" action="/organise" class="organise-form">');
  assert.ok(start >= 0);
  const form = body.slice(start, body.indexOf('</form>', start));
  assert.match(form, /<input type="hidden" name="selection" value="messages" \/>/);
  assert.doesNotMatch(form, /name="folder"/);
  assert.match(
    form,
    /<input type="hidden" name="next" value="\/search\?scope=all&amp;text=report" \/>/,
  );
  assert.match(
    form,
    /<input type="checkbox" name="message" value="100 INBOX" id="select-hit-1" \/><label for="select-hit-1" class="visually-hidden">&lt;b&gt;bold&lt;\/b&gt; &amp; &quot;quoted&quot;<\/label>/,
  );
  assert.match(form, /name="message" value="101 Work\/Projects" id="select-hit-2" \/>/);
  assert.equal([...form.matchAll(/name="message"/g)].length, pageSize);
  // Every folder is a target: the results are of all of them.
  assert.match(form, /<select id="index-move-to" name="moveTo"> <option value="INBOX">/);
  const ticked = (await get(`${allSearch}&select=all`)).body;
  assert.equal(
    [...ticked.matchAll(/name="message" value="[^"]+" id="[^"]+" checked \/>/g)].length,
    pageSize,
  );

  // One folder searched: its UIDs, as in the folder's index.
  const one = (await get('/search?scope=folder&folder=INBOX&text=report')).body;
  assert.match(one, /<input type="hidden" name="folder" value="INBOX" \/>/);
  assert.match(one, /<input type="checkbox" name="uid" value="100" id="select-100" \/>/);
  assert.doesNotMatch(one, /name="message"/);
});

test('ticked results act folder by folder; the notice comes back on the results', async () => {
  organiseCalls.length = 0;
  const flag = await postOrganise(allSearch, [
    ['next', allSearch],
    ['message', '100 INBOX'],
    ['message', '101 Work/Projects'],
    ['message', '102 INBOX'],
    ['message', '100 INBOX'],
    ['action', 'flag'],
  ]);
  assert.equal(flag.statusCode, 303);
  assert.equal(flag.headers.location, `${allSearch}&done=flag&n=3`);
  const move = await postOrganise(allSearch, [
    ['next', allSearch],
    ['message', '101 Work/Projects'],
    ['message', '100 INBOX'],
    ['action', 'move'],
    ['moveTo', 'Work/Projects'],
  ]);
  // What is in the destination already stays; one folder moved, so Undo is offered.
  assert.equal(move.headers.location, `${allSearch}&done=moved&n=1&to=Work%2FProjects&undo=1`);
  const junk = await postOrganise(allSearch, [
    ['message', '101 Work/Projects'],
    ['message', '100 INBOX'],
    ['action', 'junk'],
  ]);
  // Two folders: the webcache keeps the last move's undo only, so none is offered.
  assert.equal(junk.headers.location, '/f/INBOX?done=junk&n=2&to=Junk');
  assert.deepEqual(
    organiseCalls.map((c) => [c.method, c.params.folder, c.params.uids]),
    [
      ['setFlags', 'INBOX', [100, 102]],
      ['setFlags', 'Work/Projects', [101]],
      ['moveMessages', 'INBOX', [100]],
      ['markJunk', 'Work/Projects', [101]],
      ['markJunk', 'INBOX', [100]],
    ],
  );
  const after = await get(`${allSearch}&done=flag&n=3`);
  assert.match(after.body, /<p>Flagged 3 messages\.<\/p>/);
});

test('deleting results: what can go to Trash goes, the rest asks for confirmation', async () => {
  organiseCalls.length = 0;
  const res = await postOrganise(allSearch, [
    ['next', allSearch],
    ['message', '101 Work/Projects'],
    ['message', '100 INBOX'],
    ['action', 'delete'],
  ]);
  assert.equal(res.statusCode, 303);
  const location = new URL(String(res.headers.location), 'http://x');
  assert.equal(location.pathname, '/organise/confirm');
  assert.equal(location.searchParams.get('folder'), 'Work/Projects');
  assert.deepEqual(location.searchParams.getAll('uid'), ['101']);
  // After confirming, the page says what the same click moved to Trash.
  assert.equal(location.searchParams.get('next'), `${allSearch}&done=deleted&n=1&to=Trash`);
  assert.deepEqual(
    organiseCalls.map((c) => [c.method, c.params.folder, c.params.uids]),
    [
      ['deleteMessages', 'Work/Projects', [101]],
      ['deleteMessages', 'INBOX', [100]],
    ],
  );
});

test('a result selection is validated like any other', async () => {
  organiseCalls.length = 0;
  const none = await postOrganise(allSearch, [['action', 'read']]);
  assert.equal(none.statusCode, 400);
  assert.match(none.body, /<h1>No message selected<\/h1>/);
  for (const value of ['100', 'INBOX 100', '0 INBOX', '100 ', ' 100 INBOX', '01 INBOX']) {
    const res = await postOrganise(allSearch, [
      ['message', value],
      ['action', 'read'],
    ]);
    assert.equal(res.statusCode, 400, JSON.stringify(value));
  }
  const many = Array.from({ length: 501 }, (_, i): [string, string] => [
    'message',
    `${i + 1} ${i % 2 === 0 ? 'INBOX' : 'Work'}`,
  ]);
  const tooMany = await postOrganise(allSearch, [...many, ['action', 'read']]);
  assert.equal(tooMany.statusCode, 400);
  assert.match(tooMany.body, /<h1>Too many messages selected<\/h1>/);
  assert.deepEqual(organiseCalls, []);
});
