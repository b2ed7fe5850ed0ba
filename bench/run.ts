// `npm run bench [-- --quick] [--out file] [--work-dir dir]`: seeds Dovecot, runs AlphaMail and
// the stateless baseline through counting proxies, prints a markdown table and writes JSON.
// Must not reach beyond 127.0.0.1 nor run unbounded: every loop has a deadline.
import { writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { startAlphaMail, type AlphaMailProcesses } from '../test/harness/alphamail.js';
import { startImapProxy, type ImapProxy } from '../test/harness/imap-proxy.js';
import { benchDomain } from './alphamail-user.js';
import {
  coldUser,
  fullSizes,
  idleUser,
  loadUser,
  openUser,
  quickSizes,
  type BenchContext,
  type BenchSizes,
} from './context.js';
import type { PhaseResult } from './phase.js';
import { consistencyChecks, markdownReport, targetRows, type BenchResults } from './report.js';
import { clickThrough, indexThenOpen, signInLoadUsers, type LoadUser } from './scenarios-load.js';
import {
  coldSignIn,
  idleSessions,
  openMessages,
  signInAfterRestart,
  warmIndex,
  webcacheRss,
  type MemoryFigures,
} from './scenarios-single.js';
import { seedBenchMail, type BenchUserSpec, type SeededMail } from './seed.js';

export interface BenchOptions {
  isQuick: boolean;
  outPath: string;
  workDir: string;
}

export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  const options: BenchOptions = {
    isQuick: false,
    outPath: 'bench-results.json',
    workDir: join(tmpdir(), 'alphamail-bench'),
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    if (arg === '--quick') options.isQuick = true;
    else if (arg === '--out') options.outPath = value();
    else if (arg === '--work-dir') options.workDir = value();
    else throw new Error(`unknown argument ${arg}; use --quick, --out FILE, --work-dir DIR`);
  }
  return { ...options, outPath: resolve(options.outPath), workDir: resolve(options.workDir) };
}

function benchUsers(sizes: BenchSizes): BenchUserSpec[] {
  const users: BenchUserSpec[] = sizes.coldSizes.map((size) => ({ name: coldUser(size), size }));
  users.push({ name: openUser, size: sizes.loadInboxSize });
  for (let n = 1; n <= sizes.idleUsers; n++) users.push({ name: idleUser(n), size: 0 });
  const loadUsers = Math.max(sizes.scenario4Users, sizes.scenario5Users);
  for (let n = 1; n <= loadUsers; n++) users.push({ name: loadUser(n), size: sizes.loadInboxSize });
  return users;
}

async function runScenarios(ctx: BenchContext): Promise<Omit<BenchResults, 'meta' | 'checks'>> {
  const phases: PhaseResult[] = [];
  const memory: MemoryFigures = {
    webcacheRssStartBytes: webcacheRss(ctx),
    webcacheRssEndBytes: null,
    bytesPerIndexedMessage: null,
    bytesPerIndexedMessageAfterRestart: null,
    bytesPerIdleSession: null,
  };
  const cold = await coldSignIn(ctx);
  phases.push(...cold.phases);
  memory.bytesPerIndexedMessage = cold.bytesPerIndexedMessage;
  phases.push(...(await warmIndex(ctx, cold.largest)));
  const opened = await openMessages(ctx);
  phases.push(...opened.phases);
  const idle = await idleSessions(ctx);
  phases.push(idle.phase);
  memory.bytesPerIdleSession = idle.bytesPerIdleSession;

  const users: LoadUser[] = [];
  const first = await signInLoadUsers(ctx, users, ctx.sizes.scenario4Users);
  if (first) phases.push(first);
  phases.push(...(await indexThenOpen(ctx, users)));
  const more = await signInLoadUsers(ctx, users, ctx.sizes.scenario5Users);
  if (more) phases.push(more);
  phases.push(...(await clickThrough(ctx, users)));
  memory.webcacheRssEndBytes = webcacheRss(ctx);

  const restart = await signInAfterRestart(ctx);
  phases.push(restart.phase);
  memory.bytesPerIndexedMessageAfterRestart = restart.bytesPerIndexedMessage;
  return {
    phases,
    opens: opened.opens,
    largeUid: opened.largeUid,
    memory,
    targets: targetRows(phases, opened.opens, opened.largeUid, memory),
  };
}

export async function runBench(options: BenchOptions): Promise<BenchResults> {
  const sizes = options.isQuick ? quickSizes : fullSizes;
  const started = Date.now();
  const log = (line: string): void => {
    console.error(`[bench ${((Date.now() - started) / 1000).toFixed(1)} s] ${line}`);
  };
  const cleanups: (() => Promise<void>)[] = [];
  try {
    const largeMessage = { user: openUser, bytes: sizes.largeAttachmentBytes };
    const mail: SeededMail = await seedBenchMail({
      workDir: options.workDir,
      users: benchUsers(sizes),
      largeMessage,
      log,
    });
    cleanups.push(() => mail.stop());
    const target = { host: '127.0.0.1', port: mail.dovecot.port };
    const alphamailProxy: ImapProxy = await startImapProxy(target);
    cleanups.push(() => alphamailProxy.close());
    const baselineProxy: ImapProxy = await startImapProxy(target);
    cleanups.push(() => baselineProxy.close());
    const alphamail: AlphaMailProcesses = await startAlphaMail({
      imapServers: `${benchDomain}=127.0.0.1:${alphamailProxy.port}[/] insecure`,
      extraConfig: { default_page_size: String(sizes.pageSize) },
    });
    cleanups.push(() => alphamail.stop());
    log(`AlphaMail at ${alphamail.url}, Dovecot on ${mail.dovecot.port}`);
    const ctx: BenchContext = {
      sizes,
      mail,
      alphamailProxy,
      baselineProxy,
      alphamail,
      log,
      env: {
        dovecotDir: mail.dovecot.dir,
        quietProxies: [alphamailProxy],
        quietBudgetMs: sizes.quietBudgetMs,
        log,
      },
    };
    const measured = await runScenarios(ctx);
    const cpu = cpus();
    const results: BenchResults = {
      meta: {
        isQuick: sizes.isQuick,
        startedAt: new Date(started).toISOString(),
        durationSeconds: Math.round((Date.now() - started) / 1000),
        node: process.versions.node,
        cpus: cpu.length,
        cpuModel: cpu[0]?.model.trim() ?? 'unknown',
        memoryBytes: totalmem(),
      },
      ...measured,
      checks: consistencyChecks(measured.phases, measured.memory),
    };
    return results;
  } finally {
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((err: unknown) => log(`cleanup failed: ${String(err)}`));
    }
  }
}

async function main(): Promise<void> {
  const options = parseBenchArgs(process.argv.slice(2));
  const results = await runBench(options);
  writeFileSync(options.outPath, JSON.stringify(results, null, 2) + '\n');
  console.log(markdownReport(results));
  console.log(`\nJSON written to ${options.outPath}`);
  if (results.checks.some((c) => !c.ok)) process.exitCode = 1;
}

// Only when run as the entry point, so tests can import parseBenchArgs and runBench.
if (
  process.argv[1] !== undefined &&
  import.meta.url === new URL(`file://${process.argv[1]}`).href
) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
