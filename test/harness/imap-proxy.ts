// Owns the loopback IMAP proxy that counts exactly what a client sends and injects faults
// Dovecot cannot produce (stalls, dropped sockets). Must not alter bytes it forwards.
import { connect, createServer, type Server, type Socket } from 'node:net';

/** Command log lines kept; older ones are dropped so a long test cannot exhaust memory. */
const maxLogLines = 10_000;
/** A command line (without literals) longer than this is a client bug, not something to buffer. */
const maxLineBytes = 1024 * 1024;

export interface ImapProxyCounts {
  /** Client connections accepted since start or reset(). */
  connections: number;
  /** Successful LOGIN/AUTHENTICATE (tagged OK seen from the server). */
  logins: number;
  /** Upper-case command name → count; `UID FETCH` counts under 'FETCH' and 'UID FETCH'. */
  commands: Record<string, number>;
  /** Commands sent (a UID command counts once). */
  total: number;
  bytesFromServer: number;
  bytesFromClient: number;
}

export interface ImapProxy {
  port: number;
  counts(): ImapProxyCounts;
  reset(): void;
  /** Command lines as sent, literal contents left out, LOGIN/AUTHENTICATE arguments redacted. */
  log(): string[];
  /** Holds every server→client byte for `ms` (fault injection: a stalled server). */
  stall(ms: number): void;
  /** Destroys every open connection on both sides (fault injection: network drop). */
  dropAll(): void;
  /** Closes the next `count` client connections as soon as they are accepted (fault injection). */
  refuseNext(count: number): void;
  /** While on, closes every client connection as soon as it is accepted (the server is down). */
  refuseAll(isOn: boolean): void;
  /** Client connections open now (a LOGOUT or close ends one). */
  openConnections(): number;
  close(): Promise<void>;
}

/** Splits a byte stream into CRLF lines and skips `{n}` / `{n+}` literals (RFC 3501 §4.3). */
class LineReader {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private literalLeft = 0;
  private parts: string[] = [];

  /** `onLine` gets a whole logical line: fragments around literals joined, literals left out. */
  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.literalLeft > 0) {
        const skip = Math.min(this.literalLeft, chunk.length - at);
        this.literalLeft -= skip;
        at += skip;
        continue;
      }
      const newline = chunk.indexOf(0x0a, at);
      if (newline === -1) {
        this.pending.push(chunk.subarray(at));
        this.pendingBytes += chunk.length - at;
        if (this.pendingBytes > maxLineBytes) throw new Error('IMAP line too long');
        return;
      }
      this.pending.push(chunk.subarray(at, newline));
      const line = Buffer.concat(this.pending).toString('latin1').replace(/\r$/, '');
      this.pending = [];
      this.pendingBytes = 0;
      at = newline + 1;
      const literal = /\{(\d+)\+?\}$/.exec(line);
      this.parts.push(line);
      if (literal) {
        this.literalLeft = Number(literal[1]);
        continue;
      }
      const whole = this.parts.join('');
      this.parts = [];
      this.onLine(whole);
    }
  }
}

interface SessionState {
  /** Tag of an AUTHENTICATE in progress: client lines until its tagged reply are SASL data. */
  authTag: string | null;
  loginTags: Set<string>;
  isIdling: boolean;
  /** After STARTTLS or COMPRESS succeed the bytes are no longer readable IMAP. */
  switchTag: string | null;
  isOpaque: boolean;
}

