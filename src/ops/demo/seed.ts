// Owns putting generated mail into a running test Dovecot and the ready-made demo mail server
// (Dovecot, plus a private Postfix when asked). Must leave all files inside the given directories.
import { randomBytes } from 'node:crypto';
import { chownSync, lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { namespaceSpec, type DemoNamespace } from './dovecot-config.js';
import { startDovecot, type DovecotInstance } from './dovecot.js';
import { subscribeFolders, writeMessage } from './maildir.js';
import { generateMailbox, toNamespaceFolder, type GeneratedMessage } from './mail-generator.js';
import { mtaSystemUser, startPostfix, type PostfixInstance } from './postfix.js';

/** Messages in the demo account unless the caller asks otherwise. */
export const demoMessageCount = 300;
/** Messages in the second demo account ('friend'). */
export const friendMessageCount = 12;
export const demoDomain = 'demo.test';

function chownTree(path: string, uid: number, gid: number): void {
  chownSync(path, uid, gid);
  if (!lstatSync(path).isDirectory()) return;
  for (const name of readdirSync(path)) chownTree(join(path, name), uid, gid);
}

/**
 * Writes the messages straight into the user's Maildir, subscribes their folders, hands the
 * files to the mail owner and lets doveadm build the indexes so the first SELECT is fast.
 */
export async function seedMailbox(
  dovecot: DovecotInstance,
  user: string,
  messages: readonly GeneratedMessage[],
  namespace: DemoNamespace = dovecot.namespace,
): Promise<void> {
  const root = dovecot.maildir(user);
  const folders = new Set<string>(['INBOX']);
  for (const message of messages) {
    const folder = toNamespaceFolder(message.folder, namespace);
    folders.add(folder);
    writeMessage(
      root,
      folder,
      message.raw,
      { flags: message.flags, internalDate: message.internalDate },
      namespace,
    );
  }
  subscribeFolders(root, [...folders], namespace);
  const owner = lstatSync(root);
  chownTree(root, owner.uid, owner.gid);
  await dovecot.doveadm(['force-resync', '-u', user, '*']);
}

export interface DemoMailServer {
  dovecot: DovecotInstance;
  domain: typeof demoDomain;
  user: 'demo';
  password: string;
  /** The second account, with a handful of messages. */
  friend: { user: 'friend'; password: string };
  /** What the demo account holds, for tests and the demo's own checks. */
  messages: GeneratedMessage[];
  /** The imap_servers entry for alphamail_config, e.g. 'demo.test=127.0.0.1:PORT[/] insecure'. */
  imapServersLine: string;
  /** The private Postfix when `mtaDir` was given, so demo users can send each other mail. */
  postfix: PostfixInstance | null;
  /** The smtp_servers entry for alphamail_config, or null when there is no Postfix. */
  smtpServersLine: string | null;
  stop(): Promise<void>;
}

export async function startDemoMailServer(opts: {
  dir: string;
  seed?: number;
  count?: number;
  /** Empty directory for a private Postfix (needs root, see isLocalMtaAvailable); absent: none. */
  mtaDir?: string;
}): Promise<DemoMailServer> {
  const namespace: DemoNamespace = 'slash';
  const password = randomBytes(9).toString('base64url');
  const friendPassword = randomBytes(9).toString('base64url');
  const dovecot = await startDovecot({
    dir: opts.dir,
    namespace,
    users: [
      { name: 'demo', password },
      { name: 'friend', password: friendPassword },
    ],
    mtaUser: opts.mtaDir === undefined ? null : mtaSystemUser,
  });
  let postfix: PostfixInstance | null = null;
  try {
    const seed = opts.seed ?? 1;
    const messages = generateMailbox({
      seed,
      count: opts.count ?? demoMessageCount,
      user: `demo@${demoDomain}`,
    });
    await seedMailbox(dovecot, 'demo', messages);
    const friendMessages = generateMailbox({
      seed: seed + 1,
      count: friendMessageCount,
      user: `friend@${demoDomain}`,
      folders: ['INBOX', 'Sent'],
    });
    await seedMailbox(dovecot, 'friend', friendMessages);
    if (opts.mtaDir !== undefined) {
      postfix = await startPostfix({
        dir: opts.mtaDir,
        dovecotRunDir: join(dovecot.dir, 'run'),
        domain: demoDomain,
        users: ['demo', 'friend'],
      });
    }
    const mta = postfix;
    return {
      dovecot,
      domain: demoDomain,
      user: 'demo',
      password,
      friend: { user: 'friend', password: friendPassword },
      messages,
      imapServersLine: `${demoDomain}=127.0.0.1:${dovecot.port}${namespaceSpec(namespace)} insecure`,
      postfix: mta,
      smtpServersLine: mta === null ? null : mta.smtpServersLine,
      stop: async () => {
        await mta?.stop();
        await dovecot.stop();
      },
    };
  } catch (err) {
    await postfix?.stop();
    await dovecot.stop();
    throw err;
  }
}
