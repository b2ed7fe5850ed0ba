// Owns `alphamail start`'s supervision: runs webcache and web as child processes of this same
// command and restarts one that dies, with a growing pause. Must not restart on shutdown.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Logger } from '../base/index.js';
import { daemonEnv } from './daemon-env.js';

/** Pause before restarting a crashed child, doubled per crash in a row, capped. */
export const restartDelayMs = 500;
export const maxRestartDelayMs = 15_000;
/** A child that ran this long counts as healthy: its crash counter resets. */
export const healthyRunMs = 30_000;

export interface Supervised {
  stop(): Promise<void>;
}

export function superviseChild(
  name: string,
  args: readonly string[],
  logger: Logger,
  env: NodeJS.ProcessEnv = daemonEnv(),
): Supervised {
  let child: ChildProcess | null = null;
  let stopping = false;
  let crashes = 0;
  let timer: NodeJS.Timeout | undefined;

  const launch = (): void => {
    const startedAt = Date.now();
    const proc = spawn(process.execPath, [...args], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env,
    });
    child = proc;
    proc.on('exit', (code, signal) => {
      child = null;
      if (stopping) return;
      crashes = Date.now() - startedAt > healthyRunMs ? 1 : crashes + 1;
      const delay = Math.min(restartDelayMs * 2 ** (crashes - 1), maxRestartDelayMs);
      logger.warn({ name, code, signal, delay }, 'child exited; restarting');
      timer = setTimeout(launch, delay);
    });
  };
  launch();

  return {
    stop: () =>
      new Promise<void>((resolve) => {
        stopping = true;
        clearTimeout(timer);
        const current = child;
        if (!current) return resolve();
        current.once('exit', () => resolve());
        current.kill('SIGTERM');
      }),
  };
}
