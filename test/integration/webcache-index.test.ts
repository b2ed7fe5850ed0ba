// Proves the folder index against a real Dovecot: every sort order and page equals an order
// computed independently from the generator's manifest, snippets arrive, warm views send no
// IMAP command at all (counting proxy), and mail appended from outside shows up by itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ImapFlow } from 'imapflow';
import type { Readable } from 'node:stream';
import type { GeneratedMessage } from '../../src/ops/index.js';
import type { MessageSummary, SortField, SortOrder } from '../../src/protocol/index.js';
import { startTestDovecot } from '../harness/dovecot.js';
import { startImapProxy } from '../harness/imap-proxy.js';
import { expectedOrder, manifestByUid } from '../harness/expectations.js';
import {
  startTestWebcache,
  testDomainConfig,
  type TestWebcache,
  loginTestUser,
} from '../harness/webcache.js';

const pageSize = 25;
const sorts: SortField[] = ['date', 'from', 'subject', 'size'];
const orders: SortOrder[] = ['asc', 'desc'];

async function allPages(
  webcache: TestWebcache,
  session: string,
  folder: string,
  sort: SortField,
  order: SortOrder,
): Promise<MessageSummary[]> {
  const first = await webcache.client.call('listMessages', {
    session,
    folder,
    sort,
    order,
    page: 1,
    pageSize,
  });
  const out = [...first.messages];
  for (let page = 2; page <= first.pageCount; page++) {
    const next = await webcache.client.call('listMessages', {
      session,
      folder,
      sort,
      order,
      page,
      pageSize,
    });
    assert.equal(next.page, page);
    out.push(...next.messages);
  }
  return out;
}

async function waitForSnippets(webcache: TestWebcache, session: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while ((await webcache.client.call('sessionStats', { session })).snippetsPending > 0) {
    assert.ok(Date.now() < deadline, 'the background filler finished in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Resolves with the first `mail` event of an SSE stream. */
function firstMailEvent(stream: Readable): Promise<{ folder: string; uid: number }> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    stream.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const match = /event: mail\ndata: (.*)\n\n/.exec(buffer);
      if (match?.[1]) resolve(JSON.parse(match[1]) as { folder: string; uid: number });
    });
    stream.on('error', reject);
  });
}

test('listMessages: every sort, order and page matches the manifest; warm views send nothing', async () => {
  const dovecot = await startTestDovecot({ namespace: 'slash' });
  const proxy = await startImapProxy({ host: '127.0.0.1', port: dovecot.dovecot.port });
  const webcache = await startTestWebcache({ domains: [testDomainConfig(proxy.port, 'slash')] });
  try {
    const session = await loginTestUser(webcache);
    const byUid = await manifestByUid(dovecot, 'INBOX');

    const first = await webcache.client.call('listMessages', {
      session,
      folder: 'INBOX',
      sort: 'date',
      order: 'desc',
      page: 1,
      pageSize,
    });
    assert.equal(first.total, byUid.size);
    assert.equal(first.pageCount, Math.ceil(byUid.size / pageSize));
    assert.equal(first.folder.specialUse, 'inbox');
    assert.equal(
      first.unread,
      [...byUid.values()].filter((m) => !m.flags.includes('\\Seen')).length,
    );
    assert.ok(
      first.messages.every((m) => m.snippet !== null),
      'the first page has snippets',
    );

    const clamped = await webcache.client.call('listMessages', {
      session,
      folder: 'INBOX',
      sort: 'date',
      order: 'desc',
      page: 999,
      pageSize,
    });
    assert.equal(clamped.page, first.pageCount, 'a page past the end is the last page');

    for (const sort of sorts) {
      for (const order of orders) {
        const listed = await allPages(webcache, session, 'INBOX', sort, order);
        assert.deepEqual(
          listed.map((m) => m.uid),
          expectedOrder(byUid, sort, order),
          `${sort} ${order}`,
        );
      }
    }
    const byDate = await allPages(webcache, session, 'INBOX', 'date', 'asc');
    for (const summary of byDate) {
      const m = byUid.get(summary.uid) as GeneratedMessage;
      assert.deepEqual(
        {
          subject: summary.subject,
          from: summary.from,
          date: summary.date,
          size: summary.size,
          isUnread: summary.isUnread,
          isFlagged: summary.isFlagged,
          hasAttachments: summary.hasAttachments,
        },
        {
          subject: m.expect.subject,
          from: [m.expect.from],
          date: m.expect.date.toISOString(),
          size: m.expect.size,
          isUnread: !m.flags.includes('\\Seen'),
          isFlagged: m.flags.includes('\\Flagged'),
          hasAttachments: m.expect.hasAttachments,
        },
        `uid ${summary.uid}`,
      );
    }

    await waitForSnippets(webcache, session);
    const all = await allPages(webcache, session, 'INBOX', 'date', 'asc');
    for (const summary of all) {
      const m = byUid.get(summary.uid) as GeneratedMessage;
      const hasText = m.expect.text !== null || m.expect.html !== null;
      assert.equal(
        summary.snippet !== null && summary.snippet !== '',
        hasText,
        `snippet of ${summary.uid}`,
      );
      if (m.expect.text !== null) {
        const start = m.expect.text.replace(/\s+/g, ' ').trim().slice(0, 12);
        assert.ok(
          summary.snippet?.startsWith(start),
          `snippet of ${summary.uid} starts with the text`,
        );
      }
    }

    // Let auto-IDLE start, then count: a warm view, other pages and orders send nothing.
    await new Promise((r) => setTimeout(r, 1_000));
    proxy.reset();
    for (const sort of sorts) {
      for (const order of orders) await allPages(webcache, session, 'INBOX', sort, order);
    }
    await webcache.client.call('listFolders', { session });
    assert.equal(proxy.counts().total, 0, `warm views sent: ${proxy.log().join(' | ')}`);

    // Another folder is selected and indexed; going back to INBOX needs no refetch.
    const archive = await allPages(webcache, session, 'Archive/2024', 'date', 'desc');
    const archiveByUid = await manifestByUid(dovecot, 'Archive/2024');
    assert.deepEqual(
      archive.map((m) => m.uid),
      expectedOrder(archiveByUid, 'date', 'desc'),
    );
    proxy.reset();
    await allPages(webcache, session, 'INBOX', 'subject', 'asc');
    const counts = proxy.counts().commands;
    assert.equal(counts.SELECT, 1, 'INBOX is selected again');
    assert.equal(
      counts.FETCH ?? 0,
      0,
      `nothing changed, nothing fetched: ${proxy.log().join(' | ')}`,
    );
    const stats = await webcache.client.call('sessionStats', { session });
    assert.equal(stats.indexedFolders, 2);
    assert.equal(stats.selectedFolder, 'INBOX');

    const missing = await webcache.client
      .call('listMessages', {
        session,
        folder: 'No such folder',
        sort: 'date',
        order: 'asc',
        page: 1,
        pageSize,
      })
      .then(
        () => 'no error',
        (err: { code?: string }) => err.code,
      );
    assert.equal(missing, 'AM_FOLDER_NOT_FOUND');
  } finally {
    await webcache.stop();
    await proxy.close();
    await dovecot.stop();
  }
});