export async function startImapProxy(target: { host: string; port: number }): Promise<ImapProxy> {
  let counts: ImapProxyCounts = emptyCounts();
  let lines: string[] = [];
  let stalledUntil = 0;
  let refusalsLeft = 0;
  let isRefusingAll = false;
  const sockets = new Set<Socket>();
  const clients = new Set<Socket>();

  const count = (name: string): void => {
    counts.commands[name] = (counts.commands[name] ?? 0) + 1;
  };

  const pushLog = (line: string): void => {
    lines.push(line);
    if (lines.length > maxLogLines) lines = lines.slice(-maxLogLines);
  };

  const onClientLine = (state: SessionState, line: string): void => {
    if (state.isIdling && line.trim().toUpperCase() === 'DONE') {
      state.isIdling = false; // RFC 2177: DONE ends IDLE; it is not a command.
      return;
    }
    if (state.authTag !== null) return; // RFC 3501 §6.2.2: a SASL response line.
    if (line.trim() === '') return; // A stray CRLF is not a command.
    const [tag = '', rawName = '', ...rest] = line.split(' ');
    const name = rawName.toUpperCase();
    counts.total += 1;
    if (name === 'UID') {
      const sub = (rest[0] ?? '').toUpperCase();
      count(sub);
      count(`UID ${sub}`);
      pushLog(line);
      return;
    }
    count(name);
    let logged = line;
    if (name === 'IDLE') {
      state.isIdling = true;
    } else if (name === 'LOGIN') {
      state.loginTags.add(tag);
      logged = `${tag} ${rawName} [redacted]`;
    } else if (name === 'AUTHENTICATE') {
      state.authTag = tag;
      state.loginTags.add(tag);
      logged = `${tag} ${rawName} ${rest[0] ?? ''} [redacted]`;
    } else if (name === 'STARTTLS' || name === 'COMPRESS') {
      state.switchTag = tag;
    }
    pushLog(logged);
  };

  const onServerLine = (state: SessionState, line: string): void => {
    const [tag = '', status = ''] = line.split(' ');
    if (tag === '*' || tag === '+') return;
    const isOk = status.toUpperCase() === 'OK';
    if (tag === state.authTag) state.authTag = null;
    if (state.loginTags.delete(tag) && isOk) counts.logins += 1;
    if (tag === state.switchTag) {
      state.switchTag = null;
      if (isOk) state.isOpaque = true;
    }
  };

  const handle = (client: Socket): void => {
    counts.connections += 1;
    if (isRefusingAll || refusalsLeft > 0) {
      if (!isRefusingAll) refusalsLeft -= 1;
      client.destroy();
      return;
    }
    clients.add(client);
    const upstream = connect({ host: target.host, port: target.port });
    sockets.add(client);
    sockets.add(upstream);
    const state: SessionState = {
      authTag: null,
      loginTags: new Set(),
      isIdling: false,
      switchTag: null,
      isOpaque: false,
    };
    const clientReader = new LineReader((line) => onClientLine(state, line));
    const serverReader = new LineReader((line) => onServerLine(state, line));
    const held: Buffer[] = [];
    let flushTimer: NodeJS.Timeout | null = null;

    const toClient = (chunk: Buffer): void => {
      if (!client.write(chunk)) {
        upstream.pause();
        client.once('drain', () => upstream.resume());
      }
    };
    const flushHeld = (): void => {
      flushTimer = null;
      if (Date.now() < stalledUntil) {
        flushTimer = setTimeout(flushHeld, stalledUntil - Date.now());
        return;
      }
      for (const chunk of held.splice(0)) toClient(chunk);
    };

    upstream.on('data', (chunk: Buffer) => {
      counts.bytesFromServer += chunk.length;
      if (!state.isOpaque) serverReader.push(chunk);
      if (Date.now() < stalledUntil || held.length > 0) {
        held.push(chunk);
        flushTimer ??= setTimeout(flushHeld, Math.max(0, stalledUntil - Date.now()));
        return;
      }
      toClient(chunk);
    });
    client.on('data', (chunk: Buffer) => {
      counts.bytesFromClient += chunk.length;
      if (!state.isOpaque) {
        try {
          clientReader.push(chunk);
        } catch {
          state.isOpaque = true; // Garbage from the client: keep forwarding, stop counting.
        }
      }
      if (!upstream.write(chunk)) {
        client.pause();
        upstream.once('drain', () => client.resume());
      }
    });
    const closeBoth = (): void => {
      if (flushTimer !== null) clearTimeout(flushTimer);
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
      clients.delete(client);
    };
    // A half-close is passed on as a full close: IMAP has no use for half-open sockets.
    for (const socket of [client, upstream]) {
      socket.on('error', closeBoth);
      socket.on('close', closeBoth);
      socket.on('end', closeBoth);
    }
  };

  const server: Server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;

  return {
    port,
    counts: () => ({ ...counts, commands: { ...counts.commands } }),
    reset: () => {
      counts = emptyCounts();
      lines = [];
    },
    log: () => [...lines],
    stall: (ms) => {
      stalledUntil = Math.max(stalledUntil, Date.now() + ms);
    },
    dropAll: () => {
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      clients.clear();
    },
    refuseNext: (n) => {
      refusalsLeft += n;
    },
    refuseAll: (isOn) => {
      isRefusingAll = isOn;
    },
    openConnections: () => clients.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        sockets.clear();
        server.close(() => resolve());
      }),
  };
}

function emptyCounts(): ImapProxyCounts {
  return {
    connections: 0,
    logins: 0,
    commands: {},
    total: 0,
    bytesFromServer: 0,
    bytesFromClient: 0,
  };
}

/** Waits until the webcache's background work (snippet filler) has sent nothing for a while. */
export async function waitForQuietWire(proxy: ImapProxy, quietMs = 1500): Promise<void> {
  let last = -1;
  let stableSince = Date.now();
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const total = proxy.counts().total;
    if (total !== last) {
      last = total;
      stableSince = Date.now();
    } else if (Date.now() - stableSince >= quietMs) {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the webcache never stopped talking to IMAP');
}
