// Owns the closed catalogue of AlphaMail error codes: HTTP status, what the user sees,
// what an admin does. Must not carry server replies or credentials in `message`.

export interface ErrorSpec {
  /** HTTP status the web tier answers with. */
  readonly status: number;
  /** What the person in front of the browser is told. Never contains server replies. */
  readonly userMessage: string;
  /** What an administrator should do about it (docs/errors.md repeats this). */
  readonly adminAction: string;
}

export const errorCatalogue = {
  AM_AUTH_FAILED: {
    status: 401,
    userMessage: 'The user name or password is not correct.',
    adminAction: 'None, unless many users report it: then check the IMAP server’s auth logs.',
  },
  AM_AUTH_REQUIRED: {
    status: 401,
    userMessage: 'Please sign in.',
    adminAction: 'None.',
  },
  AM_SESSION_UNKNOWN: {
    status: 401,
    userMessage: 'Your session has ended. Please sign in again.',
    adminAction: 'None: the webcache does not know this session (restarted or expired).',
  },
  AM_DOMAIN_UNKNOWN: {
    status: 400,
    userMessage: 'That mail domain is not served here.',
    adminAction: 'Add the domain to imap_servers in alphamail_config if it should be.',
  },
  AM_IMAP_UNREACHABLE: {
    status: 503,
    userMessage: 'The mail server cannot be reached right now. Please try again in a minute.',
    adminAction: 'Check that the IMAP server of the domain is up and reachable from the webcache.',
  },
  AM_IMAP_INSECURE: {
    status: 503,
    userMessage: 'The mail server does not offer a secure connection, so you were not signed in.',
    adminAction:
      'Enable STARTTLS on the IMAP server, use port 993, or mark the domain `insecure` in alphamail_config.',
  },
  AM_IMAP_ERROR: {
    status: 502,
    userMessage: 'The mail server refused the request.',
    adminAction: 'Read the webcache log: it has the IMAP server’s reply (credentials removed).',
  },
  AM_FOLDER_NOT_FOUND: {
    status: 404,
    userMessage: 'That folder does not exist.',
    adminAction: 'None.',
  },
  AM_MESSAGE_NOT_FOUND: {
    status: 404,
    userMessage: 'That message does not exist any more. It may have been moved or deleted.',
    adminAction: 'None.',
  },
  AM_PART_NOT_FOUND: {
    status: 404,
    userMessage: 'That attachment does not exist in this message.',
    adminAction: 'None.',
  },
  AM_WEBCACHE_DOWN: {
    status: 503,
    userMessage: 'The mail service is restarting. Please try again in a few seconds.',
    adminAction: 'Check that `alphamail webcache` runs and that webcache_socket matches in both.',
  },
  AM_TIMEOUT: {
    status: 504,
    userMessage: 'The mail service took too long to answer. Please try again.',
    adminAction:
      'Check the IMAP server load and the webcache log for the operation that timed out.',
  },
  AM_BAD_REQUEST: {
    status: 400,
    userMessage: 'The request was not understood.',
    adminAction: 'None, unless it repeats: then report it as a bug with the log line.',
  },
  AM_BAD_ADDRESS: {
    status: 400,
    userMessage: 'An email address is not valid. Please check the addresses you typed.',
    adminAction: 'None: details.piece names what the user typed that is not an address.',
  },
  AM_UPLOAD_TOO_LARGE: {
    status: 413,
    userMessage: 'The attachment is larger than the size limit.',
    adminAction: 'None, unless users need larger files: then raise max_upload_bytes.',
  },
  AM_CSRF: {
    status: 403,
    userMessage: 'This form has expired. Please go back, reload the page and try again.',
    adminAction: 'None.',
  },
  AM_RATE_LIMITED: {
    status: 429,
    userMessage: 'Too many sign-in attempts. Please wait a few minutes and try again.',
    adminAction: 'None, unless it is an attack: then block the address at the proxy.',
  },
  AM_NOT_FOUND: {
    status: 404,
    userMessage: 'There is no such page.',
    adminAction: 'None.',
  },
  AM_NO_SELECTION: {
    status: 400,
    userMessage: 'No message was selected. Tick the box of at least one message, then try again.',
    adminAction: 'None.',
  },
  AM_TOO_MANY_SELECTED: {
    status: 400,
    userMessage: 'More than 500 messages were selected. Select fewer, then try again.',
    adminAction: 'None.',
  },
  AM_CONFIRM_REQUIRED: {
    status: 409,
    userMessage: 'This would delete messages for good, so it needs your confirmation first.',
    adminAction: 'None.',
  },
  AM_NOTHING_TO_UNDO: {
    status: 409,
    userMessage: 'There is nothing to undo: the messages were changed or moved again since.',
    adminAction: 'None.',
  },
  AM_NO_SPECIAL_FOLDER: {
    status: 409,
    userMessage: 'Your mailbox has no folder for this (for example no Junk or Trash folder).',
    adminAction: 'Give the folder a SPECIAL-USE attribute on the IMAP server, or create it.',
  },
  AM_FOLDER_NAME_INVALID: {
    status: 400,
    userMessage:
      'That folder name cannot be used: it is empty, or it contains the folder separator, ' +
      '“%”, “*” or a control character.',
    adminAction: 'None: details.problem says which rule the name broke.',
  },
  AM_FOLDER_EXISTS: {
    status: 409,
    userMessage: 'A folder with that name already exists there.',
    adminAction: 'None.',
  },
  AM_FOLDER_PROTECTED: {
    status: 409,
    userMessage: 'This folder is needed by your mail system and cannot be renamed or deleted.',
    adminAction: 'None.',
  },
  AM_CONFIG_SYNTAX: {
    status: 500,
    userMessage: 'AlphaMail is not configured correctly.',
    adminAction: 'Fix alphamail_config at the file and line the error names.',
  },
  AM_CONFIG_MISSING: {
    status: 500,
    userMessage: 'AlphaMail is not configured.',
    adminAction: 'Write alphamail_config (run `alphamail configure`) or pass --config PATH.',
  },
  AM_INTERNAL: {
    status: 500,
    userMessage: 'Something went wrong on our side. Please try again.',
    adminAction: 'Read the log line with this request id and report it as a bug.',
  },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof errorCatalogue;

export const errorCodes = Object.keys(errorCatalogue) as ErrorCode[];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(errorCatalogue, value);
}

/** The one error class. `message` is for logs; the page shows the catalogue's userMessage. */
export class AlphaMailError extends Error {
  override readonly name = 'AlphaMailError';
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: ErrorCode,
    message?: string,
    details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message ?? errorCatalogue[code].userMessage, options);
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return errorCatalogue[this.code].status;
  }

  get userMessage(): string {
    return errorCatalogue[this.code].userMessage;
  }
}

export function isAlphaMailError(err: unknown, code?: ErrorCode): err is AlphaMailError {
  return err instanceof AlphaMailError && (code === undefined || err.code === code);
}

/** Node/OS error codes that mean "the server could not be reached or went away". */
const unreachableNetworkCodes: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNRESET',
  'EPIPE',
]);

/** True for an errno-style code of a network failure (maps to AM_*_UNREACHABLE). */
export function isUnreachableNetworkCode(code: unknown): boolean {
  return typeof code === 'string' && unreachableNetworkCodes.has(code);
}
