// Proves what opening a message costs the IMAP server, counted by the proxy against a real
// Dovecot: two UID FETCH (no RFC822.SIZE: the index has it), \Seen reaching Dovecot in one
// batched UID STORE, unread counts following at once, re-opening for free, mark-unread winning.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ImapFlow } from 'imapflow';
import { generateMailbox } from '../../src/ops/index.js';
import { startTestDovecot, type TestDovecot } from '../harness/dovecot.js';
import { startImapProxy, waitForQuietWire } from '../harness/imap-proxy.js';
import { startTestWebcache, testDomainConfig, loginTestUser } from '../harness/webcache.js';

/** Flags and RFC822.SIZE of every message of a folder as Dovecot has them, on its own connection. */
async function serverView(
  dovecot: TestDovecot,
  folder = 'INBOX',
): Promise<Map<number, { seen: boolean; size: number; subject: string }>> {
  const client = new ImapFlow(dovecot.imapOptions());
  await client.connect();
  const out = new Map<number, { seen: boolean; size: number; subject: string }>();
  try {
    const lock = await client.getMailboxLock(folder);
    try {
      for await (const m of client.fetch('1:*', {
        uid: true,
        flags: true,
        size: true,
        envelope: true,
      })) {
        out.set(m.uid, {
          seen: m.flags?.has('\\Seen') === true,
          size: m.size ?? -1,
          subject: m.envelope?.subject ?? '',
        });
      }
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
  }
  return out;
}

test('opening unseen messages: 2 FETCH each, \\Seen in one STORE on Dovecot, re-open free', async () => {
  const messages = generateMailbox({
    seed: 11,
    count: 60,
    user: 'demo@demo.test',
    folders: ['INBOX'],
  });
  const dovecot = await startTestDovecot({ messages });
  const proxy = await startImapProxy({ host: '127.0.0.1', port: dovecot.dovecot.port });
  const webcache = await startTestWebcache({ domains: [testDomainConfig(proxy.port, 'slash')] });
  try {
    const { client } = webcache;
    const session = await loginTestUser(webcache);
    const view = { session, folder: 'INBOX', sort: 'date', order: 'desc' } as const;
    const page = await client.call('listMessages', { ...view, page: 1, pageSize: 60 });
    const before = await serverView(dovecot);
    const unseen = [...before].filter(([, m]) => !m.seen).map(([uid]) => uid);
    assert.ok(unseen.length >= 5, `the generator leaves some unseen (${unseen.length})`);
    assert.equal(page.unread, unseen.length);
    const [u1, u2, u3, u4, u6] = unseen as [number, number, number, number, number];
    await waitForQuietWire(proxy);

    // One unseen message: two FETCH, none asking RFC822.SIZE, and no STORE inside the request.
    proxy.reset();
    const first = await client.call('getMessage', { ...view, uid: u1, markRead: true });
    assert.equal(first.isUnread, false);
    assert.equal(first.size, before.get(u1)?.size, 'the size is the server RFC822.SIZE');
    assert.equal(proxy.counts().commands['UID FETCH'], 2);
    assert.equal(proxy.counts().commands['UID STORE'] ?? 0, 0);
    assert.equal(
      proxy.log().filter((l) => /RFC822\.SIZE/i.test(l)).length,
      0,
      proxy.log().join('\n'),
    );
    // The index and the folder list show it read at once.
    const afterOne = await client.call('listMessages', { ...view, page: 1, pageSize: 60 });
    assert.equal(afterOne.unread, unseen.length - 1);
    assert.equal(afterOne.messages.find((m) => m.uid === u1)?.isUnread, false);

    // Two more opened in a burst: all three reach Dovecot in one STORE once the session pauses.
    await Promise.all([
      client.call('getMessage', { ...view, uid: u2, markRead: true }),
      client.call('getMessage', { ...view, uid: u3, markRead: true }),
    ]);
    await waitForQuietWire(proxy);
    assert.equal(proxy.counts().commands['UID FETCH'], 6);
    assert.equal(proxy.counts().commands['UID STORE'], 1, proxy.log().join('\n'));
    const store = proxy.log().find((l) => / UID STORE /i.test(l)) ?? '';
    assert.match(store, /\+FLAGS\.SILENT \(\\Seen\)/i);
    const afterStore = await serverView(dovecot);
    for (const uid of [u1, u2, u3]) assert.equal(afterStore.get(uid)?.seen, true, `${uid} \\Seen`);
    assert.equal(afterStore.get(u4)?.seen, false, 'an unopened message stays unseen');
    const { folders } = await client.call('listFolders', { session });
    assert.equal(folders.find((f) => f.path === 'INBOX')?.unread, unseen.length - 3);

    // Re-opening (the frame document, or going back) sends nothing at all.
    proxy.reset();
    const again = await client.call('getMessage', { ...view, uid: u2, markRead: true });
    assert.equal(again.isUnread, false);
    assert.equal(proxy.counts().total, 0, proxy.log().join('\n'));

    // Marked unread right after opening: the user's later choice wins on the server too.
    await client.call('getMessage', { ...view, uid: u4, markRead: true });
    await client.call('setFlags', { ...view, uids: [u4], seen: 'remove', flagged: null });
    // A message opened without markRead stays unseen.
    const peeked = await client.call('getMessage', { ...view, uid: u6, markRead: false });
    assert.equal(peeked.isUnread, true);
    await waitForQuietWire(proxy);
    const afterUnread = await serverView(dovecot);
    assert.equal(afterUnread.get(u4)?.seen, false, 'marked unread after opening');
    assert.equal(afterUnread.get(u6)?.seen, false, 'opened without markRead');
    const counts = await client.call('listMessages', { ...view, page: 1, pageSize: 60 });
    assert.equal(counts.unread, unseen.length - 3);
  } finally {
    await webcache.stop();
    await proxy.close();
    await dovecot.stop();
  }
});

test('a read mark still waiting reaches Dovecot before a move, a search, a folder switch, sign-out', async () => {
  const messages = generateMailbox({
    seed: 12,
    count: 80,
    user: 'demo@demo.test',
    folders: ['INBOX', 'Archive'],
  });
  const dovecot = await startTestDovecot({ messages });
  const webcache = await startTestWebcache({
    domains: [testDomainConfig(dovecot.dovecot.port, 'slash')],
  });
  try {
    const { client } = webcache;
    const session = await loginTestUser(webcache);
    const view = { session, folder: 'INBOX', sort: 'date', order: 'desc' } as const;
    await client.call('listMessages', { ...view, page: 1, pageSize: 100 });
    const unseen = [...(await serverView(dovecot))].filter(([, m]) => !m.seen);
    assert.ok(unseen.length >= 4, `the generator leaves some unseen (${unseen.length})`);
    const [moved, searched, switched, signedOut] = unseen.map(([uid]) => uid) as [
      number,
      number,
      number,
      number,
    ];
    const subject = unseen[0]?.[1].subject ?? '';
    const open = (uid: number) => client.call('getMessage', { ...view, uid, markRead: true });

    // Opened, then moved at once: the copy in Archive is \Seen.
    await open(moved);
    await client.call('moveMessages', { ...view, uids: [moved], destination: 'Archive' });
    const archived = [...(await serverView(dovecot, 'Archive'))].find(
      ([, m]) => m.subject === subject,
    );
    assert.equal(archived?.[1].seen, true, 'the moved copy carries \\Seen');

    // Opened, then an unread search on the server: it is not found.
    await open(searched);
    const criteria = {
      ...{ from: '', to: '', subject: '', body: '', text: '' },
      ...{ since: null, before: null, flagged: false, hasAttachment: false },
      unread: true,
    };
    const found = await client.call('search', {
      ...view,
      scope: 'folder',
      criteria,
      page: 1,
      pageSize: 100,
    });
    assert.equal(
      found.hits.some((h) => h.uid === searched),
      false,
      'read, so not an unread hit',
    );

    // Opened, then another folder: \Seen is on the server before the SELECT.
    await open(switched);
    await client.call('listMessages', { ...view, folder: 'Archive', page: 1, pageSize: 10 });
    assert.equal((await serverView(dovecot)).get(switched)?.seen, true, 'stored before leaving');
    await client.call('listMessages', { ...view, page: 1, pageSize: 100 });

    // Opened, then signed out inside the quiet window.
    await open(signedOut);
    await client.call('logout', { session });
    assert.equal((await serverView(dovecot)).get(signedOut)?.seen, true, 'stored before LOGOUT');
  } finally {
    await webcache.stop();
    await dovecot.stop();
  }
});
