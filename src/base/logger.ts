// Owns the logger factory: structured JSON lines (pino) with secrets redacted.
// Must not be a singleton: every process builds one and passes it in; tests inject a sink.
import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

/** Keys whose values never reach a log line, wherever they sit in the object. */
const redactedPaths = [
  'password',
  'pass',
  'secret',
  'token',
  'cookie',
  'authorization',
  'credentials',
  'key',
  '*.password',
  '*.pass',
  '*.secret',
  '*.token',
  '*.cookie',
  '*.authorization',
  '*.credentials',
  '*.key',
  'req.headers.cookie',
  'req.headers.authorization',
  'auth.pass',
];

export interface LoggerOptions {
  name: string;
  level?: string;
  /** Where lines go; defaults to stderr. Tests pass their own stream. */
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  const level = options.level ?? process.env.ALPHAMAIL_LOG_LEVEL ?? 'info';
  return pino(
    {
      name: options.name,
      level,
      redact: { paths: redactedPaths, censor: '[redacted]' },
      base: { pid: process.pid, proc: options.name },
    },
    options.destination ?? pino.destination(2),
  );
}

/** A logger that drops everything; for pure unit tests only. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/** Removes credentials from an IMAP/SMTP protocol line before it is logged. */
export function scrubProtocolLine(line: string): string {
  return line
    .replace(/(\bLOGIN\s+\S+\s+)("(?:[^"\\]|\\.)*"|\{\d+\+?\}|\S+)/gi, '$1[redacted]')
    .replace(/(\bAUTHENTICATE\s+\S+\s+)\S+/gi, '$1[redacted]')
    .replace(/(\bAUTH\s+(?:PLAIN|LOGIN)\s+)\S+/gi, '$1[redacted]');
}
