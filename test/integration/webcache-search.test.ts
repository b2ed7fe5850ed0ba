// Proves search against a real Dovecot: for each criterion (and combinations, non-ASCII terms,
// one folder and all folders) the hits equal an independent filter over the generated manifest,
// the server is asked with ESEARCH, and paging or re-sorting a kept result sends no IMAP command.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import PostalMime from 'postal-mime';
import type { GeneratedMessage } from '../../src/ops/index.js';
import type {
  SearchCriteria,
  SearchHit,
  SearchScope,
  SortField,
  SortOrder,
} from '../../src/protocol/index.js';
import { startTestDovecot, type TestDovecot } from '../harness/dovecot.js';
import { expectedOrder, manifestByUid } from '../harness/expectations.js';
import { startImapProxy, type ImapProxy } from '../harness/imap-proxy.js';
import {
  loginTestUser,
  startTestWebcache,
  testDomainConfig,
  type TestWebcache,
} from '../harness/webcache.js';
import { noSearchCriteria as none } from '../harness/search-criteria.js';

const pageSize = 10;

let dovecot: TestDovecot;
let proxy: ImapProxy;
let webcache: TestWebcache;
let session: string;
/** folder path → UID → manifest entry, for every selectable folder. */
const manifest = new Map<string, Map<number, GeneratedMessage>>();
/** Manifest entry → its searchable texts, computed without any AlphaMail code. */
const texts = new Map<GeneratedMessage, { headers: string; body: string }>();

/** What an IMAP server searches, from the manifest and postal-mime (for forwarded messages). */
async function searchableTexts(m: GeneratedMessage): Promise<{ headers: string; body: string }> {
  const person = (p: { name: string; address: string }): string => `${p.name} <${p.address}>`;
  const headers = [person(m.expect.from), ...m.expect.to.map(person), m.expect.subject];
  const body = [m.expect.text ?? '', m.expect.html ?? ''];
  for (const a of m.expect.attachments) {
    if (a.contentType.startsWith('text/')) body.push(a.content.toString('utf8'));
    if (a.contentType === 'message/rfc822') {
      const inner = await PostalMime.parse(a.content);
      const innerPeople = [inner.from, ...(inner.to ?? [])].map((p) =>
        p && 'address' in p ? `${p.name} <${p.address ?? ''}>` : '',
      );
      body.push(inner.text ?? '', inner.html ?? '', inner.subject ?? '', ...innerPeople);
    }
  }
  return { headers: headers.join('\n'), body: body.join('\n') };
}

const has = (haystack: string, needle: string): boolean =>
  haystack.toLowerCase().includes(needle.toLowerCase());
const day = (m: GeneratedMessage): string => m.expect.date.toISOString().slice(0, 10);
const textsOf = (m: GeneratedMessage): { headers: string; body: string } => {
  const found = texts.get(m);
  assert.ok(found);
  return found;
};

async function allHits(
  scope: SearchScope,
  folder: string,
  criteria: Partial<SearchCriteria>,
  sort: SortField = 'date',
  order: SortOrder = 'desc',
): Promise<{ hits: SearchHit[]; total: number; folders: string[] }> {
  const call = (page: number) =>
    webcache.client.call('search', {
      session,
      scope,
      folder,
      criteria: { ...none, ...criteria },
      sort,
      order,
      page,
      pageSize,
    });
  const first = await call(1);
  const hits = [...first.hits];
  for (let page = 2; page <= first.pageCount; page++) {
    const next = await call(page);
    assert.equal(next.page, page);
    assert.equal(next.resultId, first.resultId, 'the same search keeps its result id');
    hits.push(...next.hits);
  }
  assert.equal(hits.length, first.total);
  return { hits, total: first.total, folders: first.folders };
}

function expectedIn(
  folder: string,
  keep: (m: GeneratedMessage) => boolean,
  sort: SortField = 'date',
  order: SortOrder = 'desc',
): number[] {
  const all = manifest.get(folder);
  assert.ok(all, `${folder} is in the manifest`);
  return expectedOrder(new Map([...all].filter(([, m]) => keep(m))), sort, order);
}

before(async () => {
  dovecot = await startTestDovecot({ namespace: 'slash' });
  proxy = await startImapProxy({ host: '127.0.0.1', port: dovecot.dovecot.port });
  webcache = await startTestWebcache({ domains: [testDomainConfig(proxy.port, 'slash')] });
  session = await loginTestUser(webcache);
  const { folders } = await webcache.client.call('listFolders', { session });
  for (const f of folders.filter((x) => x.selectable)) {
    manifest.set(f.path, await manifestByUid(dovecot, f.path));
  }
  for (const m of dovecot.messages) texts.set(m, await searchableTexts(m));
});

after(async () => {
  await webcache?.stop();
  await proxy?.close();
  await dovecot?.stop();
});

