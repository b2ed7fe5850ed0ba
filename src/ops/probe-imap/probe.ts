// Owns `probeImap`: sign in once, ask CAPABILITY, NAMESPACE and `LIST "" "%"`, and work out
// the folder prefix, separator and special-use folders an imap_servers entry needs.
// Must not change anything on the server and must not keep or print the password.
import { AlphaMailError, withDeadline } from '../../base/index.js';
import { decodeMailboxName } from '../../mailbox/index.js';
import { capabilitiesIn, quoted, tokenize, type Token } from './imap-wire.js';
import { ProbeConnection, type CommandPart, type TaggedReply } from './probe-connection.js';
import { checkProbeDomain, guessDomain, imapImplicitTlsPort, imapServersEntry } from './target.js';

/** The whole probe, login delay included (Dovecot waits 2 s before refusing a password). */
export const probeBudgetMs = 60_000;

/** The capabilities AlphaMail's webcache uses or would use, in the order the report lists. */
export const probeCapabilityNames = [
  'IDLE',
  'CONDSTORE',
  'QRESYNC',
  'UIDPLUS',
  'ESEARCH',
  'SORT',
  'THREAD',
  'MOVE',
  'SPECIAL-USE',
] as const;
export type ProbeCapability = (typeof probeCapabilityNames)[number];

/** RFC 6154 §2 special-use attributes. */
const specialUseFlags = [
  '\\All',
  '\\Archive',
  '\\Drafts',
  '\\Flagged',
  '\\Junk',
  '\\Sent',
  '\\Trash',
];

export interface ProbeOptions {
  host: string;
  port: number;
  user: string;
  password: string;
  /** Let the password go in clear when the server offers no TLS on a non-993 port. */
  allowInsecure: boolean;
  /** false: accept a certificate that does not verify (and say so in the config line). */
  verifyCertificate: boolean;
  /** Mail domain for the config line; guessed from the host when absent. */
  domain?: string;
}

export interface ProbeFolder {
  /** The name as the server sent it (modified UTF-7). */
  wireName: string;
  /** The name decoded for people. */
  name: string;
  flags: string[];
  /** The hierarchy separator the server gave with this entry; null for NIL (flat). */
  delimiter: string | null;
}

export interface ProbeResult {
  host: string;
  port: number;
  domain: string | null;
  /** How the connection was protected: implicit TLS, STARTTLS, or nothing. */
  transport: 'implicit-tls' | 'starttls' | 'plain';
  /** null when no TLS was used. */
  certificateVerified: boolean | null;
  separator: string;
  prefix: string;
  /** Where the prefix came from: the NAMESPACE reply, or inferred from `LIST "" "%"`. */
  prefixSource: 'namespace' | 'list';
  /** The `LIST "" "%"` answer: the top level of the hierarchy. */
  topLevel: ProbeFolder[];
  /** Folders with an RFC 6154 attribute, e.g. { use: '\\Sent', folder: 'INBOX.Sent' }. */
  specialUse: { use: string; folder: string }[];
  capabilities: Record<ProbeCapability, boolean>;
  /** Every capability after login, as the server wrote them. */
  allCapabilities: string[];
  /** The imap_servers entry to paste, e.g. `example.edu=imap.example.edu:993[INBOX.]`. */
  configLine: string;
}

function imapRefused(what: string, reply: TaggedReply, host: string): AlphaMailError {
  return new AlphaMailError('AM_IMAP_ERROR', `${host}: ${what} was refused: ${reply.text}`, {
    host,
    reply: reply.text,
  });
}

function listEntry(response: Buffer): ProbeFolder {
  const tokens = tokenize(response);
  const flags = tokens[2];
  const delimiter = tokens[3];
  const wireName = tokens[4];
  return {
    flags: Array.isArray(flags) ? flags.filter((f): f is string => typeof f === 'string') : [],
    delimiter: typeof delimiter === 'string' ? delimiter : null,
    wireName: typeof wireName === 'string' ? wireName : '',
    name: typeof wireName === 'string' ? decodeMailboxName(wireName) : '',
  };
}

function isUntagged(response: Buffer, word: string): boolean {
  return response.toString('latin1', 0, word.length + 3).toUpperCase() === `* ${word} `;
}

/**
 * Prefix and separator from a `LIST "" "%"` answer alone, for servers without NAMESPACE:
 * Courier-style servers keep every folder under INBOX, so only INBOX is at the top, with
 * children. null when no entry names a separator (a flat server).
 */
export function inferFolderRoot(
  topLevel: readonly ProbeFolder[],
): { prefix: string; separator: string } | null {
  const separator = topLevel.find((f) => f.delimiter !== null && f.delimiter !== '')?.delimiter;
  if (separator === undefined || separator === null) return null;
  const inbox = topLevel.find((f) => f.wireName.toUpperCase() === 'INBOX');
  const hasChildren = inbox?.flags.some((f) => f.toLowerCase() === '\\haschildren') === true;
  const isOnlyInbox = topLevel.length === 1 && inbox !== undefined;
  return { prefix: isOnlyInbox && hasChildren ? `INBOX${separator}` : '', separator };
}

/** The first personal namespace of a NAMESPACE reply (RFC 2342), or null when NIL. */
function personalNamespace(
  untagged: readonly Buffer[],
): { prefix: string; separator: string } | null {
  const response = untagged.find((r) => isUntagged(r, 'NAMESPACE'));
  if (response === undefined) return null;
  const personal: Token | undefined = tokenize(response)[2];
  const first = Array.isArray(personal) ? personal[0] : null;
  if (!Array.isArray(first) || typeof first[0] !== 'string' || typeof first[1] !== 'string') {
    return null;
  }
  return { prefix: first[0], separator: first[1] };
}

