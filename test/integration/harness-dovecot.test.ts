// Proves the test Dovecot serves exactly the seeded mailbox in both namespace styles:
// folder paths, STATUS counts, flags, internal dates and byte-exact BODY[], then stops cleanly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { expectedFolderStatus, startTestDovecot, type TestDovecot } from '../harness/dovecot.js';
import { startImapProxy } from '../harness/imap-proxy.js';
import {
  bodyKinds,
  demoFolders,
  startDemoMailServer,
  toNamespaceFolder,
  type DemoNamespace,
  type GeneratedMessage,
} from '../../src/ops/index.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';

const expectedPaths: Record<DemoNamespace, string[]> = {
  slash: ['INBOX', 'Sent', 'Drafts', 'Archive', 'Archive/2024', 'Entwürfe', 'Junk', 'Trash'],
  'inbox-dot': [
    'INBOX',
    'INBOX.Sent',
    'INBOX.Drafts',
    'INBOX.Archive',
    'INBOX.Archive.2024',
    'INBOX.Entwürfe',
    'INBOX.Junk',
    'INBOX.Trash',
  ],
};

/** Pids of the master and its children, to prove none is left after stop(). */
function dovecotPids(dir: string): number[] {
  const masterPid = Number(readFileSync(join(dir, 'run', 'master.pid'), 'utf8').trim());
  const children = execFileSync('ps', ['-o', 'pid=', '--ppid', String(masterPid)], {
    encoding: 'utf8',
  })
    .split('\n')
    .map((s) => Number(s.trim()))
    .filter((n) => n > 0);
  return [masterPid, ...children];
}

/**
 * Running, not a zombie: Dovecot's master exits before its log process is reaped, and the
 * machine's init reaps that zombie later; a zombie holds no port, file or memory.
 */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** `pgrep -f dir` lists nothing: no process mentions the instance's directory any more. */
function processesMentioning(dir: string): string {
  try {
    return execFileSync('pgrep', ['-af', dir], { encoding: 'utf8' }).trim();
  } catch {
    return ''; // pgrep exits 1 when nothing matches
  }
}

async function stopAndCheck(server: TestDovecot): Promise<void> {
  const dir = server.dovecot.dir;
  const pids = dovecotPids(dir);
  assert.ok(pids.length >= 2, 'master and at least one child were running');
  await server.stop();
  assert.deepEqual(
    pids.filter((pid) => isAlive(pid)),
    [],
    'no Dovecot process is left',
  );
  assert.equal(processesMentioning(dir), '');
  assert.equal(existsSync(dir), false, 'the temp dir is removed');
}

function firstOfKind(messages: GeneratedMessage[], kind: string): GeneratedMessage | undefined {
  return messages.find((m) => m.kind === kind);
}

async function checkServer(server: TestDovecot, namespace: DemoNamespace, port: number) {
  const client = new ImapFlow(server.imapOptions(undefined, port));
  await client.connect();
  try {
    const listed = await client.list();
    assert.deepEqual(listed.map((m) => m.path).sort(), [...expectedPaths[namespace]].sort());
    assert.equal(listed.find((m) => m.specialUse === '\\Sent')?.path, expectedPaths[namespace][1]);

    const expected = expectedFolderStatus(server.messages, namespace);
    for (const path of expectedPaths[namespace]) {
      const status = await client.status(path, { messages: true, unseen: true });
      assert.ok(status !== false, `STATUS ${path} answered`);
      const want = expected.get(path) ?? { messages: 0, unseen: 0 };
      assert.deepEqual(
        { path, messages: status.messages, unseen: status.unseen },
        { path, ...want },
      );
    }

    // One message of every body shape, from whatever folder it landed in: bytes, flags, date.
    for (const kind of bodyKinds) {
      const message = firstOfKind(server.messages, kind);
      assert.ok(message, `the manifest has a ${kind} message`);
      const folder = toNamespaceFolder(message.folder, namespace);
      const lock = await client.getMailboxLock(folder);
      try {
        const uids = await client.search(
          { header: { 'message-id': message.expect.messageId } },
          { uid: true },
        );
        assert.ok(uids !== false && uids !== undefined, `${kind}: searched`);
        assert.equal(uids.length, 1, `${kind}: found by Message-ID`);
        const fetched = await client.fetchOne(
          String(uids[0]),
          { source: true, flags: true, internalDate: true, size: true },
          { uid: true },
        );
        assert.ok(fetched !== false);
        assert.ok(fetched.source, `${kind}: BODY[] fetched`);
        assert.equal(Buffer.compare(fetched.source, message.raw), 0, `${kind}: exact bytes`);
        assert.equal(fetched.size, message.expect.size);
        // \Recent belongs to the first session that sees new mail (RFC 3501 §2.3.2), not to seeding.
        const flags = [...(fetched.flags ?? [])].filter((f) => f !== '\\Recent');
        assert.deepEqual(flags.sort(), [...message.flags].sort());
        assert.equal(new Date(fetched.internalDate ?? 0).getTime(), message.internalDate.getTime());
      } finally {
        lock.release();
      }
    }
  } finally {
    await client.logout();
  }
}

