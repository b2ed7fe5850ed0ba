// Proves the counting proxy counts exactly what a client sent to a real Dovecot: literals,
// IDLE's DONE and SASL lines are not commands; bytes pass unchanged; stalls and drops work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { ImapFlow } from 'imapflow';
import { startTestDovecot, testUser } from '../harness/dovecot.js';
import { startImapProxy } from '../harness/imap-proxy.js';
import { generateMailbox } from '../../src/ops/index.js';

/** How long a raw-socket step may wait for Dovecot's answer before the test fails. */
const replyBudgetMs = 5_000;

/** A bare IMAP client on a socket: writes exact bytes, waits for patterns in what came back. */
class RawClient {
  received = Buffer.alloc(0);
  sent = 0;
  closed = false;
  private waiters: (() => void)[] = [];
  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
      for (const wake of this.waiters.splice(0)) wake();
    });
    socket.on('close', () => {
      this.closed = true;
      for (const wake of this.waiters.splice(0)) wake();
    });
  }
  static open(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port }, () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }
  send(text: string | Buffer): void {
    const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
    this.sent += bytes.length;
    this.socket.write(bytes);
  }
  /** Resolves when `pattern` matches the text received after `from` bytes. */
  async waitFor(pattern: RegExp, from = 0): Promise<void> {
    const deadline = Date.now() + replyBudgetMs;
    while (!pattern.test(this.received.subarray(from).toString('latin1'))) {
      if (this.closed) throw new Error(`closed before ${String(pattern)}`);
      if (Date.now() > deadline) throw new Error(`no ${String(pattern)} in time`);
      await new Promise<void>((wake) => {
        this.waiters.push(wake);
        setTimeout(wake, 50);
      });
    }
  }
  async waitClosed(): Promise<void> {
    const deadline = Date.now() + replyBudgetMs;
    while (!this.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.ok(this.closed, 'socket closed');
  }
  destroy(): void {
    this.socket.destroy();
  }
}

test('the proxy counts a known raw command sequence exactly', async () => {
  const messages = generateMailbox({ seed: 7, count: 5, user: 'demo@demo.test' }).map((m) => ({
    ...m,
    folder: 'INBOX',
  }));
  const server = await startTestDovecot({ namespace: 'slash', messages });
  const proxy = await startImapProxy(server.dovecot);
  try {
    const a = await RawClient.open(proxy.port);
    await a.waitFor(/^\* OK/);
    // LOGIN with both arguments as synchronizing literals (RFC 3501 §4.3).
    const user = Buffer.from(testUser.name);
    const pass = Buffer.from(testUser.password);
    a.send(`a1 LOGIN {${user.length}}\r\n`);
    await a.waitFor(/\r\n\+ /);
    const mark = a.received.length;
    a.send(Buffer.concat([user, Buffer.from(` {${pass.length}}\r\n`)]));
    await a.waitFor(/\+ /, mark);
    a.send(Buffer.concat([pass, Buffer.from('\r\n')]));
    await a.waitFor(/a1 OK/);
    a.send('a2 SELECT INBOX\r\n');
    await a.waitFor(/a2 OK/);
    a.send('a3 FETCH 1 (FLAGS)\r\n');
    await a.waitFor(/a3 OK/);
    a.send('a4 UID FETCH 1:* (UID RFC822.SIZE)\r\n');
    await a.waitFor(/a4 OK/);
    a.send('a5 IDLE\r\n');
    await a.waitFor(/\+ idling/);
    a.send('DONE\r\n');
    await a.waitFor(/a5 OK/);
    // A non-synchronizing literal whose lines look like commands (RFC 7888 LITERAL+).
    const appended = Buffer.from(
      'Subject: trick\r\n\r\nz1 SELECT INBOX\r\nz2 FETCH 1:* BODY[]\r\nDONE\r\n{5}\r\n',
    );
    a.send(`a6 APPEND INBOX {${appended.length}+}\r\n`);
    a.send(Buffer.concat([appended, Buffer.from('\r\n')]));
    await a.waitFor(/a6 OK/);
    a.send('a7 LOGOUT\r\n');
    await a.waitClosed();

    // AUTHENTICATE PLAIN without an initial response: the base64 line is not a command.
    const b = await RawClient.open(proxy.port);
    await b.waitFor(/^\* OK/);
    b.send('b1 AUTHENTICATE PLAIN\r\n');
    await b.waitFor(/\r\n\+/);
    b.send(`${Buffer.from(`\0${testUser.name}\0${testUser.password}`).toString('base64')}\r\n`);
    await b.waitFor(/b1 OK/);
    b.send('b2 NOOP\r\nb3 LOGOUT\r\n');
    await b.waitClosed();

    const counts = proxy.counts();
    assert.deepEqual(counts.commands, {
      LOGIN: 1,
      SELECT: 1,
      FETCH: 2,
      'UID FETCH': 1,
      IDLE: 1,
      APPEND: 1,
      LOGOUT: 2,
      AUTHENTICATE: 1,
      NOOP: 1,
    });
    assert.equal(counts.total, 10);
    assert.equal(counts.connections, 2);
    assert.equal(counts.logins, 2);
    assert.equal(counts.bytesFromClient, a.sent + b.sent);
    assert.equal(counts.bytesFromServer, a.received.length + b.received.length);
    const log = proxy.log();
    assert.equal(log.length, 10);
    assert.equal(log[0], 'a1 LOGIN [redacted]');
    assert.equal(log[6], 'a7 LOGOUT');
    assert.ok(log.every((line) => !line.includes(testUser.password)));

    proxy.reset();
    assert.deepEqual(proxy.counts(), {
      connections: 0,
      logins: 0,
      commands: {},
      total: 0,
      bytesFromServer: 0,
      bytesFromClient: 0,
    });
  } finally {
    await proxy.close();
    await server.stop();
  }
});

