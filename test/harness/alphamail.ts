// Starts AlphaMail for end-to-end tests the way an operator does: a config file in a temp dir,
// `alphamail webcache` and `alphamail web` as separate processes of the built CLI.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderConfigFile } from '../../src/config/index.js';
import { daemonEnv } from '../../src/cli/daemon-env.js';
import { freeLoopbackPort } from '../../src/ops/demo/host.js';

const cliMain = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

/** How long a process may take to become ready before the test fails. */
export const startupBudgetMs = 20_000;

/** A free port on 127.0.0.1 (the ops/demo helper, named as the tests know it). */
export const freePort = freeLoopbackPort;

export interface AlphaMailProcesses {
  url: string;
  dataDir: string;
  configPath: string;
  /** Lines both processes wrote to stdout/stderr (for asserting on logs). */
  logs: string[];
  killWebcache(signal?: NodeJS.Signals): Promise<void>;
  startWebcache(): Promise<void>;
  webcacheProcess(): ChildProcess | null;
  /** The running webcache's inspector WebSocket URL (only with `inspectWebcache`). */
  webcacheInspectorUrl(): string | null;
  /** Stops both processes; the temp dir is removed unless `keepFiles` (the caller removes it). */
  stop(options?: { keepFiles?: boolean }): Promise<void>;
}

function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function waitFor(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + startupBudgetMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not become ready in ${startupBudgetMs} ms`);
}

export async function startAlphaMail(opts: {
  imapServers: string;
  extraConfig?: Record<string, string>;
  /**
   * Start the webcache with its V8 inspector on a free loopback port, so the benchmark can ask
   * it for a full garbage collection before reading memory (see bench/inspector.ts).
   */
  inspectWebcache?: boolean;
}): Promise<AlphaMailProcesses> {
  const dir = mkdtempSync(join(tmpdir(), 'alphamail-e2e-'));
  const dataDir = join(dir, 'data');
  mkdirSync(dataDir);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const configPath = join(dir, 'alphamail_config');
  writeFileSync(
    configPath,
    renderConfigFile({
      web_listen: `127.0.0.1:${port}`,
      public_url: url,
      data_dir: dataDir,
      imap_servers: opts.imapServers,
      log_level: 'info',
      ...opts.extraConfig,
    }),
  );
  const logs: string[] = [];
  // `ALPHAMAIL_CPU_PROF_DIR=dir npm run bench`: both processes write V8 CPU profiles there on exit
  // (NODE_OPTIONS may not carry --cpu-prof).
  const profileDir = process.env.ALPHAMAIL_CPU_PROF_DIR;
  const nodeArgs = profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [];
  let inspectorUrl: string | null = null;
  const spawnRole = (role: 'web' | 'webcache'): ChildProcess => {
    const inspect = role === 'webcache' && opts.inspectWebcache === true;
    const args = [...nodeArgs, ...(inspect ? ['--inspect=127.0.0.1:0'] : [])];
    const child = spawn(process.execPath, [...args, cliMain, role, '--config', configPath], {
      stdio: ['ignore', 'pipe', 'pipe'],
      // As `alphamail start` and the systemd units run them.
      env: daemonEnv(),
    });
    const collect = (chunk: Buffer): void => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line) continue;
        logs.push(`${role}: ${line}`);
        const listening = /Debugger listening on (ws:\/\/127\.0\.0\.1:\d+\/[\w-]+)/.exec(line);
        if (inspect && listening?.[1] !== undefined) inspectorUrl = listening[1];
      }
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    return child;
  };

  let webcache: ChildProcess | null = null;
  const startWebcache = async (): Promise<void> => {
    const before = logs.length;
    inspectorUrl = null;
    webcache = spawnRole('webcache');
    await waitFor('webcache', () =>
      Promise.resolve(logs.slice(before).some((l) => l.includes('webcache ready'))),
    );
  };
  const web = await (async () => {
    let started: ChildProcess | null = null;
    try {
      await startWebcache();
      started = spawnRole('web');
      await waitFor('web', async () => (await fetch(`${url}/login`)).status === 200);
      return started;
    } catch (err) {
      // A process that never became ready must not outlive the failed start.
      for (const child of [webcache, started]) child?.kill('SIGKILL');
      throw err;
    }
  })();

  return {
    url,
    dataDir,
    configPath,
    logs,
    startWebcache,
    webcacheProcess: () => webcache,
    webcacheInspectorUrl: () => inspectorUrl,
    async killWebcache(signal: NodeJS.Signals = 'SIGKILL') {
      const current = webcache;
      if (!current) return;
      current.kill(signal);
      await waitForExit(current);
      webcache = null;
    },
    async stop(options = {}) {
      const current = webcache;
      web.kill('SIGTERM');
      current?.kill('SIGTERM');
      await Promise.all([waitForExit(web), current ? waitForExit(current) : Promise.resolve()]);
      if (options.keepFiles !== true) rmSync(dir, { recursive: true, force: true });
    },
  };
}
