// Owns the shape of a loaded, validated, frozen alphamail_config.
// Must not read files or the environment: see load.ts for that.

export type ImapTls = 'implicit' | 'starttls';

export interface DomainConfig {
  /** The mail domain a user picks at sign-in, e.g. "example.edu". */
  readonly domain: string;
  readonly imap: {
    readonly host: string;
    readonly port: number;
    /** 993 → implicit TLS; anything else → STARTTLS. */
    readonly tls: ImapTls;
    /** `insecure`: a password may go in clear when the server offers no STARTTLS. */
    readonly allowInsecure: boolean;
    /** `noverify`: accept a certificate that does not verify (self-signed test servers). */
    readonly verifyCertificate: boolean;
  };
  /** Folder prefix, e.g. "INBOX." or "" (removed when names are shown). */
  readonly prefix: string;
  /** Hierarchy separator, e.g. "." or "/". Always given. */
  readonly separator: string;
  /** SMTP submission server, or null when the domain has none configured. */
  readonly smtp: {
    readonly host: string;
    readonly port: number;
    /** 465 → implicit TLS; anything else → STARTTLS. */
    readonly tls: ImapTls;
    readonly allowInsecure: boolean;
    readonly verifyCertificate: boolean;
  } | null;
}

export type WebcacheEndpointConfig =
  | { readonly kind: 'unix'; readonly socketPath: string }
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number; readonly secret: string };

export interface AlphaMailConfig {
  /** Absolute path of the file this came from (for messages). */
  readonly file: string;
  /** Where `alphamail web` listens. */
  readonly webListen: { readonly host: string; readonly port: number };
  /** The URL users open, e.g. "https://mail.example.edu". Decides Secure cookies and HSTS. */
  readonly publicUrl: string;
  /** Absolute data directory: SQLite, persisted indexes, spool. */
  readonly dataDir: string;
  /** How web reaches webcache. */
  readonly webcache: WebcacheEndpointConfig;
  /** Mail domains in the order the file lists them; the first is the default. */
  readonly domains: readonly DomainConfig[];
  /** A web session with no request for this long is signed out. */
  readonly sessionIdleTimeoutMinutes: number;
  /** Index page size a new user gets. */
  readonly defaultPageSize: number;
  /** Largest upload (attachment, shared file part) accepted, in bytes. */
  readonly maxUploadBytes: number;
  /** A webcache IMAP session with no request for this long is logged out (index kept). */
  readonly imapIdleTimeoutMinutes: number;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
  /** The remote image proxy may fetch from loopback and private addresses (tests only). */
  readonly remoteFetchAllowPrivate: boolean;
  /** Alerts, sweeper, hang detector, metrics, proxies, sandbox, sharing (ops-keys.ts). */
  readonly ops: OpsConfig;
}

export interface HostPortConfig {
  readonly host: string;
  readonly port: number;
}

export interface OpsConfig {
  readonly adminEmails: readonly string[];
  /** null: the first domain's SMTP server (or no alert mail when no domain has one). */
  readonly alertSmtp: HostPortConfig | null;
  readonly spoolMaxAgeMinutes: number;
  readonly metricsListen: HostPortConfig | null;
  readonly webcacheMetricsListen: HostPortConfig | null;
  /** Addresses and CIDR blocks whose X-Forwarded-For is believed. */
  readonly trustedProxies: readonly string[];
  readonly sandboxUser: string;
  /** 0: file sharing is off. */
  readonly shareMaxBytes: number;
  readonly shareMaxDays: number;
  readonly hangDetector: {
    readonly intervalSeconds: number;
    readonly failures: number;
    readonly deadlineSeconds: number;
    readonly restartCommand: string;
    readonly minRestartIntervalMinutes: number;
    /** null: not configured; the hang detector refuses to start. */
    readonly user: string | null;
    readonly domain: string;
    /** Absolute path of the password file, or null with `user`. */
    readonly passwordFile: string | null;
  };
}
