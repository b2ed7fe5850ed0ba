// Owns the few bytes of IMAP grammar the probe reads: whole responses (lines with literals,
// RFC 9051 §4.3) and their tokens (atoms, quoted strings, literals, NIL, parenthesised lists).
// Pure: no sockets; it never sends anything and never sees the password.

/** A response longer than this is not something the probe asked for; the server is refused. */
export const maxResponseBytes = 1_048_576;

export type Token = string | null | Token[];

/** Splits a byte stream into whole responses; a response may carry `{N}` literals. */
export class ResponseReader {
  private buffer = Buffer.alloc(0);
  /** Where the scan for the next CRLF starts (after already-complete literals). */
  private scanFrom = 0;

  push(chunk: Buffer): Buffer[] {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    const out: Buffer[] = [];
    for (;;) {
      const crlf = this.buffer.indexOf('\r\n', this.scanFrom);
      if (crlf < 0) break;
      const line = this.buffer.subarray(0, crlf).toString('latin1');
      const literal = /\{(\d+)\+?\}$/.exec(line);
      if (literal !== null) {
        const end = crlf + 2 + Number(literal[1]);
        if (this.buffer.length < end) break;
        this.scanFrom = end;
        continue;
      }
      out.push(this.buffer.subarray(0, crlf));
      this.buffer = this.buffer.subarray(crlf + 2);
      this.scanFrom = 0;
    }
    if (this.buffer.length > maxResponseBytes) {
      throw new Error(`IMAP response longer than ${maxResponseBytes} bytes`);
    }
    return out;
  }
}

/** Reads tokens from `text` starting at `pos`; stops at the end or a closing parenthesis. */
function readTokens(bytes: Buffer, start: number): { tokens: Token[]; pos: number } {
  const tokens: Token[] = [];
  let pos = start;
  while (pos < bytes.length) {
    const ch = bytes[pos];
    if (ch === 0x20) {
      pos++;
    } else if (ch === 0x28) {
      const inner = readTokens(bytes, pos + 1);
      tokens.push(inner.tokens);
      pos = inner.pos + 1;
    } else if (ch === 0x29) {
      return { tokens, pos };
    } else if (ch === 0x22) {
      const parts: number[] = [];
      pos++;
      while (pos < bytes.length && bytes[pos] !== 0x22) {
        if (bytes[pos] === 0x5c) pos++;
        const b = bytes[pos];
        if (b !== undefined) parts.push(b);
        pos++;
      }
      tokens.push(Buffer.from(parts).toString('utf8'));
      pos++;
    } else {
      const literal = ch === 0x7b ? /^\{(\d+)\+?\}\r\n/.exec(bytes.toString('latin1', pos)) : null;
      if (literal !== null) {
        const from = pos + literal[0].length;
        const to = from + Number(literal[1]);
        tokens.push(bytes.toString('utf8', from, to));
        pos = to;
        continue;
      }
      let end = pos;
      while (end < bytes.length && ![0x20, 0x28, 0x29].includes(bytes[end] ?? 0x20)) end++;
      const atom = bytes.toString('utf8', pos, end);
      tokens.push(atom.toUpperCase() === 'NIL' ? null : atom);
      pos = end;
    }
  }
  return { tokens, pos };
}

/** All tokens of one response, e.g. `* LIST (\HasChildren) "." INBOX` → ['*','LIST',[…],'.','INBOX']. */
export function tokenize(response: Buffer): Token[] {
  return readTokens(response, 0).tokens;
}

/** Capability names from `CAPABILITY a b` or an `[CAPABILITY a b]` response code, upper-cased. */
export function capabilitiesIn(response: Buffer): string[] | null {
  const text = response.toString('latin1');
  const match = /^\* CAPABILITY (.*)$/i.exec(text) ?? /^\S+ OK \[CAPABILITY ([^\]]*)\]/i.exec(text);
  if (match === null) return null;
  return (match[1] ?? '')
    .trim()
    .split(/\s+/)
    .filter((c) => c !== '')
    .map((c) => c.toUpperCase());
}

/** Quotes a string as an IMAP quoted string, or null when only a literal can carry it. */
export function quoted(text: string): string | null {
  // Quoted strings are 7-bit without CR, LF or NUL (RFC 9051 §4.3).
  // eslint-disable-next-line no-control-regex -- the rule is exactly about control characters
  if (!/^[\x01-\x09\x0b\x0c\x0e-\x7f]*$/.test(text)) return null;
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}
