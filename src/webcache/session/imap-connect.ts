// Owns opening one authenticated imapflow connection for a domain (TLS policy, timeouts, a
// logger that never sees credentials) and mapping its failures to our error codes.
// Must not keep state: session.ts owns the connection once it is open.
import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import {
  AlphaMailError,
  isUnreachableNetworkCode,
  scrubProtocolLine,
  type Logger,
} from '../../base/index.js';
import type { DomainConfig } from '../../config/index.js';
import { imapCommandKind } from '../metrics.js';

/** TCP + TLS handshake budget; a server that cannot be reached fails well inside a request. */
export const connectTimeoutMs = 10_000;
/** Greeting budget after connecting. */
export const greetingTimeoutMs = 10_000;
/** A connection quiet this long is dead (IDLE sees "OK Still here" every 2 minutes). */
export const socketTimeoutMs = 5 * 60_000;
/** Idle pause after our last command before IDLE starts, so new mail is pushed to us soon. */
export const autoIdleDelayMs = 300;

/** imapflow's own codes for a connection that never got going, beside the OS ones. */
const imapflowTimeoutCodes: ReadonlySet<unknown> = new Set([
  'CONNECT_TIMEOUT',
  'GREETING_TIMEOUT',
  'UPGRADE_TIMEOUT',
]);

interface ImapFailure {
  code?: unknown;
  authenticationFailed?: unknown;
  tlsFailed?: unknown;
  responseText?: unknown;
  serverResponseCode?: unknown;
}

/** Maps an imapflow/socket error to a catalogued error; the server's words go to the log only. */
export function imapError(err: unknown, logger: Logger, what: string): AlphaMailError {
  if (err instanceof AlphaMailError) return err;
  const failure = (typeof err === 'object' && err !== null ? err : {}) as ImapFailure;
  const code = typeof failure.code === 'string' ? failure.code : '';
  if (failure.authenticationFailed === true) {
    return new AlphaMailError('AM_AUTH_FAILED', 'IMAP login refused');
  }
  if (failure.tlsFailed === true) {
    return new AlphaMailError('AM_IMAP_INSECURE', 'server offers no STARTTLS');
  }
  if (isUnreachableNetworkCode(code) || imapflowTimeoutCodes.has(code)) {
    logger.warn({ code, what }, 'IMAP server unreachable');
    return new AlphaMailError('AM_IMAP_UNREACHABLE', `IMAP server unreachable (${code})`);
  }
  const reply =
    typeof failure.responseText === 'string' ? scrubProtocolLine(failure.responseText) : '';
  const message = err instanceof Error ? scrubProtocolLine(err.message) : 'unknown';
  logger.warn({ code, what, reply, message }, 'IMAP operation failed');
  return new AlphaMailError('AM_IMAP_ERROR', `IMAP ${what} failed`, {}, { cause: err });
}

/** imapflow's log calls carry objects with `msg`; credentials are scrubbed, raw data dropped. */
function imapLogger(
  logger: Logger,
  onCommand?: (kind: string) => void,
): NonNullable<Exclude<ImapFlowOptions['logger'], false>> {
  const clean = (entry: unknown): Record<string, unknown> => {
    const source = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<
      string,
      unknown
    >;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(source)) {
      // Raw socket data and parsed commands may hold a password: never pass them on.
      if (key === 'data' || key === 'compiled' || key === 'payload' || key === 'auth') continue;
      out[key] = typeof value === 'string' ? scrubProtocolLine(value) : value;
    }
    return out;
  };
  const at =
    (level: 'trace' | 'debug' | 'warn' | 'error') =>
    (entry: unknown): void => {
      const { msg, ...rest } = clean(entry);
      logger[level]({ imap: rest }, typeof msg === 'string' ? msg : 'imap');
    };
  // imapflow's "info" is per-connection chatter; it is debug for a daemon with many users.
  // imapflow logs each command it sends at debug with src "c" (its logger has no level check).
  const debug = at('trace');
  const debugCounting = (entry: unknown): void => {
    const e = entry as { src?: unknown; msg?: unknown } | null;
    if (onCommand && e?.src === 'c' && typeof e.msg === 'string' && !e.msg.startsWith('(*')) {
      const kind = imapCommandKind(e.msg);
      if (kind !== null) onCommand(kind);
    }
    debug(entry);
  };
  return {
    trace: at('trace'),
    debug: debugCounting,
    info: at('debug'),
    warn: at('warn'),
    error: at('error'),
  };
}

export interface ConnectInput {
  domain: DomainConfig;
  user: string;
  password: string;
  logger: Logger;
  /** Told each command's kind ("SELECT", "UID FETCH") as it is sent (for metrics). */
  onCommand?: (kind: string) => void;
  /** A connection for one job then LOGOUT (the cold-sort helper): it never IDLEs. */
  isShortLived?: boolean;
}

export function imapOptions(input: ConnectInput): ImapFlowOptions {
  const { domain } = input;
  const implicit = domain.imap.tls === 'implicit';
  return {
    host: domain.imap.host,
    port: domain.imap.port,
    secure: implicit,
    // STARTTLS is required unless the domain is marked insecure; then it is still used when
    // the server offers it (imapflow's default for an unset doSTARTTLS).
    ...(implicit ? {} : domain.imap.allowInsecure ? {} : { doSTARTTLS: true }),
    tls: { rejectUnauthorized: domain.imap.verifyCertificate },
    auth: { user: input.user, pass: input.password },
    logger: imapLogger(input.logger, input.onCommand),
    logRaw: false,
    emitLogs: false,
    qresync: true,
    disableCompression: true,
    autoIdleDelay: autoIdleDelayMs,
    ...(input.isShortLived === true ? { disableAutoIdle: true } : {}),
    connectionTimeout: connectTimeoutMs,
    greetingTimeout: greetingTimeoutMs,
    socketTimeout: socketTimeoutMs,
    maxLockHoldTime: false,
    clientInfo: { name: 'AlphaMail webcache' },
  };
}

/** Connects and logs in; rejects with a catalogued error. */
export async function connectImap(input: ConnectInput): Promise<ImapFlow> {
  const client = new ImapFlow(imapOptions(input));
  // An 'error' event without a listener would crash the daemon; close handling is the session's.
  client.on('error', (err: Error) => {
    input.logger.debug({ code: (err as ImapFailure).code }, 'IMAP connection error');
  });
  try {
    await client.connect();
  } catch (err) {
    client.close();
    throw imapError(err, input.logger, 'login');
  }
  return client;
}
