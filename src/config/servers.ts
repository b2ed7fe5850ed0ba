// Owns the classic server-list grammar of imap_servers and smtp_servers:
// `domain=host:port[PREFIXSEP] flags, …`. Pure: it parses text, it never connects.
import { BadValue, parseDomainName, parseHostPortPrefix, quote } from './values.js';

/** Port of implicit-TLS IMAP (RFC 8314); every other port uses STARTTLS. */
const imapImplicitTlsPort = 993;
/** Port of implicit-TLS submission (RFC 8314); every other port uses STARTTLS. */
const smtpImplicitTlsPort = 465;

const knownFlags = ['insecure', 'noverify'] as const;
type ServerFlag = (typeof knownFlags)[number];

export interface ServerEntry {
  domain: string;
  host: string;
  port: number;
  tls: 'implicit' | 'starttls';
  allowInsecure: boolean;
  verifyCertificate: boolean;
}

export interface ImapServerEntry extends ServerEntry {
  prefix: string;
  separator: string;
}

const imapEntryExpected =
  'domain=host:port[PREFIXSEP] with optional flags insecure, noverify, ' +
  'e.g. example.edu=imap.example.edu:993[INBOX.]';
const smtpEntryExpected =
  'domain=host:port with optional flags insecure, noverify, e.g. example.edu=smtp.example.edu:587';

function splitEntries(text: string, expected: string): string[] {
  const entries = text.split(',').map((e) => e.trim());
  entries.forEach((entry, i) => {
    if (entry === '') throw new BadValue(`entry ${i + 1} of the list is empty`, expected);
  });
  return entries;
}

function parseFlags(text: string, entry: string): Record<ServerFlag, boolean> {
  const flags = { insecure: false, noverify: false };
  const words = text.trim() === '' ? [] : text.trim().split(/\s+/);
  for (const word of words) {
    const flag = knownFlags.find((f) => f === word);
    if (flag === undefined || flags[flag]) {
      throw new BadValue(
        `entry ${quote(entry)} has ${flag === undefined ? 'unknown' : 'repeated'} flag ${quote(word)}`,
        `flags from: ${knownFlags.join(', ')}`,
      );
    }
    flags[flag] = true;
  }
  return flags;
}

/** Reads `domain=host:port` and returns the entry's remaining text. */
function parseServer(
  entry: string,
  implicitTlsPort: number,
  expected: string,
): { server: ServerEntry; rest: string } {
  const equals = entry.indexOf('=');
  if (equals < 0) throw new BadValue(`entry ${quote(entry)} has no "domain="`, expected);
  const domain = parseDomainName(entry.slice(0, equals).trim(), 'domain');
  let hostPort;
  try {
    hostPort = parseHostPortPrefix(entry.slice(equals + 1).trim());
  } catch (err) {
    if (err instanceof BadValue)
      throw new BadValue(`entry ${quote(entry)}: ${err.problem}`, expected);
    throw err;
  }
  return {
    server: {
      domain,
      host: hostPort.host,
      port: hostPort.port,
      tls: hostPort.port === implicitTlsPort ? 'implicit' : 'starttls',
      allowInsecure: false,
      verifyCertificate: true,
    },
    rest: hostPort.rest,
  };
}

function checkUnique(entries: readonly ServerEntry[], expected: string): void {
  const seen = new Set<string>();
  for (const entry of entries) {
    if (seen.has(entry.domain)) {
      throw new BadValue(
        `domain ${quote(entry.domain)} is listed twice`,
        `${expected}; each domain once`,
      );
    }
    seen.add(entry.domain);
  }
}

/**
 * imap_servers: inside the brackets the LAST character is the separator; the whole bracket
 * text is the prefix unless it is only the separator (`[INBOX.]` → "INBOX." and ".";
 * `[/]` → "" and "/").
 */
export function parseImapServers(text: string): ImapServerEntry[] {
  const entries = splitEntries(text, imapEntryExpected).map((entry): ImapServerEntry => {
    const { server, rest } = parseServer(entry, imapImplicitTlsPort, imapEntryExpected);
    const brackets = /^\s*\[(.*)\](.*)$/.exec(rest);
    const inside = brackets?.[1] ?? '';
    const separator = inside.slice(-1);
    if (!brackets || separator === '') {
      throw new BadValue(
        `entry ${quote(entry)} has no folder separator in brackets`,
        'the port followed by [PREFIX and separator], e.g. [INBOX.] or [/]',
      );
    }
    if (/[\p{L}\p{N}\s]/u.test(separator)) {
      throw new BadValue(
        `entry ${quote(entry)} ends its brackets with ${quote(separator)}, not a separator`,
        'the separator as the last character in the brackets, e.g. [INBOX.] or [/]',
      );
    }
    const tail = brackets[2] ?? '';
    if (tail !== '' && !/^\s/.test(tail)) {
      throw new BadValue(`entry ${quote(entry)} has text right after "]"`, imapEntryExpected);
    }
    const flags = parseFlags(tail, entry);
    return {
      ...server,
      allowInsecure: flags.insecure,
      verifyCertificate: !flags.noverify,
      prefix: inside.length > 1 ? inside : '',
      separator,
    };
  });
  checkUnique(entries, imapEntryExpected);
  return entries;
}

/** smtp_servers: the same entries without brackets; port 465 is implicit TLS. */
export function parseSmtpServers(text: string): ServerEntry[] {
  const entries = splitEntries(text, smtpEntryExpected).map((entry): ServerEntry => {
    const { server, rest } = parseServer(entry, smtpImplicitTlsPort, smtpEntryExpected);
    if (rest !== '' && !/^\s/.test(rest)) {
      throw new BadValue(`entry ${quote(entry)} has text right after the port`, smtpEntryExpected);
    }
    const flags = parseFlags(rest, entry);
    return { ...server, allowInsecure: flags.insecure, verifyCertificate: !flags.noverify };
  });
  checkUnique(entries, smtpEntryExpected);
  return entries;
}