for (const namespace of ['slash', 'inbox-dot'] as const) {
  test(`Dovecot (${namespace}) serves the seeded mailbox exactly, directly and through the proxy`, async () => {
    const started = Date.now();
    const server = await startTestDovecot({ namespace });
    try {
      assert.ok(Date.now() - started < 10_000, 'start and seed within a few seconds');
      assert.equal(server.messages.length, 300);
      await checkServer(server, namespace, server.dovecot.port);
      const proxy = await startImapProxy(server.dovecot);
      try {
        await checkServer(server, namespace, proxy.port);
        const counts = proxy.counts();
        assert.equal(counts.connections, 1);
        assert.equal(counts.logins, 1);
        assert.equal(counts.commands.LIST !== undefined && counts.commands.LIST >= 1, true);
        assert.equal(counts.commands.STATUS, expectedPaths[namespace].length);
      } finally {
        await proxy.close();
      }
    } finally {
      await stopAndCheck(server);
    }
  });
}

test('two Dovecot instances run side by side on different ports and stop independently', async () => {
  const [a, b] = await Promise.all([
    startTestDovecot({ namespace: 'slash', messages: [] }),
    startTestDovecot({ namespace: 'inbox-dot', messages: [] }),
  ]);
  try {
    assert.notEqual(a.dovecot.port, b.dovecot.port);
    const client = new ImapFlow(b.imapOptions());
    await client.connect();
    const ns = await client.list();
    assert.ok(ns.some((m) => m.path === 'INBOX.Sent'));
    await stopAndCheck(a);
    const status = await client.status('INBOX', { messages: true });
    assert.ok(status !== false);
    assert.equal(status.messages, 0);
    await client.logout();
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
});

test('implicit TLS port with a self-signed certificate accepts a verifying client', async () => {
  const server = await startTestDovecot({ namespace: 'slash', messages: [], tlsPort: 0 });
  try {
    const { tlsPort, tlsCertificate } = server.dovecot;
    assert.ok(tlsPort !== null && tlsCertificate !== null);
    const client = new ImapFlow({
      ...server.imapOptions(),
      port: tlsPort,
      secure: true,
      tls: { ca: [tlsCertificate], rejectUnauthorized: true },
    });
    await client.connect();
    assert.equal(client.secureConnection, true);
    await client.logout();
    // The plain port of a TLS instance offers STARTTLS with the same certificate.
    const upgraded = new ImapFlow(server.imapOptions());
    await upgraded.connect();
    assert.ok(upgraded.capabilities.has('IDLE'));
    await upgraded.logout();
  } finally {
    await stopAndCheck(server);
  }
});

test('the demo mail server has both users and prints a usable imap_servers line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'alphamail-demo-'));
  const demo = await startDemoMailServer({ dir, count: 40 });
  try {
    assert.equal(demo.imapServersLine, `demo.test=127.0.0.1:${demo.dovecot.port}[/] insecure`);
    const folders = new Set(demo.messages.map((m) => m.folder));
    assert.deepEqual([...folders].sort(), [...demoFolders].sort());
    for (const [user, pass, count] of [
      ['demo', demo.password, 40],
      ['friend', demo.friend.password, 12],
    ] as const) {
      const client = new ImapFlow({
        host: '127.0.0.1',
        port: demo.dovecot.port,
        secure: false,
        auth: { user: `${user}@demo.test`, pass },
        logger: false,
      });
      await client.connect();
      let total = 0;
      for (const box of await client.list({ statusQuery: { messages: true } })) {
        total += box.status?.messages ?? 0;
      }
      assert.equal(total, count, `${user} has all seeded messages`);
      await client.logout();
    }
  } finally {
    await demo.stop();
    assert.equal(processesMentioning(dir), '');
    rmSync(dir, { recursive: true, force: true });
  }
});
