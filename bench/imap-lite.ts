// Owns the benchmark baseline's raw IMAP connection: send a tagged command, collect its
// untagged replies (literals included) and parse IMAP lists. Must not be used by the product.
import { connect, type Socket } from 'node:net';

/** One reply must arrive within this; a stuck server fails the page view, not the run. */
const replyBudgetMs = 30_000;
/** A single reply line (without literals) longer than this is a broken server. */
const maxLineBytes = 8 * 1024 * 1024;

export type Sexp = string | number | null | Sexp[];

export interface TaggedReply {
  status: 'OK' | 'NO' | 'BAD';
  /** Untagged lines with literal contents spliced in place of `{n}` (as latin1 strings). */
  untagged: string[];
}

/** A connection that runs one command at a time, the way PHP web mail talks IMAP. */
export class ImapLite {
  #socket: Socket;
  #buffer: Buffer = Buffer.alloc(0);
  #waiter: (() => void) | null = null;
  #closed: Error | null = null;
  #tag = 0;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
      this.#wake();
    });
    const fail = (err?: Error): void => {
      this.#closed ??= err ?? new Error('IMAP connection closed');
      this.#wake();
    };
    socket.on('error', fail);
    socket.on('close', () => fail());
  }

  static async open(host: string, port: number): Promise<ImapLite> {
    const socket = connect({ host, port });
    socket.setNoDelay(true);
    const client = new ImapLite(socket);
    const greeting = await client.#readLine();
    if (!greeting.startsWith('* OK')) throw new Error(`IMAP greeting: ${greeting.slice(0, 80)}`);
    return client;
  }

  #wake(): void {
    const waiter = this.#waiter;
    this.#waiter = null;
    waiter?.();
  }

  async #more(): Promise<void> {
    if (this.#closed) throw this.#closed;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('IMAP reply timed out')), replyBudgetMs);
      this.#waiter = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  async #readLine(): Promise<string> {
    for (;;) {
      const newline = this.#buffer.indexOf(0x0a);
      if (newline >= 0) {
        const line = this.#buffer.subarray(0, newline).toString('latin1').replace(/\r$/, '');
        this.#buffer = this.#buffer.subarray(newline + 1);
        return line;
      }
      if (this.#buffer.length > maxLineBytes) throw new Error('IMAP line too long');
      await this.#more();
    }
  }

  async #readBytes(count: number): Promise<string> {
    while (this.#buffer.length < count) await this.#more();
    const bytes = this.#buffer.subarray(0, count).toString('latin1');
    this.#buffer = this.#buffer.subarray(count);
    return bytes;
  }

  /** One logical reply line: literals (RFC 3501 §4.3) are read and quoted back in. */
  async #readReply(): Promise<string> {
    let whole = '';
    for (;;) {
      const line = await this.#readLine();
      const literal = /\{(\d+)\}$/.exec(line);
      if (!literal) return whole + line;
      const body = await this.#readBytes(Number(literal[1]));
      whole += line.slice(0, literal.index) + `{${body.length}}\r\n` + body;
    }
  }

  /** Sends `command` (without tag) and waits for its tagged status. */
  async run(command: string): Promise<TaggedReply> {
    const tag = `b${++this.#tag}`;
    this.#socket.write(`${tag} ${command}\r\n`);
    const untagged: string[] = [];
    for (;;) {
      const line = await this.#readReply();
      if (line.startsWith(`${tag} `)) {
        const status = line.slice(tag.length + 1).split(' ')[0] ?? '';
        if (status !== 'OK' && status !== 'NO' && status !== 'BAD') {
          throw new Error(`IMAP tagged reply: ${line.slice(0, 80)}`);
        }
        return { status, untagged };
      }
      untagged.push(line);
    }
  }

  /** Like run, but a NO or BAD is an error. */
  async ok(command: string): Promise<string[]> {
    const reply = await this.run(command);
    if (reply.status !== 'OK') throw new Error(`IMAP ${command.split(' ')[0]}: ${reply.status}`);
    return reply.untagged;
  }

  close(): void {
    this.#socket.destroy();
  }
}

/** A quoted IMAP string (RFC 3501 §4.3); the baseline only sends ASCII user names. */
export function quote(text: string): string {
  return `"${text.replace(/(["\\])/g, '\\$1')}"`;
}

/** Parses IMAP data (atoms, numbers, quoted strings, literals, NIL, lists) from `text`. */
export function parseSexp(text: string): Sexp[] {
  let at = 0;
  const parseList = (closer: string | null): Sexp[] => {
    const out: Sexp[] = [];
    for (;;) {
      while (text[at] === ' ') at++;
      const ch = text[at];
      if (ch === undefined) return out;
      if (ch === closer) {
        at++;
        return out;
      }
      if (ch === '(') {
        at++;
        out.push(parseList(')'));
      } else if (ch === '"') {
        let value = '';
        at++;
        while (at < text.length && text[at] !== '"') {
          if (text[at] === '\\') at++;
          value += text[at] ?? '';
          at++;
        }
        at++;
        out.push(value);
      } else if (ch === '{') {
        const close = text.indexOf('}', at);
        const length = Number(text.slice(at + 1, close));
        at = close + 3; // '}' CR LF
        out.push(text.slice(at, at + length));
        at += length;
      } else {
        const match = /^[^ ()[\]]+(\[[^\]]*\](<\d+>)?)?/.exec(text.slice(at));
        const atom = match?.[0] ?? text[at] ?? '';
        at += Math.max(1, atom.length);
        if (atom.toUpperCase() === 'NIL') out.push(null);
        else if (/^\d+$/.test(atom)) out.push(Number(atom));
        else out.push(atom);
      }
    }
  };
  return parseList(null);
}
