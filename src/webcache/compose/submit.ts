// Owns SMTP submission: one nodemailer SMTP connection per message to the domain's submission
// server (implicit TLS or STARTTLS, plain only when the domain says `insecure`), authenticated
// with the user's own credentials. Must not throw for a refused send: it returns a short reason.
import nodemailer from 'nodemailer';
import type { DomainConfig } from '../../config/index.js';

/** Connecting and the greeting; a dead server fails fast so the draft is kept quickly. */
const connectTimeoutMs = 10_000;
/** Silence on an open connection (a huge message to a slow server still progresses). */
const socketTimeoutMs = 20_000;

/** A recipient the server refused while accepting the message for the others. */
export interface RefusedRecipient {
  address: string;
  /** The server's words, short (see serverWords). */
  reason: string;
}

export type SubmitResult =
  { ok: true; refused: RefusedRecipient[] } | { ok: false; reason: string };

/** What nodemailer's SMTP transport reports for a message it handed over. */
interface SentInfo {
  rejected?: unknown[];
  rejectedErrors?: { recipient?: string; response?: string }[];
}

interface SmtpError {
  code?: string;
  responseCode?: number;
  response?: string;
  rejected?: string[];
  rejectedErrors?: { recipient?: string; response?: string }[];
  message?: string;
}

/** The server's own words, short: "550 5.1.1 <x@y>: Recipient address rejected: ...". */
function serverWords(response: string | undefined): string {
  return (response ?? '').replace(/\s+/g, ' ').trim().slice(0, 200);
}

/**
 * The recipients refused at RCPT TO when the server still took the message for others: the
 * send succeeded, but these people will not get it, and the sender must be told who.
 */
export function refusedOf(info: unknown): RefusedRecipient[] {
  const sent = (info ?? {}) as SentInfo;
  const errors = sent.rejectedErrors ?? [];
  return (sent.rejected ?? []).map((address) => {
    const text = String(address);
    const error = errors.find((e) => e.recipient === text);
    return { address: text, reason: serverWords(error?.response) };
  });
}

export function reasonOf(err: unknown, server: string): string {
  const e = (err ?? {}) as SmtpError;
  switch (e.code) {
    case 'EAUTH':
      return `The mail server ${server} refused your sign-in for sending: ${serverWords(e.response)}`;
    case 'EENVELOPE': {
      const first = e.rejectedErrors?.[0];
      const who = e.rejected?.join(', ') ?? first?.recipient ?? 'a recipient';
      return `The mail server refused ${who}: ${serverWords(first?.response ?? e.response)}`;
    }
    case 'ETIMEDOUT':
      return `The mail server ${server} did not answer in time.`;
    case 'ECONNECTION':
    case 'ESOCKET':
    case 'EDNS':
      return `The mail server ${server} could not be reached (${serverWords(e.message)}).`;
    case 'ETLS':
      return `A secure connection to the mail server ${server} could not be made.`;
    default:
      return `The mail server ${server} did not accept the message: ${serverWords(e.response ?? e.message)}`;
  }
}

export async function submitMessage(input: {
  domain: DomainConfig;
  credentials: { user: string; pass: string };
  envelope: { from: string; to: string[] };
  raw: Buffer;
}): Promise<SubmitResult> {
  const smtp = input.domain.smtp;
  if (smtp === null) {
    const domain = input.domain.domain;
    return {
      ok: false,
      reason: `Sending mail is not set up for ${domain}: no outgoing (SMTP) server is configured for it (smtp_servers).`,
    };
  }
  const server = `${smtp.host}:${smtp.port}`;
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.tls === 'implicit',
    // STARTTLS is required unless the domain allows a password in clear.
    requireTLS: smtp.tls === 'starttls' && !smtp.allowInsecure,
    tls: { rejectUnauthorized: smtp.verifyCertificate },
    auth: input.credentials,
    connectionTimeout: connectTimeoutMs,
    greetingTimeout: connectTimeoutMs,
    socketTimeout: socketTimeoutMs,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  try {
    const info: unknown = await transport.sendMail({ envelope: input.envelope, raw: input.raw });
    return { ok: true, refused: refusedOf(info) };
  } catch (err) {
    return { ok: false, reason: reasonOf(err, server) };
  } finally {
    transport.close();
  }
}