/** One criterion (or a combination) in one folder, against the filter written beside it. */
const cases: {
  name: string;
  folder: string;
  criteria: Partial<SearchCriteria>;
  keep: (m: GeneratedMessage) => boolean;
}[] = [
  {
    name: 'from',
    folder: 'INBOX',
    criteria: { from: 'smith' },
    keep: (m) => has(`${m.expect.from.name} <${m.expect.from.address}>`, 'smith'),
  },
  {
    name: 'from, non-ASCII',
    folder: 'INBOX',
    criteria: { from: 'Müller' },
    keep: (m) => has(m.expect.from.name, 'Müller'),
  },
  {
    name: 'to',
    folder: 'Sent',
    criteria: { to: 'example.de' },
    keep: (m) => m.expect.to.some((t) => has(t.address, 'example.de')),
  },
  {
    name: 'subject',
    folder: 'INBOX',
    criteria: { subject: 'invoice' },
    keep: (m) => has(m.expect.subject, 'invoice'),
  },
  {
    name: 'subject, non-ASCII',
    folder: 'INBOX',
    criteria: { subject: 'Отчёт' },
    keep: (m) => has(m.expect.subject, 'Отчёт'),
  },
  {
    name: 'body',
    folder: 'INBOX',
    criteria: { body: 'deadline' },
    keep: (m) => has(textsOf(m).body, 'deadline'),
  },
  {
    name: 'body, non-ASCII',
    folder: 'INBOX',
    criteria: { body: 'Rückmeldung' },
    keep: (m) => has(textsOf(m).body, 'Rückmeldung'),
  },
  {
    name: 'text (headers or body)',
    folder: 'INBOX',
    criteria: { text: 'Lindqvist' },
    keep: (m) => has(textsOf(m).headers, 'Lindqvist') || has(textsOf(m).body, 'Lindqvist'),
  },
  {
    name: 'date range',
    folder: 'INBOX',
    criteria: { since: '2025-03-01', before: '2025-09-01' },
    keep: (m) => day(m) >= '2025-03-01' && day(m) < '2025-09-01',
  },
  {
    name: 'since only',
    folder: 'INBOX',
    criteria: { since: '2026-06-15' },
    keep: (m) => day(m) >= '2026-06-15',
  },
  {
    name: 'unread',
    folder: 'INBOX',
    criteria: { unread: true },
    keep: (m) => !m.flags.includes('\\Seen'),
  },
  {
    name: 'flagged',
    folder: 'INBOX',
    criteria: { flagged: true },
    keep: (m) => m.flags.includes('\\Flagged'),
  },
  {
    name: 'has attachment',
    folder: 'INBOX',
    criteria: { hasAttachment: true },
    keep: (m) => m.expect.hasAttachments,
  },
  {
    name: 'unread and has attachment',
    folder: 'INBOX',
    criteria: { unread: true, hasAttachment: true },
    keep: (m) => !m.flags.includes('\\Seen') && m.expect.hasAttachments,
  },
  {
    name: 'body and date range',
    folder: 'INBOX',
    criteria: { body: 'the', since: '2025-01-01', before: '2026-01-01' },
    keep: (m) => has(textsOf(m).body, 'the') && day(m) >= '2025-01-01' && day(m) < '2026-01-01',
  },
];

test('search in a folder: each criterion and combination equals an independent filter', async () => {
  for (const c of cases) {
    const expected = expectedIn(c.folder, c.keep);
    const folderSize = manifest.get(c.folder)?.size ?? 0;
    assert.ok(expected.length > 0 && expected.length < folderSize, `${c.name} is a real filter`);
    const { hits, folders } = await allHits('folder', c.folder, c.criteria);
    assert.deepEqual(folders, [c.folder]);
    assert.deepEqual(
      hits.map((h) => h.uid),
      expected,
      c.name,
    );
    assert.ok(
      hits.every((h) => h.folder === c.folder),
      `${c.name}: hits carry their folder`,
    );
  }
});

test('search results sort like the index: every field and order', async () => {
  const keep = (m: GeneratedMessage): boolean => !m.flags.includes('\\Seen');
  for (const sort of ['date', 'from', 'subject', 'size'] as const) {
    for (const order of ['asc', 'desc'] as const) {
      const { hits } = await allHits('folder', 'INBOX', { unread: true }, sort, order);
      assert.deepEqual(
        hits.map((h) => h.uid),
        expectedIn('INBOX', keep, sort, order),
        `${sort} ${order}`,
      );
    }
  }
});

test('search in all folders: every folder searched, hits carry their folder', async () => {
  const criteria = { text: 'Lindqvist', hasAttachment: true };
  const keep = (m: GeneratedMessage): boolean =>
    m.expect.hasAttachments &&
    (has(textsOf(m).headers, 'Lindqvist') || has(textsOf(m).body, 'Lindqvist'));
  const { hits, total, folders } = await allHits('all', 'INBOX', criteria);
  assert.deepEqual(new Set(folders), new Set(manifest.keys()), 'every selectable folder');
  const expected = [...manifest]
    .flatMap(([folder, byUid]) =>
      [...byUid].filter(([, m]) => keep(m)).map(([uid]) => `${folder}#${uid}`),
    )
    .sort();
  const found = hits.map((h) => `${h.folder}#${h.uid}`).sort();
  assert.deepEqual(found, expected);
  assert.equal(total, expected.length);
  assert.ok(new Set(hits.map((h) => h.folder)).size > 1, 'hits come from several folders');
  // Newest first across folders, as the date order promises.
  const dates = hits.map((h) => Date.parse(h.date));
  assert.deepEqual(
    dates,
    [...dates].sort((a, b) => b - a),
  );
});

