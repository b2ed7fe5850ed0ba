// Proves organising against a real Dovecot, in both namespace styles: every action is checked
// on the server through a separate IMAP connection (flags, which folder holds which Message-ID)
// and in AlphaMail's next index view, which must not SELECT the folder in view again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ImapFlow } from 'imapflow';
import { AlphaMailError } from '../../src/base/index.js';
import { generateMailbox, toNamespaceFolder, type DemoNamespace } from '../../src/ops/index.js';
import type { WebcacheClient } from '../../src/protocol/index.js';
import { startTestDovecot, type TestDovecot } from '../harness/dovecot.js';
import { startImapProxy, waitForQuietWire, type ImapProxy } from '../harness/imap-proxy.js';
import { loginTestUser, startTestWebcache, testDomainConfig } from '../harness/webcache.js';

/** Held on the server, by Message-ID. */
type Contents = Map<string, { uid: number; flags: Set<string> }>;

async function withImap<T>(dovecot: TestDovecot, work: (c: ImapFlow) => Promise<T>): Promise<T> {
  const client = new ImapFlow(dovecot.imapOptions());
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.logout();
  }
}

async function contents(dovecot: TestDovecot, path: string): Promise<Contents> {
  return withImap(dovecot, async (client) => {
    const out: Contents = new Map();
    const lock = await client.getMailboxLock(path, { readOnly: true });
    try {
      if (client.mailbox && client.mailbox.exists === 0) return out;
      const query = { uid: true, flags: true, envelope: true };
      for await (const m of client.fetch('1:*', query, { uid: true })) {
        out.set(m.envelope?.messageId ?? '', { uid: m.uid, flags: new Set(m.flags ?? []) });
      }
    } finally {
      lock.release();
    }
    return out;
  });
}

async function serverFolders(dovecot: TestDovecot): Promise<Map<string, { subscribed: boolean }>> {
  return withImap(dovecot, async (client) => {
    const listed = await client.list();
    return new Map(listed.map((f) => [f.path, { subscribed: f.subscribed === true }]));
  });
}

function selects(proxy: ImapProxy): number {
  const c = proxy.counts().commands;
  return (c.SELECT ?? 0) + (c.EXAMINE ?? 0);
}

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof AlphaMailError, String(err));
    assert.equal(err.code, code);
    return true;
  });
}

function view(client: WebcacheClient, session: string, folder: string) {
  return client.call('listMessages', {
    session,
    folder,
    sort: 'date',
    order: 'asc',
    page: 1,
    pageSize: 500,
  });
}

/** Message-IDs of `uids` in a folder's server contents. */
function idsOf(held: Contents, uids: readonly number[]): string[] {
  const wanted = new Set(uids);
  return [...held].filter(([, v]) => wanted.has(v.uid)).map(([id]) => id);
}

function sameSet<T>(actual: Iterable<T>, expected: Iterable<T>, what: string): void {
  assert.deepEqual([...actual].sort(), [...expected].sort(), what);
}

