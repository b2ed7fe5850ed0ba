// Owns the benchmark's mail: cached pools of generated maildir files, hard-linked into a fresh
// loopback Dovecot's users, then indexed by doveadm. Must not touch anything outside workDir.
import { chownSync, closeSync, existsSync, linkSync, lstatSync, mkdirSync } from 'node:fs';
import { mkdtempSync, openSync, readdirSync, readSync, rmSync, statSync } from 'node:fs';
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import {
  ensureDovecotInstalled,
  generateMailbox,
  largeAttachmentMessage,
  startDovecot,
  writeMessage,
  type DovecotInstance,
} from '../src/ops/index.js';

/** Bump when the pool layout or generator input changes, so stale caches are not reused. */
const poolVersion = 'v1';
/** Messages generated at once: bounds the generator's memory for 100,000-message pools. */
const generateChunkMessages = 10_000;
/** doveadm runs at once while indexing (the machine has 2 cores). */
const indexConcurrency = 2;

export interface BenchUserSpec {
  name: string;
  /** Messages in INBOX, taken from the pool of this size. */
  size: number;
}

export interface SeedOptions {
  workDir: string;
  users: readonly BenchUserSpec[];
  /** One extra message with a big attachment, newest in this user's INBOX. */
  largeMessage: { user: string; bytes: number } | null;
  log: (line: string) => void;
}

export interface SeededMail {
  dovecot: DovecotInstance;
  passwords: ReadonlyMap<string, string>;
  /** Messages in each user's INBOX after seeding. */
  inboxSizes: ReadonlyMap<string, number>;
  stop(): Promise<void>;
}

function poolDir(workDir: string, size: number): string {
  return join(workDir, 'pools', `${poolVersion}-${size}`);
}

/** Writes (once, then reuses) a maildir of `size` distinct generated INBOX messages. */
function ensurePool(workDir: string, size: number, log: (line: string) => void): string {
  const dir = poolDir(workDir, size);
  const marker = join(dir, 'complete');
  if (existsSync(marker)) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'cur'), { recursive: true });
  const started = Date.now();
  for (let done = 0, chunk = 0; done < size; chunk++) {
    const count = Math.min(generateChunkMessages, size - done);
    const messages = generateMailbox({
      seed: size * 1000 + chunk,
      count,
      user: 'bench@bench.test',
      folders: ['INBOX'],
    });
    for (const m of messages) {
      writeMessage(dir, 'INBOX', m.raw, { flags: m.flags, internalDate: m.internalDate }, 'slash');
    }
    done += count;
  }
  writeFileSync(marker, `${size}\n`);
  log(`pool of ${size} messages written in ${Date.now() - started} ms (cached in ${dir})`);
  return dir;
}

/** Hard-links every pool file into the user's INBOX and hands them to the mail owner. */
function linkPool(pool: string, maildir: string): number {
  const owner = lstatSync(maildir);
  for (const sub of ['cur', 'new', 'tmp']) {
    mkdirSync(join(maildir, sub), { recursive: true });
    chownSync(join(maildir, sub), owner.uid, owner.gid);
  }
  const names = readdirSync(join(pool, 'cur'));
  const first = names[0];
  // A chown of the pool inode is one for every link: do it only when the owner differs.
  const needsChown = first !== undefined && statSync(join(pool, 'cur', first)).uid !== owner.uid;
  for (const name of names) {
    const target = join(maildir, 'cur', name);
    linkSync(join(pool, 'cur', name), target);
    if (needsChown) chownSync(target, owner.uid, owner.gid);
  }
  return names.length;
}

async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Dovecot's auth and mail processes run as other users: every parent must let them pass. */
function assertTraversable(dir: string): void {
  for (let at = resolve(dir); ; at = dirname(at)) {
    if ((statSync(at).mode & 0o001) === 0) {
      throw new Error(`${at} is not searchable by others (chmod o+x): Dovecot could not read it`);
    }
    if (dirname(at) === at) return;
  }
}

/**
 * Reads every message file of a maildir folder once, so that the OS page cache holds them, as it
 * does on a server for mail that was delivered or read since boot. This machine's kernel runs
 * DAMON with a `pageout` scheme that evicts file pages idle for about a minute even with 20 GiB
 * free (bench/README.md, "Page cache"); without this, Dovecot's first SORT of a 100,000-message
 * folder reads 430 MB from disk and the cold figure depends on how long ago the pool was read.
 */
export function readIntoPageCache(folderDir: string): { files: number; bytes: number } {
  const buffer = Buffer.allocUnsafe(1 << 20);
  let files = 0;
  let bytes = 0;
  for (const sub of ['cur', 'new']) {
    const dir = join(folderDir, sub);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      const fd = openSync(join(dir, name), 'r');
      try {
        for (let n = readSync(fd, buffer); n > 0; n = readSync(fd, buffer)) bytes += n;
      } finally {
        closeSync(fd);
      }
      files++;
    }
  }
  return { files, bytes };
}

export async function seedBenchMail(opts: SeedOptions): Promise<SeededMail> {
  ensureDovecotInstalled();
  mkdirSync(opts.workDir, { recursive: true });
  assertTraversable(opts.workDir);
  const pools = new Map<number, string>();
  for (const size of new Set(opts.users.map((u) => u.size))) {
    pools.set(size, ensurePool(opts.workDir, size, opts.log));
  }
  // Same filesystem as the pools, so hard links work.
  const dir = mkdtempSync(join(opts.workDir, 'dovecot-'));
  const passwords = new Map(opts.users.map((u) => [u.name, `pw-${u.name}-bench`]));
  let dovecot: DovecotInstance;
  try {
    dovecot = await startDovecot({
      dir,
      namespace: 'slash',
      users: opts.users.map((u) => ({ name: u.name, password: passwords.get(u.name) ?? '' })),
    });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const stop = async (): Promise<void> => {
    await dovecot.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const started = Date.now();
    const inboxSizes = new Map<string, number>();
    for (const user of opts.users) {
      inboxSizes.set(user.name, linkPool(pools.get(user.size) ?? '', dovecot.maildir(user.name)));
    }
    if (opts.largeMessage) {
      const { user, bytes } = opts.largeMessage;
      const message = largeAttachmentMessage(bytes);
      const root = dovecot.maildir(user);
      const path = writeMessage(
        root,
        'INBOX',
        message.raw,
        { flags: [], internalDate: message.internalDate },
        'slash',
      );
      const owner = lstatSync(root);
      chownSync(path, owner.uid, owner.gid);
      inboxSizes.set(user, (inboxSizes.get(user) ?? 0) + 1);
    }
    const linked = Date.now();
    await inParallel(opts.users, indexConcurrency, async (user) => {
      const out = await dovecot.doveadm([
        'mailbox',
        'status',
        '-u',
        user.name,
        'messages',
        'INBOX',
      ]);
      const expected = inboxSizes.get(user.name);
      if (!out.trim().endsWith(`messages=${expected}`)) {
        throw new Error(`${user.name}: doveadm says ${out.trim()}, expected ${expected} messages`);
      }
    });
    opts.log(
      `seeded ${opts.users.length} users: linked in ${linked - started} ms, ` +
        `indexed in ${Date.now() - linked} ms`,
    );
    return { dovecot, passwords, inboxSizes, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
