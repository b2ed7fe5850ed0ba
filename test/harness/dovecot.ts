// Owns the tests' one-call Dovecot: temp dir, users, seeded mail, manifest, cleanup on stop.
// Must not hide failures: a Dovecot that does not start fails the test with its log.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ensureDovecotInstalled,
  generateMailbox,
  isLocalMtaAvailable,
  mtaSystemUser,
  seedMailbox,
  startDovecot,
  toNamespaceFolder,
  type DemoNamespace,
  type DovecotInstance,
  type DovecotUser,
  type GeneratedMessage,
} from '../../src/ops/index.js';

/** What the first test user is called and signs in with unless the test says otherwise. */
export const testUser: DovecotUser = { name: 'demo', password: 'demo-password' };
/** Messages seeded by default: enough for paging and threads, fast to index. */
export const defaultTestMessageCount = 300;

export interface TestDovecot {
  dovecot: DovecotInstance;
  users: DovecotUser[];
  /** What the first user's mailbox holds (empty when `messages: []` was passed). */
  messages: GeneratedMessage[];
  /** imapflow connection options for a user (plain loopback port, no TLS). */
  imapOptions(user?: DovecotUser, port?: number): ImapFlowLoginOptions;
  stop(): Promise<void>;
}

export interface ImapFlowLoginOptions {
  host: string;
  port: number;
  secure: false;
  auth: { user: string; pass: string };
  logger: false;
  /** With a TLS port the plain port offers STARTTLS too; this trusts the self-signed cert. */
  tls?: { ca: string[] };
}

/** LMTP and the MTA's auth socket are set up when Postfix and Dovecot's LMTP are installed. */
function mtaUserIfInstalled(): string | null {
  return isLocalMtaAvailable() ? mtaSystemUser : null;
}

export async function startTestDovecot(
  opts: {
    namespace?: DemoNamespace;
    users?: DovecotUser[];
    /** Mail of the first user; default: generateMailbox seed 1, 300 messages. */
    messages?: GeneratedMessage[];
    /** Mail of other users by name. */
    otherMessages?: Record<string, GeneratedMessage[]>;
    tlsPort?: number | false;
  } = {},
): Promise<TestDovecot> {
  ensureDovecotInstalled();
  const namespace = opts.namespace ?? 'slash';
  const users = opts.users ?? [testUser];
  const first = users[0];
  if (first === undefined) throw new Error('startTestDovecot needs at least one user');
  const messages =
    opts.messages ??
    generateMailbox({ seed: 1, count: defaultTestMessageCount, user: `${first.name}@demo.test` });
  const dir = mkdtempSync(join(tmpdir(), 'alphamail-dovecot-'));
  let dovecot: DovecotInstance;
  try {
    dovecot = await startDovecot({
      dir,
      users,
      namespace,
      tlsPort: opts.tlsPort ?? false,
      mtaUser: mtaUserIfInstalled(),
    });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  try {
    await seedMailbox(dovecot, first.name, messages, namespace);
    for (const [user, mail] of Object.entries(opts.otherMessages ?? {})) {
      await seedMailbox(dovecot, user, mail, namespace);
    }
  } catch (err) {
    await dovecot.stop();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    dovecot,
    users,
    messages,
    imapOptions: (user = first, port = dovecot.port) => ({
      host: '127.0.0.1',
      port,
      secure: false,
      auth: { user: user.name, pass: user.password },
      logger: false,
      ...(dovecot.tlsCertificate === null ? {} : { tls: { ca: [dovecot.tlsCertificate] } }),
    }),
    stop: async () => {
      await dovecot.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Expected STATUS per folder (namespace notation) computed from a manifest. */
export function expectedFolderStatus(
  messages: readonly GeneratedMessage[],
  namespace: DemoNamespace,
): Map<string, { messages: number; unseen: number }> {
  const out = new Map<string, { messages: number; unseen: number }>();
  for (const message of messages) {
    const folder = toNamespaceFolder(message.folder, namespace);
    const entry = out.get(folder) ?? { messages: 0, unseen: 0 };
    entry.messages += 1;
    if (!message.flags.includes('\\Seen')) entry.unseen += 1;
    out.set(folder, entry);
  }
  return out;
}
