// Proves conversations against a real Dovecot: the threaded index of INBOX equals the connected
// reply graph (Message-ID, In-Reply-To, References) of INBOX and Sent computed from the generated
// manifest; a conversation lists its INBOX and Sent messages in date order with their texts; a
// reply appended to Sent by another client joins its conversation; a warm page sends nothing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ImapFlow } from 'imapflow';
import type { GeneratedMessage } from '../../src/ops/index.js';
import type { ThreadSummary } from '../../src/protocol/index.js';
import { startTestDovecot, type TestDovecot } from '../harness/dovecot.js';
import { manifestByUid } from '../harness/expectations.js';
import { startImapProxy, waitForQuietWire, type ImapProxy } from '../harness/imap-proxy.js';
import {
  loginTestUser,
  startTestWebcache,
  testDomainConfig,
  type TestWebcache,
} from '../harness/webcache.js';

const pageSize = 20;

let dovecot: TestDovecot;
let proxy: ImapProxy;
let webcache: TestWebcache;
let session: string;
let inbox: Map<number, GeneratedMessage>;
let sent: Map<number, GeneratedMessage>;

interface Member {
  folder: 'INBOX' | 'Sent';
  uid: number;
  m: GeneratedMessage;
}

/**
 * Conversations written from scratch for this test: union-find over Message-IDs, each message
 * joined with every id it names. (The generator gives no reply-marked subject without headers,
 * so the subject fallback adds nothing here; the unit tests cover it.)
 */
function expectedConversations(): Member[][] {
  const up = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (up.has(r) && up.get(r) !== r) r = up.get(r) as string;
    up.set(x, r);
    return r;
  };
  const join = (a: string, b: string): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) up.set(ra, rb);
  };
  const all: Member[] = [
    ...[...inbox].map(([uid, m]) => ({ folder: 'INBOX' as const, uid, m })),
    ...[...sent].map(([uid, m]) => ({ folder: 'Sent' as const, uid, m })),
  ];
  for (const { m } of all) {
    find(m.expect.messageId);
    for (const id of m.expect.references) join(m.expect.messageId, id);
    if (m.expect.inReplyTo !== null) join(m.expect.messageId, m.expect.inReplyTo);
  }
  const groups = new Map<string, Member[]>();
  for (const member of all) {
    const root = find(member.m.expect.messageId);
    groups.set(root, [...(groups.get(root) ?? []), member]);
  }
  const time = (x: Member): number => x.m.expect.date.getTime();
  return [...groups.values()]
    .filter((g) => g.some((x) => x.folder === 'INBOX'))
    .map((g) => g.sort((a, b) => time(a) - time(b)));
}

async function allThreads(): Promise<ThreadSummary[]> {
  const call = (page: number) =>
    webcache.client.call('listThreads', { session, folder: 'INBOX', page, pageSize });
  const first = await call(1);
  const rows = [...first.threads];
  for (let page = 2; page <= first.pageCount; page++) rows.push(...(await call(page)).threads);
  assert.equal(rows.length, first.total);
  return rows;
}

before(async () => {
  dovecot = await startTestDovecot({ namespace: 'slash' });
  proxy = await startImapProxy({ host: '127.0.0.1', port: dovecot.dovecot.port });
  webcache = await startTestWebcache({ domains: [testDomainConfig(proxy.port, 'slash')] });
  session = await loginTestUser(webcache);
  inbox = await manifestByUid(dovecot, 'INBOX');
  sent = await manifestByUid(dovecot, 'Sent');
});

after(async () => {
  await webcache?.stop();
  await proxy?.close();
  await dovecot?.stop();
});

test('the threaded INBOX is the reply graph of INBOX and Sent, newest activity first', async () => {
  const expected = expectedConversations();
  assert.ok(
    expected.some((g) => g.length >= 3 && g.some((x) => x.folder === 'Sent')),
    'the seeded mail has conversations that span INBOX and Sent',
  );
  const rows = await allThreads();
  assert.equal(rows.length, expected.length);
  const byUid = new Map(rows.map((r) => [r.uid, r]));
  for (const group of expected) {
    const inInbox = group.filter((x) => x.folder === 'INBOX');
    const newest = inInbox[inInbox.length - 1] as Member;
    const row = byUid.get(newest.uid);
    assert.ok(row, `a row opens INBOX ${newest.uid}`);
    const first = group[0] as Member;
    const last = group[group.length - 1] as Member;
    assert.equal(row.count, group.length);
    assert.equal(row.unread, inInbox.filter((x) => !x.m.flags.includes('\\Seen')).length);
    // What ticking the row acts on: exactly its INBOX messages, none of Sent's.
    const byNumber = (a: number, b: number): number => a - b;
    assert.deepEqual([...row.folderUids].sort(byNumber), inInbox.map((x) => x.uid).sort(byNumber));
    assert.equal(row.subject, first.m.expect.subject);
    assert.equal(row.latestDate, last.m.expect.date.toISOString());
    const names = [...new Set(group.map((x) => x.m.expect.from.name || x.m.expect.from.address))];
    assert.deepEqual(row.participants, names.slice(0, 8));
  }
  const dates = rows.map((r) => Date.parse(r.latestDate));
  assert.deepEqual(
    dates,
    [...dates].sort((a, b) => b - a),
  );
});

