// Owns reading the probe's `HOST[:PORT]` argument, guessing the mail domain from the host and
// writing the imap_servers entry. Pure: no network.
import { isIP } from 'node:net';
import { AlphaMailError } from '../../base/index.js';
import { configKeys } from '../../config/index.js';

/** RFC 8314: IMAP over implicit TLS. The default when the argument names no port. */
export const imapImplicitTlsPort = 993;
/** Written in the config line when the domain cannot be guessed (an IP address). */
export const domainPlaceholder = 'DOMAIN';

export interface ProbeTarget {
  host: string;
  port: number;
}

/** `imap.example.edu`, `imap.example.edu:143`, `127.0.0.1:1143`, `[::1]:143`. */
export function parseProbeTarget(text: string): ProbeTarget {
  const bad = (problem: string): AlphaMailError =>
    new AlphaMailError(
      'AM_BAD_REQUEST',
      `${JSON.stringify(text)} ${problem}; expected HOST or HOST:PORT, e.g. imap.example.edu:993`,
      { target: text },
    );
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^\s:[\]]+))(?::([0-9]{1,5}))?$/.exec(text);
  if (match === null) throw bad('is not a host with an optional port');
  const host = match[1] ?? match[2] ?? '';
  if (match[1] !== undefined && isIP(host) !== 6) throw bad('has no IPv6 address in brackets');
  const port = match[3] === undefined ? imapImplicitTlsPort : Number(match[3]);
  if (port < 1 || port > 65_535) throw bad('has a port outside 1 to 65535');
  return { host, port };
}

/**
 * The mail domain an IMAP host most likely serves: `imap.example.edu` → `example.edu`;
 * a host of one or two labels is its own domain; an IP address gives null (no guess).
 */
export function guessDomain(host: string): string | null {
  if (isIP(host) !== 0) return null;
  const labels = host.toLowerCase().replace(/\.$/, '').split('.');
  return labels.length > 2 ? labels.slice(1).join('.') : labels.join('.');
}

/** Throws AM_BAD_REQUEST unless `domain` may stand before "=" in imap_servers. */
export function checkProbeDomain(domain: string): void {
  try {
    // The key's own grammar decides, so the printed line always parses.
    configKeys.imap_servers.parse(`${domain}=localhost:143[/]`);
  } catch (err) {
    throw new AlphaMailError(
      'AM_BAD_REQUEST',
      `--domain ${JSON.stringify(domain)} is not a mail domain like example.edu`,
      { domain },
      { cause: err },
    );
  }
}

export interface ConfigLineInput {
  domain: string | null;
  host: string;
  port: number;
  prefix: string;
  separator: string;
  /** The password went without TLS: the entry needs `insecure`. */
  isInsecure: boolean;
  /** The certificate did not verify: the entry needs `noverify`. */
  isUnverified: boolean;
}

/** The imap_servers entry, e.g. `example.edu=imap.example.edu:993[INBOX.]`. */
export function imapServersEntry(input: ConfigLineInput): string {
  const host = isIP(input.host) === 6 ? `[${input.host}]` : input.host;
  // The file's grammar: the bracket text is the prefix, its last character the separator.
  const prefix =
    input.prefix === ''
      ? ''
      : input.prefix.endsWith(input.separator)
        ? input.prefix
        : `${input.prefix}${input.separator}`;
  const brackets = prefix === '' ? input.separator : prefix;
  const flags = [
    ...(input.isInsecure ? ['insecure'] : []),
    ...(input.isUnverified ? ['noverify'] : []),
  ];
  const domain = input.domain ?? domainPlaceholder;
  return [`${domain}=${host}:${input.port}[${brackets}]`, ...flags].join(' ');
}
