// Owns seeding exact raw bytes (hostile or malformed third-party mail) into the test Dovecot's
// Maildir, UIDs in the order given. Must not touch the bytes: no line-end or header fixing.
import { chownSync, lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { subscribeFolders, toNamespaceFolder, writeMessage } from '../../src/ops/index.js';
import type { TestDovecot } from './dovecot.js';

/** Internal date of the first seeded message; each next one is a second later (UID order). */
const firstInternalDateMs = Date.UTC(2024, 0, 1);

function chownTree(path: string, uid: number, gid: number): void {
  chownSync(path, uid, gid);
  if (!lstatSync(path).isDirectory()) return;
  for (const name of readdirSync(path)) chownTree(join(path, name), uid, gid);
}

/**
 * Writes each message unchanged into the user's folder and lets Dovecot index them. In an empty
 * folder the message at index i gets UID i + 1, because Dovecot numbers by internal date.
 */
export async function seedRawMessages(
  test: TestDovecot,
  user: string,
  raws: readonly Buffer[],
  logicalFolder = 'INBOX',
): Promise<void> {
  const { dovecot } = test;
  const root = dovecot.maildir(user);
  const folder = toNamespaceFolder(logicalFolder, dovecot.namespace);
  raws.forEach((raw, i) => {
    const internalDate = new Date(firstInternalDateMs + i * 1000);
    writeMessage(root, folder, raw, { flags: [], internalDate }, dovecot.namespace);
  });
  subscribeFolders(root, [folder], dovecot.namespace);
  const owner = lstatSync(root);
  chownTree(root, owner.uid, owner.gid);
  await dovecot.doveadm(['force-resync', '-u', user, '*']);
}

/** A minimal RFC 5322 message; `body` is the MIME body below the given Content-Type. */
export function rawMail(opts: {
  from: string;
  to: string;
  subject: string;
  contentType: string;
  body: string;
  extraHeaders?: string[];
}): Buffer {
  return Buffer.from(
    [
      `From: ${opts.from}`,
      `To: ${opts.to}`,
      `Subject: ${opts.subject}`,
      'Date: Mon, 01 Jan 2024 10:00:00 +0000',
      `Message-ID: <${Math.random().toString(36).slice(2)}@hostile.test>`,
      'MIME-Version: 1.0',
      ...(opts.extraHeaders ?? []),
      `Content-Type: ${opts.contentType}`,
      '',
      opts.body,
    ].join('\r\n'),
    'utf8',
  );
}

/** Base64 in 76-column lines (RFC 2045 §6.8), so any bytes pass any hop unchanged. */
export function base64Lines(data: string | Buffer): string {
  const b64 = Buffer.from(data).toString('base64');
  return (b64.match(/.{1,76}/g) ?? []).join('\r\n');
}
