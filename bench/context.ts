// Owns the benchmark's sizes (full and --quick) and the running parts every scenario shares.
// Must not start or stop anything: run.ts builds the context and tears it down.
import type { AlphaMailProcesses } from '../test/harness/alphamail.js';
import type { ImapProxy } from '../test/harness/imap-proxy.js';
import type { BaselineTarget } from './baseline-client.js';
import type { PhaseEnv } from './phase.js';
import type { SeededMail } from './seed.js';

export interface BenchSizes {
  isQuick: boolean;
  /** INBOX sizes for cold sign-in (scenario 1); the largest is also used for 2 and 6. */
  coldSizes: number[];
  /** INBOX size of every load user and of the message-opening user. */
  loadInboxSize: number;
  /** Users of scenario 4 and of scenario 5 (the first ones are shared). */
  scenario4Users: number;
  scenario5Users: number;
  loopDurationMs: number;
  /** Size of the big attachment opened in scenario 3. */
  largeAttachmentBytes: number;
  /** Messages opened in scenario 3 besides the big one. */
  messagesToOpen: number;
  /** Index pages per sort order in scenario 2. */
  warmPagesPerSort: number;
  /** Signed-in users with an empty INBOX, for the memory per idle session: enough that their
   * growth (~tens of KB each) stands above the webcache's RSS noise of a few MB. */
  idleUsers: number;
  pageSize: number;
  quietBudgetMs: number;
  /** RSS counts as settled when it moves < 1% over this window (V8 gives the heap high-water
   * back only after some idle seconds), */
  rssSettleWindowMs: number;
  /** but a memory figure waits no longer than this for it. */
  rssSettleCapMs: number;
  /** How long a memory figure waits for IMAP quiet first: the background build and snippet
   * fill of a 100,000-message INBOX run ~100 s after its sign-in on a busy machine. */
  memoryQuietBudgetMs: number;
}

export const fullSizes: BenchSizes = {
  isQuick: false,
  coldSizes: [1_000, 10_000, 100_000],
  loadInboxSize: 10_000,
  scenario4Users: 20,
  scenario5Users: 50,
  loopDurationMs: 30_000,
  largeAttachmentBytes: 20 * 1024 * 1024,
  messagesToOpen: 20,
  warmPagesPerSort: 5,
  idleUsers: 300,
  pageSize: 50,
  quietBudgetMs: 60_000,
  rssSettleWindowMs: 5_000,
  rssSettleCapMs: 30_000,
  memoryQuietBudgetMs: 240_000,
};

export const quickSizes: BenchSizes = {
  isQuick: true,
  coldSizes: [200],
  loadInboxSize: 200,
  scenario4Users: 3,
  scenario5Users: 3,
  loopDurationMs: 3_000,
  largeAttachmentBytes: 200 * 1024,
  messagesToOpen: 5,
  warmPagesPerSort: 2,
  idleUsers: 3,
  pageSize: 50,
  quietBudgetMs: 20_000,
  rssSettleWindowMs: 1_000,
  rssSettleCapMs: 3_000,
  memoryQuietBudgetMs: 20_000,
};

export const openUser = 'open';
export const coldUser = (size: number): string => `cold${size}`;
export const loadUser = (n: number): string => `load${String(n).padStart(2, '0')}`;
export const idleUser = (n: number): string => `idle${String(n).padStart(2, '0')}`;

export interface BenchContext {
  sizes: BenchSizes;
  mail: SeededMail;
  /** Between AlphaMail's webcache and Dovecot. */
  alphamailProxy: ImapProxy;
  /** Between the stateless baseline and Dovecot. */
  baselineProxy: ImapProxy;
  alphamail: AlphaMailProcesses;
  env: PhaseEnv;
  log: (line: string) => void;
}

/** Where the baseline signs in as `user` (through its counting proxy). */
export function baselineTarget(ctx: BenchContext, user: string): BaselineTarget {
  return {
    host: '127.0.0.1',
    port: ctx.baselineProxy.port,
    user,
    password: ctx.mail.passwords.get(user) ?? '',
  };
}