async function login(connection: ProbeConnection, user: string, password: string) {
  const argument = (value: string): CommandPart[] => {
    const text = quoted(value);
    return text === null ? [{ literal: value }] : [{ text }];
  };
  return connection.command([
    { text: 'LOGIN ' },
    ...argument(user),
    { text: ' ' },
    ...argument(password),
  ]);
}

async function capabilities(connection: ProbeConnection, reply: TaggedReply | null) {
  const fromReply = reply === null ? null : capabilitiesIn(Buffer.from(`x ${reply.text}`));
  if (fromReply !== null) return fromReply;
  const asked = await connection.command([{ text: 'CAPABILITY' }]);
  for (const response of asked.untagged) {
    const found = capabilitiesIn(response);
    if (found !== null) return found;
  }
  return [];
}

/** Signs in and works out what an imap_servers entry needs; rejects with a catalogued error. */
export async function probeImap(opts: ProbeOptions): Promise<ProbeResult> {
  if (opts.domain !== undefined) checkProbeDomain(opts.domain);
  let open: ProbeConnection | null = null;
  try {
    return await withDeadline(probeBudgetMs, `probing ${opts.host}:${opts.port}`, async () => {
      const implicitTls = opts.port === imapImplicitTlsPort;
      const { connection, greeting } = await ProbeConnection.open({
        host: opts.host,
        port: opts.port,
        implicitTls,
        verifyCertificate: opts.verifyCertificate,
      });
      open = connection;
      if (!/^\* OK\b/i.test(greeting.toString('latin1'))) {
        throw new AlphaMailError('AM_IMAP_ERROR', `${opts.host}: greeting is not "* OK"`, {
          host: opts.host,
        });
      }
      let transport: ProbeResult['transport'] = implicitTls ? 'implicit-tls' : 'plain';
      let caps = capabilitiesIn(greeting) ?? (await capabilities(connection, null));
      if (!implicitTls) {
        if (caps.includes('STARTTLS')) {
          const reply = await connection.startTls(opts.verifyCertificate);
          if (reply.status !== 'OK') throw imapRefused('STARTTLS', reply, opts.host);
          transport = 'starttls';
          // RFC 9051 §6.2.1: capabilities from before TLS must be forgotten.
          caps = await capabilities(connection, null);
        } else if (!opts.allowInsecure) {
          throw new AlphaMailError(
            'AM_IMAP_INSECURE',
            `${opts.host}:${opts.port} offers no STARTTLS, so the password would go in clear; ` +
              'use port 993, enable STARTTLS, or pass --insecure for a test server',
            { host: opts.host, port: opts.port },
          );
        }
      }
      if (caps.includes('LOGINDISABLED')) {
        throw new AlphaMailError(
          'AM_IMAP_INSECURE',
          `${opts.host}:${opts.port} refuses LOGIN here (LOGINDISABLED)`,
          { host: opts.host, port: opts.port },
        );
      }
      const loggedIn = await login(connection, opts.user, opts.password);
      if (loggedIn.status !== 'OK') {
        throw new AlphaMailError(
          'AM_AUTH_FAILED',
          `${opts.host}: the server refused the user name or password (${loggedIn.text})`,
          { host: opts.host, reply: loggedIn.text },
        );
      }
      caps = await capabilities(connection, loggedIn);

      const namespace = caps.includes('NAMESPACE')
        ? personalNamespace((await connection.command([{ text: 'NAMESPACE' }])).untagged)
        : null;
      const listed = await connection.command([{ text: 'LIST "" "%"' }]);
      if (listed.status !== 'OK') throw imapRefused('LIST', listed, opts.host);
      const top = listed.untagged.filter((r) => isUntagged(r, 'LIST')).map(listEntry);

      const everything = await connection.command([
        // RFC 6154 §5.1 asks for the attributes via LIST-EXTENDED; other servers send them anyway.
        {
          text: caps.includes('LIST-EXTENDED') ? 'LIST "" "*" RETURN (SPECIAL-USE)' : 'LIST "" "*"',
        },
      ]);
      const specialUse = everything.untagged
        .filter((r) => isUntagged(r, 'LIST'))
        .map(listEntry)
        .flatMap((f) =>
          f.flags
            .filter((flag) => specialUseFlags.some((s) => s.toLowerCase() === flag.toLowerCase()))
            .map((use) => ({ use, folder: f.name })),
        );

      const root = namespace ?? inferFolderRoot(top);
      if (root === null) {
        throw new AlphaMailError(
          'AM_IMAP_ERROR',
          `${opts.host}: the server names no folder separator (flat hierarchy)`,
          { host: opts.host },
        );
      }
      const { prefix, separator } = root;
      const domain = opts.domain ?? guessDomain(opts.host);
      const result: ProbeResult = {
        host: opts.host,
        port: opts.port,
        domain,
        transport,
        certificateVerified: connection.certificateVerified,
        separator,
        prefix,
        prefixSource: namespace === null ? 'list' : 'namespace',
        topLevel: top,
        specialUse,
        capabilities: Object.fromEntries(
          probeCapabilityNames.map((name) => [
            name,
            caps.some((c) => c === name || (name === 'THREAD' && c.startsWith('THREAD='))),
          ]),
        ) as Record<ProbeCapability, boolean>,
        allCapabilities: caps,
        configLine: imapServersEntry({
          domain,
          host: opts.host,
          port: opts.port,
          prefix,
          separator,
          isInsecure: transport === 'plain',
          isUnverified: connection.certificateVerified === false,
        }),
      };
      await connection.close();
      open = null;
      return result;
    });
  } finally {
    (open as ProbeConnection | null)?.destroy();
  }
}