test('the server is asked with ESEARCH; paging and re-sorting a kept result send nothing', async () => {
  const criteria = { ...none, subject: 'Отчёт', unread: false };
  proxy.reset();
  const first = await webcache.client.call('search', {
    session,
    scope: 'folder',
    folder: 'INBOX',
    criteria: { ...none, body: 'numbers' },
    sort: 'date',
    order: 'desc',
    page: 1,
    pageSize: 5,
  });
  assert.ok(first.pageCount > 1, 'more than one page');
  const searches = proxy.log().filter((line) => / UID SEARCH /i.test(line));
  assert.equal(searches.length, 1, 'one UID SEARCH');
  assert.match(searches[0] ?? '', /UID SEARCH RETURN \(ALL\) BODY/i);

  proxy.reset();
  for (const [page, sort, order] of [
    [2, 'date', 'desc'],
    [3, 'subject', 'asc'],
    [1, 'size', 'desc'],
  ] as const) {
    const again = await webcache.client.call('search', {
      session,
      scope: 'folder',
      folder: 'INBOX',
      criteria: { ...none, body: 'numbers' },
      sort,
      order,
      page,
      pageSize: 5,
    });
    assert.equal(again.resultId, first.resultId);
    assert.equal(again.total, first.total);
  }
  assert.equal(proxy.counts().total, 0, 'no IMAP command for paging and re-sorting');

  // All folders: the second page is served from the kept result too.
  const all = {
    session,
    scope: 'all',
    folder: 'INBOX',
    criteria,
    sort: 'date',
    order: 'desc',
  } as const;
  const firstAll = await webcache.client.call('search', { ...all, page: 1, pageSize: 5 });
  const nonAscii = proxy.log().filter((line) => / UID SEARCH /i.test(line));
  assert.ok(nonAscii.length >= 2, 'one search per folder');
  for (const line of nonAscii) assert.match(line, /RETURN \(ALL\) CHARSET UTF-8 SUBJECT/i);
  proxy.reset();
  const secondAll = await webcache.client.call('search', { ...all, page: 2, pageSize: 5 });
  assert.equal(secondAll.resultId, firstAll.resultId);
  assert.equal(proxy.counts().total, 0, 'no IMAP command for the second page of all folders');
});

test('a flag change voids a kept result: the search is asked again and is right', async () => {
  const params = {
    session,
    scope: 'folder',
    folder: 'INBOX',
    criteria: { ...none, unread: true },
    sort: 'date',
    order: 'desc',
    page: 1,
    pageSize: 500,
  } as const;
  const before = await webcache.client.call('search', params);
  const target = before.hits[0];
  assert.ok(target);
  await webcache.client.call('setFlags', {
    session,
    folder: 'INBOX',
    uids: [target.uid],
    seen: 'add',
    flagged: null,
  });
  try {
    proxy.reset();
    const afterRead = await webcache.client.call('search', params);
    assert.ok((proxy.counts().commands.SEARCH ?? 0) >= 1, 'the server is asked again');
    assert.deepEqual(
      afterRead.hits.map((h) => h.uid),
      before.hits.map((h) => h.uid).filter((uid) => uid !== target.uid),
    );
  } finally {
    await webcache.client.call('setFlags', {
      session,
      folder: 'INBOX',
      uids: [target.uid],
      seen: 'remove',
      flagged: null,
    });
  }
});

test('searchNeighbours walks the hits of all folders in the page order, from the kept result', async () => {
  const request = {
    session,
    scope: 'all',
    folder: 'INBOX',
    criteria: { ...none, text: 'Lindqvist' },
    sort: 'date',
    order: 'desc',
  } as const;
  const { hits } = await allHits('all', 'INBOX', request.criteria);
  assert.ok(hits.length >= 3, 'a few hits');
  assert.ok(new Set(hits.map((h) => h.folder)).size > 1, 'from several folders');
  proxy.reset();
  for (const [i, hit] of hits.entries()) {
    const n = await webcache.client.call('searchNeighbours', {
      ...request,
      hit: { folder: hit.folder, uid: hit.uid },
    });
    const ref = (h: SearchHit | undefined) => (h ? { folder: h.folder, uid: h.uid } : null);
    assert.deepEqual(n, {
      total: hits.length,
      position: i,
      prev: ref(hits[i - 1]),
      next: ref(hits[i + 1]),
    });
  }
  assert.equal(proxy.counts().total, 0, 'answered from the kept result');
  const outside = await webcache.client.call('searchNeighbours', {
    ...request,
    hit: { folder: 'INBOX', uid: 999_999 },
  });
  assert.deepEqual(outside, { total: hits.length, position: null, prev: null, next: null });
});
