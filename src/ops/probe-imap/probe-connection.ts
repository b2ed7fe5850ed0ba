// Owns one short IMAP conversation for the probe over node:net/tls: greeting, tagged commands
// with literals, STARTTLS. It automates what an admin would type in `openssl s_client`.
// Must not log or keep the password; failures of the socket become catalogued errors.
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { AlphaMailError, isUnreachableNetworkCode, scrubProtocolLine } from '../../base/index.js';
import { ResponseReader } from './imap-wire.js';

/** TCP connect + TLS handshake + greeting: past this the server counts as unreachable. */
export const probeConnectBudgetMs = 10_000;

/** Only this port speaks TLS from the first byte; the config grammar knows no other. */
const implicitTlsPortHint = 993;

/** OpenSSL's words for a certificate that does not verify (Node passes them as err.code). */
function isCertificateError(code: string): boolean {
  return /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ALTNAME|LEAF_SIGNATURE/.test(code);
}

/** Maps a socket error to our catalogue; the host and the code go in the message. */
export function socketError(err: unknown, host: string, port: number): AlphaMailError {
  if (err instanceof AlphaMailError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code ?? 'unknown';
  if (isCertificateError(code)) {
    return new AlphaMailError(
      'AM_IMAP_INSECURE',
      `${host}:${port}: the TLS certificate does not verify (${code}); for a test server with a ` +
        'self-signed certificate pass --noverify',
      { host, port, code },
      { cause: err },
    );
  }
  if (isUnreachableNetworkCode(code)) {
    return new AlphaMailError(
      'AM_IMAP_UNREACHABLE',
      `${host}:${port}: cannot reach the IMAP server (${code})`,
      { host, port, code },
      { cause: err },
    );
  }
  const message = err instanceof Error ? err.message : String(err);
  return new AlphaMailError(
    'AM_IMAP_ERROR',
    `${host}:${port}: ${scrubProtocolLine(message)}`,
    { host, port, code },
    { cause: err },
  );
}

export interface TaggedReply {
  status: 'OK' | 'NO' | 'BAD';
  /** The tagged line without the tag, credentials scrubbed: for the admin's eyes. */
  text: string;
  untagged: Buffer[];
}

/** A command is text with literals between: LOGIN {5} / alice, sent after each "+" reply. */
export type CommandPart = { text: string } | { literal: string };

export class ProbeConnection {
  private reader = new ResponseReader();
  private queue: Buffer[] = [];
  private waiter: ((response: Buffer) => void) | null = null;
  private failure: AlphaMailError | null = null;
  private failWaiter: ((err: AlphaMailError) => void) | null = null;
  private tagNumber = 0;
  /** Whether the TLS certificate verified, or null while the connection is plain. */
  certificateVerified: boolean | null = null;

  private constructor(
    private socket: Socket,
    readonly host: string,
    readonly port: number,
  ) {
    this.listen(socket);
  }

  private listen(socket: Socket): void {
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const response of this.reader.push(chunk)) this.deliver(response);
      } catch (err) {
        this.fail(socketError(err, this.host, this.port));
      }
    });
    socket.on('error', (err) => this.fail(socketError(err, this.host, this.port)));
    socket.on('close', () =>
      this.fail(
        new AlphaMailError('AM_IMAP_ERROR', `${this.host}:${this.port}: the server hung up`, {
          host: this.host,
          port: this.port,
        }),
      ),
    );
  }

  private deliver(response: Buffer): void {
    const waiter = this.waiter;
    if (waiter === null) {
      this.queue.push(response);
      return;
    }
    this.waiter = null;
    this.failWaiter = null;
    waiter(response);
  }

  private fail(err: AlphaMailError): void {
    if (this.failure !== null) return;
    this.failure = err;
    const failWaiter = this.failWaiter;
    this.waiter = null;
    this.failWaiter = null;
    failWaiter?.(err);
  }

  /** The next whole response from the server. */
  next(): Promise<Buffer> {
    const queued = this.queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.failure !== null) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiter = resolve;
      this.failWaiter = reject;
    });
  }

  /** Connects (TLS from the first byte when `implicitTls`) and reads the greeting. */
  static async open(opts: {
    host: string;
    port: number;
    implicitTls: boolean;
    verifyCertificate: boolean;
  }): Promise<{ connection: ProbeConnection; greeting: Buffer }> {
    const { host, port } = opts;
    const socket = await new Promise<Socket>((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.destroy();
        reject(
          new AlphaMailError(
            'AM_IMAP_UNREACHABLE',
            `${host}:${port}: no connection within ${probeConnectBudgetMs} ms`,
            { host, port, code: 'CONNECT_TIMEOUT' },
          ),
        );
      }, probeConnectBudgetMs);
      const done = (err: Error | null): void => {
        clearTimeout(timer);
        if (err === null) resolve(socket);
        else {
          socket.destroy();
          reject(socketError(err, host, port));
        }
      };
      const socket: Socket = opts.implicitTls
        ? tlsConnect({
            host,
            port,
            ...(isIP(host) === 0 ? { servername: host } : {}),
            rejectUnauthorized: opts.verifyCertificate,
          })
        : netConnect({ host, port });
      socket.once(opts.implicitTls ? 'secureConnect' : 'connect', () => done(null));
      socket.once('error', done);
    });
    const connection = new ProbeConnection(socket, host, port);
    if (opts.implicitTls) connection.certificateVerified = (socket as TLSSocket).authorized;
    let timer: NodeJS.Timeout | undefined;
    const silence = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        connection.destroy();
        reject(
          new AlphaMailError(
            'AM_IMAP_UNREACHABLE',
            `${host}:${port}: no IMAP greeting within ${probeConnectBudgetMs} ms (a TLS-only ` +
              `port other than ${implicitTlsPortHint} waits silently for a TLS handshake)`,
            { host, port, code: 'GREETING_TIMEOUT' },
          ),
        );
      }, probeConnectBudgetMs);
    });
    try {
      const greeting = await Promise.race([connection.next(), silence]);
      return { connection, greeting };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Sends a tagged command and collects the untagged responses up to its tagged reply. */
  async command(parts: readonly CommandPart[]): Promise<TaggedReply> {
    const tag = `p${++this.tagNumber}`;
    let pending = `${tag} `;
    for (const part of parts) {
      if ('text' in part) {
        pending += part.text;
        continue;
      }
      const bytes = Buffer.from(part.literal, 'utf8');
      this.socket.write(`${pending}{${bytes.length}}\r\n`);
      pending = '';
      const untagged: Buffer[] = [];
      for (;;) {
        const response = await this.next();
        if (response[0] === 0x2b) break;
        const reply = this.taggedReply(tag, response, untagged);
        if (reply !== null) return reply;
        untagged.push(response);
      }
      this.socket.write(bytes);
    }
    this.socket.write(`${pending}\r\n`);
    const untagged: Buffer[] = [];
    for (;;) {
      const response = await this.next();
      const reply = this.taggedReply(tag, response, untagged);
      if (reply !== null) return reply;
      untagged.push(response);
    }
  }

  private taggedReply(tag: string, response: Buffer, untagged: Buffer[]): TaggedReply | null {
    const line = response.toString('utf8');
    if (!line.startsWith(`${tag} `)) return null;
    const rest = line.slice(tag.length + 1);
    const status = rest.slice(0, rest.indexOf(' ') < 0 ? undefined : rest.indexOf(' '));
    const upper = status.toUpperCase();
    return {
      status: upper === 'OK' || upper === 'NO' ? upper : 'BAD',
      text: scrubProtocolLine(rest),
      untagged,
    };
  }

  /** STARTTLS (RFC 9051 §6.2.1): after the OK, TLS starts on the same socket. */
  async startTls(verifyCertificate: boolean): Promise<TaggedReply> {
    const reply = await this.command([{ text: 'STARTTLS' }]);
    if (reply.status !== 'OK') return reply;
    const plain = this.socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('error');
    plain.removeAllListeners('close');
    const secure = await new Promise<TLSSocket>((resolve, reject) => {
      const timer = setTimeout(() => {
        secure.destroy();
        reject(
          new AlphaMailError(
            'AM_IMAP_UNREACHABLE',
            `${this.host}:${this.port}: no TLS handshake within ${probeConnectBudgetMs} ms`,
            { host: this.host, port: this.port, code: 'UPGRADE_TIMEOUT' },
          ),
        );
      }, probeConnectBudgetMs);
      const secure = tlsConnect({
        socket: plain,
        ...(isIP(this.host) === 0 ? { servername: this.host } : {}),
        rejectUnauthorized: verifyCertificate,
      });
      secure.once('secureConnect', () => {
        clearTimeout(timer);
        resolve(secure);
      });
      secure.once('error', (err) => {
        clearTimeout(timer);
        secure.destroy();
        reject(socketError(err, this.host, this.port));
      });
    });
    this.socket = secure;
    // Anything the server sent before the handshake is an injection attempt (RFC 9051 §11.1).
    this.reader = new ResponseReader();
    this.queue = [];
    this.listen(secure);
    this.certificateVerified = secure.authorized;
    return reply;
  }

  /** LOGOUT politely, then drop the socket whatever the server says. */
  async close(): Promise<void> {
    if (this.failure === null) {
      try {
        await this.command([{ text: 'LOGOUT' }]);
      } catch {
        // The server hanging up on LOGOUT is what LOGOUT asks for.
      }
    }
    this.socket.destroy();
  }

  destroy(): void {
    this.socket.destroy();
  }
}
