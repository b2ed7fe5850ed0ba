// Owns the alert mail to the admins: plain text, through alert_smtp (an unauthenticated relay)
// or else the first domain's submission server signed in as the probe account.
// Must not put a password or a session key into the mail or the log.
import { hostname } from 'node:os';
import nodemailer from 'nodemailer';
import type { AlphaMailConfig } from '../../config/index.js';

/** An MTA that does not take the mail within this is reported in the log, not retried. */
const smtpBudgetMs = 20_000;

export interface AlertMail {
  subject: string;
  text: string;
}

export interface AlertRoute {
  host: string;
  port: number;
  secure: boolean;
  requireTLS: boolean;
  verifyCertificate: boolean;
  auth: { user: string; pass: string } | null;
  from: string;
}

/** Where alerts go, or null when no admin is configured or no server is known. */
export function alertRouteOf(
  config: AlphaMailConfig,
  account: { user: string; domain: string; password: string } | null,
): AlertRoute | null {
  const ops = config.ops;
  if (ops.adminEmails.length === 0) return null;
  const user = account?.user ?? 'alphamail';
  const from = user.includes('@') ? user : `${user}@${account?.domain ?? ops.hangDetector.domain}`;
  if (ops.alertSmtp !== null) {
    const { host, port } = ops.alertSmtp;
    return {
      host,
      port,
      secure: port === 465,
      requireTLS: false,
      verifyCertificate: true,
      auth: null,
      from,
    };
  }
  const smtp = config.domains.find((d) => d.smtp !== null)?.smtp;
  if (!smtp || account === null) return null;
  return {
    host: smtp.host,
    port: smtp.port,
    secure: smtp.tls === 'implicit',
    requireTLS: smtp.tls === 'starttls' && !smtp.allowInsecure,
    verifyCertificate: smtp.verifyCertificate,
    // The submission server wants a sign-in; the probe account's is the one we hold.
    auth: { user: account.user, pass: account.password },
    from,
  };
}

export async function sendAlert(
  route: AlertRoute,
  to: readonly string[],
  mail: AlertMail,
): Promise<void> {
  const transport = nodemailer.createTransport({
    host: route.host,
    port: route.port,
    secure: route.secure,
    requireTLS: route.requireTLS,
    tls: { rejectUnauthorized: route.verifyCertificate },
    ...(route.auth ? { auth: route.auth } : {}),
    connectionTimeout: smtpBudgetMs,
    greetingTimeout: smtpBudgetMs,
    socketTimeout: smtpBudgetMs,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  try {
    await transport.sendMail({
      from: route.from,
      to: [...to],
      subject: mail.subject,
      text: mail.text,
      headers: { 'Auto-Submitted': 'auto-generated', 'X-AlphaMail-Host': hostname() },
    });
  } finally {
    transport.close();
  }
}