test('imapflow through the proxy: LOGIN 1, SELECT 1, FETCH 2 for one open and two fetches', async () => {
  const messages = generateMailbox({ seed: 3, count: 20, user: 'demo@demo.test' });
  const server = await startTestDovecot({ namespace: 'inbox-dot', messages });
  const proxy = await startImapProxy(server.dovecot);
  try {
    const client = new ImapFlow({
      ...server.imapOptions(undefined, proxy.port),
      disableAutoIdle: true,
    });
    await client.connect();
    const before = proxy.counts();
    assert.equal(before.logins, 1);
    assert.equal((before.commands.LOGIN ?? 0) + (before.commands.AUTHENTICATE ?? 0), 1);
    await client.mailboxOpen('INBOX');
    const first = await client.fetchOne('1', { envelope: true });
    const second = await client.fetchOne('2', { source: true });
    assert.ok(first !== false && second !== false);
    const after = proxy.counts();
    assert.equal(after.commands.SELECT, 1);
    assert.equal(after.commands.FETCH, 2);
    assert.ok(after.bytesFromServer > (second.source?.length ?? Infinity), 'the body came through');
    await client.logout();
  } finally {
    await proxy.close();
    await server.stop();
  }
});

test('fault injection: stall holds server bytes, dropAll closes every connection', async () => {
  const server = await startTestDovecot({ namespace: 'slash', messages: [] });
  const proxy = await startImapProxy(server.dovecot);
  try {
    const raw = await RawClient.open(proxy.port);
    await raw.waitFor(/^\* OK/);
    raw.send(`s1 LOGIN ${testUser.name} ${testUser.password}\r\n`);
    await raw.waitFor(/s1 OK/);
    const stallMs = 400;
    proxy.stall(stallMs);
    const sentAt = Date.now();
    raw.send('s2 NOOP\r\n');
    await raw.waitFor(/s2 OK/);
    assert.ok(Date.now() - sentAt >= stallMs - 20, 'the reply waited for the stall to end');
    const other = await RawClient.open(proxy.port);
    await other.waitFor(/^\* OK/);
    proxy.dropAll();
    await raw.waitClosed();
    await other.waitClosed();
    assert.equal(proxy.counts().connections, 2);
  } finally {
    await proxy.close();
    await server.stop();
  }
});