test('a message appended from outside appears in the next view, with a mail event', async () => {
  const dovecot = await startTestDovecot({ namespace: 'inbox-dot' });
  const webcache = await startTestWebcache({
    domains: [testDomainConfig(dovecot.dovecot.port, 'inbox-dot')],
  });
  const other = new ImapFlow(dovecot.imapOptions());
  try {
    const session = await loginTestUser(webcache);
    const params = {
      session,
      folder: 'INBOX',
      sort: 'date',
      order: 'desc',
      page: 1,
      pageSize,
    } as const;
    const before = await webcache.client.call('listMessages', params);
    const events = await webcache.client.openEvents(session);
    const mail = firstMailEvent(events);
    await new Promise((r) => setTimeout(r, 500));

    await other.connect();
    const raw = Buffer.from(
      [
        'From: Outside Sender <outside@example.org>',
        'To: Demo User <demo@demo.test>',
        'Subject: Delivered from outside',
        `Date: ${new Date().toUTCString()}`,
        'Message-ID: <outside.1@example.org>',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Hello from the outside world.',
        '',
      ].join('\r\n'),
    );
    const appended = await other.append('INBOX', raw, []);
    assert.ok(appended && appended.uid, 'the server reported the new UID');

    const event = await mail;
    assert.deepEqual(event, { folder: 'INBOX', uid: appended.uid });
    events.destroy();
    const after = await webcache.client.call('listMessages', params);
    assert.equal(after.total, before.total + 1);
    assert.equal(after.unread, before.unread + 1);
    const top = after.messages[0];
    assert.equal(top?.uid, appended.uid);
    assert.equal(top?.subject, 'Delivered from outside');
    assert.equal(top?.snippet, 'Hello from the outside world.');

    // Expunged from outside: gone from the next view.
    const lock = await other.getMailboxLock('INBOX');
    try {
      await other.messageDelete(String(appended.uid), { uid: true });
    } finally {
      lock.release();
    }
    const deadline = Date.now() + 5_000;
    let total = after.total;
    while (total !== before.total && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      total = (await webcache.client.call('listMessages', params)).total;
    }
    assert.equal(total, before.total, 'the expunged message left the index');
  } finally {
    await other.logout().catch(() => undefined);
    await webcache.stop();
    await dovecot.stop();
  }
});