for (const namespace of ['slash', 'inbox-dot'] as const satisfies readonly DemoNamespace[]) {
  test(`organising messages in the ${namespace} namespace: server and next view agree, no SELECT`, async () => {
    const F = (logical: string): string => toNamespaceFolder(logical, namespace);
    const messages = generateMailbox({
      seed: 31,
      count: 40,
      user: 'demo@demo.test',
      folders: ['INBOX', 'Archive'],
    });
    const dovecot = await startTestDovecot({ namespace, messages });
    const proxy = await startImapProxy({ host: '127.0.0.1', port: dovecot.dovecot.port });
    const webcache = await startTestWebcache({
      domains: [testDomainConfig(proxy.port, namespace)],
    });
    const { client } = webcache;
    try {
      const session = await loginTestUser(webcache);
      const inbox = 'INBOX';
      const first = await view(client, session, inbox);
      const start = await contents(dovecot, inbox);
      assert.equal(first.total, start.size);
      await waitForQuietWire(proxy);
      const before = selects(proxy);
      assert.ok(before > 0, 'the proxy counted the first SELECT');
      const noSelect = (what: string): void =>
        assert.equal(selects(proxy), before, `${what}: no SELECT of the folder in view`);

      // Flags: \Seen and \Flagged added and removed.
      const unread = first.messages.filter((m) => m.isUnread).slice(0, 2);
      assert.equal(unread.length, 2, 'the seed has unread mail');
      const unreadUids = unread.map((m) => m.uid);
      await client.call('setFlags', {
        session,
        folder: inbox,
        uids: unreadUids,
        seen: 'add',
        flagged: 'add',
      });
      let held = await contents(dovecot, inbox);
      for (const id of idsOf(held, unreadUids)) {
        assert.ok(held.get(id)?.flags.has('\\Seen'), `${id} seen on the server`);
        assert.ok(held.get(id)?.flags.has('\\Flagged'), `${id} flagged on the server`);
      }
      let next = await view(client, session, inbox);
      noSelect('setFlags');
      assert.equal(next.unread, first.unread - 2);
      for (const m of next.messages.filter((x) => unreadUids.includes(x.uid))) {
        assert.deepEqual([m.isUnread, m.isFlagged], [false, true]);
      }
      await client.call('setFlags', {
        session,
        folder: inbox,
        uids: [unreadUids[0] ?? 0],
        seen: 'remove',
        flagged: 'remove',
      });
      held = await contents(dovecot, inbox);
      const [firstId = ''] = idsOf(held, [unreadUids[0] ?? 0]);
      assert.deepEqual(
        [held.get(firstId)?.flags.has('\\Seen'), held.get(firstId)?.flags.has('\\Flagged')],
        [false, false],
      );
      next = await view(client, session, inbox);
      noSelect('setFlags remove');
      assert.equal(next.unread, first.unread - 1);
      const unflagged = next.messages.find((m) => m.uid === unreadUids[0]);
      assert.deepEqual([unflagged?.isUnread, unflagged?.isFlagged], [true, false]);

      // Copy: both folders hold the messages.
      const archive = F('Archive');
      const archiveBefore = await contents(dovecot, archive);
      const copyUids = next.messages.slice(0, 2).map((m) => m.uid);
      const copyIds = idsOf(held, copyUids);
      assert.deepEqual(
        await client.call('copyMessages', {
          session,
          folder: inbox,
          uids: copyUids,
          destination: archive,
        }),
        { copied: 2 },
      );
      const archiveAfterCopy = await contents(dovecot, archive);
      assert.equal(archiveAfterCopy.size, archiveBefore.size + 2);
      for (const id of copyIds) assert.ok(archiveAfterCopy.has(id), `${id} copied`);
      next = await view(client, session, inbox);
      assert.equal(next.total, start.size);
      const listed = await client.call('listFolders', { session });
      assert.equal(listed.folders.find((f) => f.path === archive)?.total, archiveBefore.size + 2);
      noSelect('copyMessages');

      // Move: gone from INBOX, in Archive; undo brings them back.
      const moveUids = next.messages.slice(2, 5).map((m) => m.uid);
      const moveIds = idsOf(held, moveUids);
      const moved = await client.call('moveMessages', {
        session,
        folder: inbox,
        uids: moveUids,
        destination: archive,
      });
      assert.deepEqual(moved, { moved: 3, undo: { folder: archive, count: 3 } });
      held = await contents(dovecot, inbox);
      let archiveHeld = await contents(dovecot, archive);
      for (const id of moveIds) {
        assert.ok(!held.has(id), `${id} left INBOX`);
        assert.ok(archiveHeld.has(id), `${id} is in Archive`);
      }
      next = await view(client, session, inbox);
      noSelect('moveMessages');
      assert.equal(next.total, start.size - 3);
      sameSet(
        next.messages.map((m) => m.uid),
        [...held.values()].map((v) => v.uid),
        'the view lists what the server holds',
      );

      assert.deepEqual(await client.call('undo', { session }), { restored: 3, folder: inbox });
      held = await contents(dovecot, inbox);
      archiveHeld = await contents(dovecot, archive);
      for (const id of moveIds) {
        assert.ok(held.has(id), `${id} back in INBOX`);
        assert.ok(!archiveHeld.has(id), `${id} left Archive`);
      }
      next = await view(client, session, inbox);
      assert.equal(next.total, start.size);
      sameSet(
        next.messages.map((m) => m.uid),
        [...held.values()].map((v) => v.uid),
        'after undo the view lists what the server holds',
      );
      await rejectsWith(client.call('undo', { session }), 'AM_NOTHING_TO_UNDO');

      // Delete goes to Trash; junk goes to Junk.
      await waitForQuietWire(proxy);
      const warm = selects(proxy);
      const trash = F('Trash');
      const junk = F('Junk');
      const deleteUids = next.messages.slice(0, 2).map((m) => m.uid);
      const deleteIds = idsOf(held, deleteUids);
      const deleted = await client.call('deleteMessages', {
        session,
        folder: inbox,
        uids: deleteUids,
        permanent: false,
      });
      assert.deepEqual(deleted, {
        deleted: 2,
        isPermanent: false,
        undo: { folder: trash, count: 2 },
      });
      const junkUid = next.messages[2]?.uid ?? 0;
      const [junkId = ''] = idsOf(held, [junkUid]);
      await client.call('markJunk', { session, folder: inbox, uids: [junkUid] });
      held = await contents(dovecot, inbox);
      const trashHeld = await contents(dovecot, trash);
      const junkHeld = await contents(dovecot, junk);
      sameSet(trashHeld.keys(), deleteIds, 'Trash holds the deleted messages');
      sameSet(junkHeld.keys(), [junkId], 'Junk holds the junk');
      for (const id of [...deleteIds, junkId]) assert.ok(!held.has(id));
      next = await view(client, session, inbox);
      assert.equal(selects(proxy), warm, 'delete and junk: no SELECT of the folder in view');
      assert.equal(next.total, start.size - 3);
      const counts = await client.call('listFolders', { session });
      assert.equal(counts.folders.find((f) => f.path === trash)?.total, 2);
      assert.equal(counts.folders.find((f) => f.path === junk)?.total, 1);

      // In Trash deleting is for good, and needs `permanent`.
      const trashView = await view(client, session, trash);
      assert.equal(trashView.total, 2);
      await waitForQuietWire(proxy);
      const inTrash = selects(proxy);
      const purgeUid = trashView.messages[0]?.uid ?? 0;
      await rejectsWith(
        client.call('deleteMessages', {
          session,
          folder: trash,
          uids: [purgeUid],
          permanent: false,
        }),
        'AM_CONFIRM_REQUIRED',
      );
      assert.deepEqual(
        await client.call('deleteMessages', {
          session,
          folder: trash,
          uids: [purgeUid],
          permanent: true,
        }),
        { deleted: 1, isPermanent: true, undo: null },
      );
      assert.equal((await contents(dovecot, trash)).size, 1);
      await rejectsWith(client.call('undo', { session }), 'AM_NOTHING_TO_UNDO');
      const trashNext = await view(client, session, trash);
      assert.equal(selects(proxy), inTrash, 'permanent delete: no SELECT of Trash again');
      assert.deepEqual(
        trashNext.messages.map((m) => m.uid),
        [...(await contents(dovecot, trash)).values()].map((v) => v.uid),
      );

      // Empty Trash, then Junk; other folders cannot be emptied.
      assert.deepEqual(await client.call('emptyFolder', { session, folder: trash }), {
        deleted: 1,
      });
      assert.equal((await contents(dovecot, trash)).size, 0);
      assert.equal((await view(client, session, trash)).total, 0);
      assert.equal(selects(proxy), inTrash, 'empty Trash: no SELECT of Trash again');
      assert.deepEqual(await client.call('emptyFolder', { session, folder: junk }), {
        deleted: 1,
      });
      assert.equal((await contents(dovecot, junk)).size, 0);
      await rejectsWith(client.call('emptyFolder', { session, folder: inbox }), 'AM_BAD_REQUEST');
      assert.equal((await contents(dovecot, inbox)).size, start.size - 3);
    } finally {
      await webcache.stop();
      await proxy.close();
      await dovecot.stop();
    }
  });

  test(`folders in the ${namespace} namespace: create, nest, subscribe, rename, delete`, async () => {
    const F = (logical: string): string => toNamespaceFolder(logical, namespace);
    const separator = namespace === 'slash' ? '/' : '.';
    const messages = generateMailbox({
      seed: 32,
      count: 6,
      user: 'demo@demo.test',
      folders: ['INBOX'],
    });
    const dovecot = await startTestDovecot({ namespace, messages });
    const webcache = await startTestWebcache({
      domains: [testDomainConfig(dovecot.dovecot.port, namespace)],
    });
    const { client } = webcache;
    try {
      const session = await loginTestUser(webcache);
      await client.call('listFolders', { session });
      const projects = F('Projects');
      const quarter = F('Projects/Q1 2025');
      assert.deepEqual(
        await client.call('createFolder', { session, parent: null, name: 'Projects' }),
        {
          path: projects,
        },
      );
      assert.deepEqual(
        await client.call('createFolder', { session, parent: projects, name: 'Q1 2025' }),
        { path: quarter },
      );
      let server = await serverFolders(dovecot);
      assert.deepEqual(server.get(projects), { subscribed: true });
      assert.deepEqual(server.get(quarter), { subscribed: true });
      let listed = (await client.call('listFolders', { session })).folders;
      const shown = listed.find((f) => f.path === quarter);
      assert.deepEqual(
        [shown?.name, shown?.depth, shown?.displayParts],
        ['Q1 2025', 1, ['Projects', 'Q1 2025']],
      );

      await rejectsWith(
        client.call('createFolder', { session, parent: null, name: `a${separator}b` }),
        'AM_FOLDER_NAME_INVALID',
      );
      await rejectsWith(
        client.call('createFolder', { session, parent: null, name: 'Projects' }),
        'AM_FOLDER_EXISTS',
      );

      // A message moved into the nested folder is there.
      const inbox = await client.call('listMessages', {
        session,
        folder: 'INBOX',
        sort: 'date',
        order: 'asc',
        page: 1,
        pageSize: 50,
      });
      const uid = inbox.messages[0]?.uid ?? 0;
      await client.call('moveMessages', {
        session,
        folder: 'INBOX',
        uids: [uid],
        destination: quarter,
      });
      assert.equal((await contents(dovecot, quarter)).size, 1);

      await client.call('setSubscribed', { session, folder: quarter, subscribed: false });
      assert.deepEqual((await serverFolders(dovecot)).get(quarter), { subscribed: false });
      listed = (await client.call('listFolders', { session })).folders;
      assert.equal(listed.find((f) => f.path === quarter)?.subscribed, false);
      await client.call('setSubscribed', { session, folder: quarter, subscribed: true });
      assert.deepEqual((await serverFolders(dovecot)).get(quarter), { subscribed: true });

      const clients = F('Clients');
      const renamedChild = F('Clients/Q1 2025');
      assert.deepEqual(
        await client.call('renameFolder', { session, folder: projects, name: 'Clients' }),
        {
          path: clients,
        },
      );
      server = await serverFolders(dovecot);
      assert.ok(!server.has(projects) && !server.has(quarter), 'old names are gone');
      assert.deepEqual(server.get(clients), { subscribed: true });
      assert.deepEqual(server.get(renamedChild), { subscribed: true });
      assert.equal((await contents(dovecot, renamedChild)).size, 1, 'the message moved along');
      listed = (await client.call('listFolders', { session })).folders;
      assert.ok(listed.some((f) => f.path === renamedChild && f.depth === 1));
      assert.ok(!listed.some((f) => f.path === projects));

      await rejectsWith(
        client.call('renameFolder', { session, folder: 'INBOX', name: 'Old' }),
        'AM_FOLDER_PROTECTED',
      );
      await rejectsWith(
        client.call('deleteFolder', { session, folder: F('Trash') }),
        'AM_FOLDER_PROTECTED',
      );
      assert.deepEqual(await client.call('deleteFolder', { session, folder: clients }), {
        deleted: true,
      });
      server = await serverFolders(dovecot);
      assert.ok(!server.has(clients) && !server.has(renamedChild), 'folder and child deleted');
      listed = (await client.call('listFolders', { session })).folders;
      assert.ok(!listed.some((f) => f.path === clients || f.path === renamedChild));
    } finally {
      await webcache.stop();
      await dovecot.stop();
    }
  });
}
