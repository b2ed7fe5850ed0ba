// Tests of the web↔webcache framing seen from the client: replies that break the contract or are
// not JSON are refused with AM_INTERNAL, replies in many pieces are read whole, wire errors come
// back typed, connections are reused between calls, and the server refuses oversized requests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AlphaMailError, silentLogger } from '../../src/base/index.js';
import {
  createRpcServer,
  createWebcacheClient,
  maxRequestBytes,
  type MethodHandlers,
} from '../../src/protocol/index.js';

const session = 'abcdefghijklmnopqrstuvwxyz';
const folders = {
  folders: [
    {
      path: 'INBOX',
      displayParts: ['INBOX'],
      name: 'Inbox',
      depth: 0,
      specialUse: 'inbox',
      selectable: true,
      subscribed: true,
      total: 3,
      unread: 1,
    },
  ],
  separator: '/',
};

/** A raw server on a Unix socket answering every request with `answer`; counts connections. */
async function rawServer(
  answer: (res: http.ServerResponse) => void,
): Promise<{ socketPath: string; connections: () => number; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'am-proto-'));
  const socketPath = join(dir, 's.sock');
  let connections = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => answer(res));
  });
  server.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return {
    socketPath,
    connections: () => connections,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Answers `body`, written in `pieces` byte slices (cutting through UTF-8 sequences). */
function json(status: number, body: string, pieces = 1): (res: http.ServerResponse) => void {
  const bytes = Buffer.from(body, 'utf8');
  return (res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    const size = Math.max(1, Math.ceil(bytes.length / pieces));
    for (let at = 0; at < bytes.length; at += size) res.write(bytes.subarray(at, at + size));
    res.end();
  };
}

async function rejection(promise: Promise<unknown>): Promise<AlphaMailError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof AlphaMailError, `expected AlphaMailError, got ${String(err)}`);
    return err;
  }
  assert.fail('call succeeded');
}

void test('a reply that breaks the contract is refused with AM_INTERNAL naming the method', async () => {
  const broken = { folders: [{ ...folders.folders[0], depth: -1 }], separator: '/' };
  const server = await rawServer(json(200, JSON.stringify(broken)));
  try {
    const client = createWebcacheClient({ kind: 'unix', socketPath: server.socketPath });
    const err = await rejection(client.call('listFolders', { session }));
    assert.equal(err.code, 'AM_INTERNAL');
    assert.match(err.message, /listFolders/);
    assert.deepEqual(err.details.issues, ['folders.0.depth: Too small: expected number to be >=0']);
  } finally {
    await server.close();
  }
});

void test('a reply that is not JSON, or empty, is refused with AM_INTERNAL', async () => {
  for (const body of ['{"folders": [', '']) {
    const server = await rawServer(json(200, body));
    try {
      const client = createWebcacheClient({ kind: 'unix', socketPath: server.socketPath });
      const err = await rejection(client.call('listFolders', { session }));
      assert.equal(err.code, 'AM_INTERNAL');
      assert.equal(err.message, 'webcache reply is not JSON');
    } finally {
      await server.close();
    }
  }
});

void test('a reply in many pieces is read whole, multi-byte characters across pieces too', async () => {
  const named = {
    ...folders,
    folders: [{ ...folders.folders[0], name: 'Éingång ☃📎'.repeat(50) }],
  };
  const server = await rawServer(json(200, JSON.stringify(named), 37));
  try {
    const client = createWebcacheClient({ kind: 'unix', socketPath: server.socketPath });
    const reply = await client.call('listFolders', { session });
    assert.equal(reply.folders[0]?.name, 'Éingång ☃📎'.repeat(50));
  } finally {
    await server.close();
  }
});

void test('a reply cut off in the middle is refused with AM_WEBCACHE_DOWN', async () => {
  const server = await rawServer((res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
    res.write('{"folders": [');
    setTimeout(() => res.destroy(), 10);
  });
  try {
    const client = createWebcacheClient({ kind: 'unix', socketPath: server.socketPath });
    assert.equal(
      (await rejection(client.call('listFolders', { session }))).code,
      'AM_WEBCACHE_DOWN',
    );
  } finally {
    await server.close();
  }
});

void test('a wire error comes back as the typed error; an unknown code as AM_INTERNAL', async () => {
  const wire = { code: 'AM_FOLDER_NOT_FOUND', message: 'no folder', details: { folder: 'X' } };
  const server = await rawServer(json(404, JSON.stringify(wire)));
  try {
    const client = createWebcacheClient({ kind: 'unix', socketPath: server.socketPath });
    const err = await rejection(client.call('listFolders', { session }));
    assert.equal(err.code, 'AM_FOLDER_NOT_FOUND');
    assert.deepEqual(err.details, { folder: 'X' });
  } finally {
    await server.close();
  }
  const odd = await rawServer(json(500, JSON.stringify({ code: 'AM_NO_SUCH', message: 'x' })));
  try {
    const client = createWebcacheClient({ kind: 'unix', socketPath: odd.socketPath });
    assert.equal((await rejection(client.call('listFolders', { session }))).code, 'AM_INTERNAL');
  } finally {
    await odd.close();
  }
});

void test('calls one after another share one connection; parallel calls open one each', async () => {
  const server = await rawServer(json(200, JSON.stringify(folders)));
  try {
    const client = createWebcacheClient({ kind: 'unix', socketPath: server.socketPath });
    for (let i = 0; i < 20; i++) await client.call('listFolders', { session });
    assert.equal(server.connections(), 1);
    await Promise.all([1, 2, 3].map(() => client.call('listFolders', { session })));
    assert.equal(server.connections(), 3);
  } finally {
    await server.close();
  }
});

void test('the server answers an oversized request with AM_BAD_REQUEST', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'am-proto-'));
  const socketPath = join(dir, 's.sock');
  const server = createRpcServer({
    endpoint: { kind: 'unix', socketPath },
    handlers: {} as MethodHandlers,
    streamHandlers: {} as never,
    events: () => Promise.resolve(),
    upload: () => Promise.reject(new Error('not used')),
    logger: silentLogger(),
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  try {
    const reply = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request({ socketPath, path: '/rpc/ping', method: 'POST' }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      // The server answers before reading everything: the rest of our write may hit a closed pipe.
      req.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code !== 'EPIPE' && err.code !== 'ECONNRESET') reject(err);
      });
      req.on('socket', (socket) => socket.on('error', () => undefined));
      req.end(`"${'x'.repeat(maxRequestBytes + 10)}"`);
    });
    assert.equal(reply.status, 400);
    assert.equal((JSON.parse(reply.body) as { code: string }).code, 'AM_BAD_REQUEST');
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  }
});
