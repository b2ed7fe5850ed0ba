// Owns the value grammars of alphamail_config: host:port, domain names, URLs, bounded integers.
// Pure: no file or network access; a bad value throws BadValue, which parse.ts locates.
import { isIPv6 } from 'node:net';

/**
 * A value that does not fit its key. Carries no file or line: parse.ts turns it into the one
 * AlphaMailError (AM_CONFIG_SYNTAX) with both, so it never leaves this folder.
 */
export class BadValue extends Error {
  constructor(
    readonly problem: string,
    readonly expected: string,
  ) {
    super(`${problem}; expected ${expected}`);
  }
}

/** RFC 1035: 253 characters in a name, 63 in a label. */
const maxDomainChars = 253;
const labelPattern = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const maxPort = 65_535;

/** Quotes a value for a message; long values are cut so a message stays one readable line. */
export function quote(value: string): string {
  const shown = value.length > 80 ? `${value.slice(0, 77)}...` : value;
  return JSON.stringify(shown);
}

/** A DNS name, lower-cased; single labels ("localhost") are allowed. */
export function parseDomainName(text: string, what: string): string {
  const name = text.toLowerCase();
  const labels = name.split('.');
  const valid =
    name.length > 0 &&
    name.length <= maxDomainChars &&
    labels.every((label) => labelPattern.test(label)) &&
    !/^[0-9.]+$/.test(name);
  if (!valid) {
    throw new BadValue(`${what} ${quote(text)} is not a valid name`, 'a name like example.edu');
  }
  return name;
}

function isIPv4(text: string): boolean {
  const parts = text.split('.');
  return (
    parts.length === 4 && parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255)
  );
}

export interface HostPort {
  host: string;
  port: number;
}

const hostPortExpected = 'host:port, e.g. 127.0.0.1:8080, mail.example.edu:993 or [::1]:8080';

/**
 * Reads `host:port` at the start of `text` and returns what follows it (imap_servers puts the
 * folder brackets right after the port). An IPv6 host is written in brackets and kept without.
 */
export function parseHostPortPrefix(text: string): HostPort & { rest: string } {
  let host: string;
  let afterHost: string;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    host = close < 0 ? '' : text.slice(1, close);
    if (!isIPv6(host)) {
      throw new BadValue(`${quote(text)} has no valid IPv6 address in brackets`, hostPortExpected);
    }
    afterHost = text.slice(close + 1);
  } else {
    const colon = text.indexOf(':');
    host = colon < 0 ? text : text.slice(0, colon);
    afterHost = colon < 0 ? '' : text.slice(colon);
    if (isIPv6(text.split(/[\s[]/)[0] ?? '')) {
      throw new BadValue(`IPv6 address ${quote(text)} needs brackets`, hostPortExpected);
    }
    if (!isIPv4(host)) parseDomainName(host, 'host');
  }
  const match = /^:([0-9]{1,5})(?![0-9])/.exec(afterHost);
  const port = match ? Number(match[1]) : 0;
  if (!match || port < 1 || port > maxPort) {
    throw new BadValue(`${quote(text)} has no port from 1 to ${maxPort}`, hostPortExpected);
  }
  return { host, port, rest: afterHost.slice(match[0].length) };
}

export function parseHostPort(text: string): HostPort {
  const { host, port, rest } = parseHostPortPrefix(text);
  if (rest !== '') {
    throw new BadValue(`${quote(text)} has extra text after the port`, hostPortExpected);
  }
  return { host, port };
}

export function parseInteger(text: string, min: number, max: number): number {
  const expected = `a whole number from ${min} to ${max}`;
  if (!/^[0-9]+$/.test(text)) throw new BadValue(`${quote(text)} is not a whole number`, expected);
  const value = Number(text);
  if (value < min || value > max) throw new BadValue(`${quote(text)} is out of range`, expected);
  return value;
}

export function parseChoice<T extends string>(text: string, choices: readonly T[]): T {
  const found = choices.find((c) => c === text);
  if (found === undefined) {
    throw new BadValue(`${quote(text)} is not allowed`, `one of ${choices.join(', ')}`);
  }
  return found;
}

/** An http(s) URL without credentials, query or fragment; a trailing "/" is dropped. */
export function parseHttpUrl(text: string): string {
  const expected = 'an http or https URL such as https://mail.example.edu';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new BadValue(`${quote(text)} is not a URL`, expected);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new BadValue(`${quote(text)} is not http or https`, expected);
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new BadValue(`${quote(text)} has a user, query or fragment`, expected);
  }
  return url.href.replace(/\/$/, '');
}

/** A file system path as written; parse.ts resolves relative ones against the config's folder. */
export function parsePath(text: string): string {
  if (text.includes('\u0000')) {
    throw new BadValue('the path contains a NUL character', 'a file system path');
  }
  return text;
}
