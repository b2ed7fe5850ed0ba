// The benchmark's --quick size as a CI smoke test: it completes against real Dovecot and real
// AlphaMail processes and its counters agree with each other. Never asserts on timings.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { BenchResults } from '../../bench/report.js';
import { quickSizes } from '../../bench/context.js';

const benchMain = fileURLToPath(new URL('../../bench/run.js', import.meta.url));
/** The quick run takes about 40 s here; this bounds a hung run. */
const quickRunBudgetMs = 240_000;

function runQuick(outPath: string, workDir: string): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [benchMain, '--quick', '--out', outPath, '--work-dir', workDir],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGTERM'), quickRunBudgetMs);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout });
    });
  });
}

test(
  'bench --quick completes with consistent counters',
  { timeout: quickRunBudgetMs + 10_000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'alphamail-bench-quick-'));
    chmodSync(dir, 0o755); // Dovecot's auth process (another user) reads the passwd file below.
    try {
      const outPath = join(dir, 'results.json');
      const { code, stdout } = await runQuick(outPath, join(dir, 'work'));
      const results = JSON.parse(readFileSync(outPath, 'utf8')) as BenchResults;
      const failed = results.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`);
      assert.deepEqual(failed, []);
      assert.equal(code, 0);
      assert.equal(results.meta.isQuick, true);
      assert.match(stdout, /^\| figure \| target \| AlphaMail \| baseline \|/m);

      const phase = (prefix: string, system: 'alphamail' | 'baseline') => {
        const found = results.phases.find(
          (p) => p.scenario.startsWith(prefix) && p.system === system,
        );
        assert.ok(found, `phase ${prefix} ${system} missing`);
        return found;
      };
      for (const p of results.phases) assert.equal(p.errors, 0, `${p.scenario} ${p.system}`);

      // Scenario 2 visits 4 sort columns × 2 orders × the configured pages, once per pass.
      const views = 4 * 2 * quickSizes.warmPagesPerSort;
      const revisit = phase('2 warm index, revisit', 'alphamail');
      assert.equal(revisit.pageViews, views);
      assert.equal(revisit.imap.fetches, 0);
      assert.equal(revisit.imap.logins, 0);

      // The baseline is stateless: per index page exactly one connection, LOGIN, SELECT, SORT,
      // FETCH and LOGOUT.
      const baseline = phase('2 warm index', 'baseline');
      assert.equal(baseline.pageViews, views);
      assert.equal(baseline.imap.connections, views);
      assert.equal(baseline.imap.logins, views);
      assert.equal(baseline.imap.selects, views);
      assert.equal(baseline.imap.commands, 5 * views);
      for (const prefix of ['1 ', '3 ', '4 ', '5 ']) {
        const p = phase(prefix, 'baseline');
        assert.ok(p.imap.logins >= p.pageViews, `${p.scenario}: a LOGIN per page view`);
      }

      // Signed-in AlphaMail users keep their IMAP session through the load loops.
      assert.equal(phase('4 ', 'alphamail').imap.logins, 0);
      assert.equal(phase('5 ', 'alphamail').imap.logins, 0);
      assert.equal(phase('6 ', 'alphamail').pageViews, 1);

      assert.ok(results.opens.some((o) => o.uid === results.largeUid));
      assert.ok(results.opens.every((o) => o.baselineImapBytes > 0));
      assert.equal(results.targets.length, 21);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
