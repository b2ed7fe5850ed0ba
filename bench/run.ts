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
import { maxStepsWithThinkTime } from './load.js';
import { emptyMemoryFigures, webcacheRss, type MemoryFigures } from './memory.js';
import { consistencyChecks, markdownReport, targetRows, type BenchResults } from './report.js';
import {
  clickThrough,
  indexThenOpen,
  signInLoadUsers,
  thinkTimeMinMs,
  type LoadUser,
} from './scenarios-load.js';
import {
  coldSignIn,
  idleSessions,
  openMessages,
  signInAfterRestart,
  warmIndex,
} from './scenarios-single.js';
import { seedBenchMail, type BenchUserSpec, type SeededMail } from './seed.js';

/** Scenario numbers `--only` accepts; 6 restarts the webcache, so it signs in scenario 1's user. */
const scenarioNumbers = [1, 2, 3, 4, 5, 6] as const;
type ScenarioNumber = (typeof scenarioNumbers)[number];

export interface BenchOptions {
  isQuick: boolean;
  /** Scenarios to run (all by default): `--only 4` measures one thing on a shared machine. */
  only: ReadonlySet<ScenarioNumber>;
  outPath: string;
  workDir: string;
}

export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  const options: BenchOptions = {
    isQuick: false,
    only: new Set(scenarioNumbers),
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
    else if (arg === '--only') options.only = parseOnly(value());
    else
      throw new Error(
        `unknown argument ${arg}; use --quick, --only 1,4, --out FILE, --work-dir DIR`,
      );
  }
  return { ...options, outPath: resolve(options.outPath), workDir: resolve(options.workDir) };
}

function parseOnly(list: string): Set<ScenarioNumber> {
  const chosen = new Set<ScenarioNumber>();
  for (const part of list.split(',')) {
    const n = scenarioNumbers.find((s) => String(s) === part.trim());
    if (n === undefined) throw new Error(`--only takes scenario numbers 1-6, got ${part}`);
    chosen.add(n);
  }
  return chosen;
}

function benchUsers(sizes: BenchSizes, only: ReadonlySet<ScenarioNumber>): BenchUserSpec[] {
  const users: BenchUserSpec[] = [];
  if (only.has(1) || only.has(2) || only.has(6)) {
    users.push(...sizes.coldSizes.map((size) => ({ name: coldUser(size), size })));
  }
  if (only.has(3)) users.push({ name: openUser, size: sizes.loadInboxSize });
  if (only.has(3)) {
    for (let n = 1; n <= sizes.idleUsers; n++) users.push({ name: idleUser(n), size: 0 });
  }
  const loadUsers = Math.max(
    only.has(4) ? sizes.scenario4Users : 0,
    only.has(5) ? sizes.scenario5Users : 0,
  );
  for (let n = 1; n <= loadUsers; n++) users.push({ name: loadUser(n), size: sizes.loadInboxSize });
  return users;
}

async function runScenarios(
  ctx: BenchContext,
  only: ReadonlySet<ScenarioNumber>,
): Promise<Omit<BenchResults, 'meta' | 'checks'>> {
  const phases: PhaseResult[] = [];
  const memory: MemoryFigures = emptyMemoryFigures(webcacheRss(ctx));
  // Idle sessions first, on the fresh webcache: later, memory freed by the big index builds
  // returns to the system while they sign in and drowns their few MiB of growth.
  if (only.has(3)) phases.push(await idleSessions(ctx, memory));
  if (only.has(1) || only.has(2) || only.has(6)) {
    const cold = await coldSignIn(ctx, memory);
    phases.push(...cold.phases);
    if (only.has(2)) phases.push(...(await warmIndex(ctx, cold.largest)));
  }
  let opened: Awaited<ReturnType<typeof openMessages>> = { phases: [], opens: [], largeUid: 0 };
  if (only.has(3)) {
    opened = await openMessages(ctx);
    phases.push(...opened.phases);
  }

  const users: LoadUser[] = [];
  if (only.has(4)) {
    const first = await signInLoadUsers(ctx, users, ctx.sizes.scenario4Users);
    if (first) phases.push(first);
    phases.push(...(await indexThenOpen(ctx, users)));
  }
  if (only.has(5)) {
    const more = await signInLoadUsers(ctx, users, ctx.sizes.scenario5Users);
    if (more) phases.push(more);
    phases.push(...(await clickThrough(ctx, users)));
  }
  memory.webcacheRssEndBytes = webcacheRss(ctx);

  if (only.has(6)) {
    phases.push(await signInAfterRestart(ctx, memory));
  }
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
      users: benchUsers(sizes, options.only),
      largeMessage: options.only.has(3) ? largeMessage : null,
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
      inspectWebcache: true,
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
    const measured = await runScenarios(ctx, options.only);
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
      checks: consistencyChecks(
        measured.phases,
        measured.memory,
        options.only,
        sizes.scenario5Users * maxStepsWithThinkTime(sizes.loopDurationMs, thinkTimeMinMs),
      ),
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