test('a conversation lists INBOX and Sent messages in date order, with their texts', async () => {
  const group = expectedConversations()
    .filter((g) => g.some((x) => x.folder === 'Sent'))
    .sort((a, b) => b.length - a.length)[0];
  assert.ok(group);
  const anyInbox = group.find((x) => x.folder === 'INBOX') as Member;
  const got = await webcache.client.call('getConversation', {
    session,
    folder: 'INBOX',
    uid: anyInbox.uid,
    markRead: false,
  });
  assert.deepEqual(
    got.messages.map((m) => [m.folder, m.uid]),
    group.map((x) => [x.folder, x.uid]),
  );
  assert.equal(got.subject, (group[0] as Member).m.expect.subject);
  got.messages.forEach((message, i) => {
    const m = (group[i] as Member).m;
    assert.equal(message.date, m.expect.date.toISOString());
    assert.deepEqual(message.from, [m.expect.from]);
    assert.equal(message.text?.trim(), (m.expect.text ?? '').trim());
  });
});

test('a reply stored in Sent by another client joins its conversation', async () => {
  const alone = expectedConversations().find(
    (g) => g.length === 1 && !g[0]?.m.expect.subject.startsWith('Fwd:'),
  );
  assert.ok(alone);
  const original = (alone[0] as Member).m;
  const uid = (alone[0] as Member).uid;
  const replyId = '<thread-test-reply@demo.test>';
  const raw = [
    'From: Demo User <demo@demo.test>',
    `To: ${original.expect.from.address}`,
    `Subject: Re: ${original.expect.subject}`,
    'Date: Sun, 1 Nov 2026 10:00:00 +0000',
    `Message-ID: ${replyId}`,
    `In-Reply-To: ${original.expect.messageId}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Thanks, that works for me.',
    '',
  ].join('\r\n');
  const client = new ImapFlow(dovecot.imapOptions());
  await client.connect();
  const result = await client
    .append('Sent', Buffer.from(raw, 'utf8'), ['\\Seen'])
    .finally(() => client.logout());
  const appended = result ? (result.uid ?? 0) : 0;
  assert.ok(appended > 0, 'Dovecot gave the APPENDUID');
  const got = await webcache.client.call('getConversation', {
    session,
    folder: 'INBOX',
    uid,
    markRead: false,
  });
  assert.deepEqual(
    got.messages.map((m) => [m.folder, m.uid]),
    [
      ['INBOX', uid],
      ['Sent', appended],
    ],
  );
  assert.equal(got.messages[1]?.text?.trim(), 'Thanks, that works for me.');
  const row = (await allThreads()).find((r) => r.uid === uid);
  assert.equal(row?.count, 2);
  assert.equal(row?.latestDate, '2026-11-01T10:00:00.000Z');
  assert.deepEqual(row?.participants, [original.expect.from.name, 'Demo User']);
});

test('opening a conversation marks its unread INBOX messages read', async () => {
  const group = expectedConversations().find((g) =>
    g.some((x) => x.folder === 'INBOX' && !x.m.flags.includes('\\Seen')),
  );
  assert.ok(group);
  const target = group.find((x) => x.folder === 'INBOX') as Member;
  const got = await webcache.client.call('getConversation', {
    session,
    folder: 'INBOX',
    uid: target.uid,
    markRead: true,
  });
  // Like getMessage, the reply shows the state after opening.
  assert.deepEqual(
    got.messages.map((m) => m.isUnread),
    got.messages.map(() => false),
  );
  const client = new ImapFlow(dovecot.imapOptions());
  await client.connect();
  try {
    const lock = await client.getMailboxLock('INBOX');
    try {
      for (const x of group.filter((y) => y.folder === 'INBOX')) {
        const m = await client.fetchOne(String(x.uid), { flags: true }, { uid: true });
        assert.ok(m && m.flags?.has('\\Seen'), `INBOX ${x.uid} is \\Seen on the server`);
      }
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
  }
  const row = (await allThreads()).find((r) => group.some((x) => x.uid === r.uid));
  assert.equal(row?.unread, 0);
});

test('a warm threaded page sends no IMAP command', async () => {
  await allThreads();
  await waitForQuietWire(proxy);
  proxy.reset();
  await webcache.client.call('listThreads', { session, folder: 'INBOX', page: 2, pageSize });
  await webcache.client.call('listThreads', { session, folder: 'INBOX', page: 1, pageSize });
  assert.equal(proxy.counts().total, 0);
});
