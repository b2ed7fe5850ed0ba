// Owns running the configured restart command through the shell with a time budget.
// Must not pass the command anything secret: it inherits no password, only the environment.
import { spawn } from 'node:child_process';

/** A restart that takes longer is reported as failed (systemctl restart waits for the stop). */
export const restartBudgetMs = 120_000;
/** Output kept for the log and the mail: the tail of what the command printed. */
const maxOutputChars = 2000;

export interface RestartResult {
  /** Exit code, or null when killed (signal or budget). */
  exitCode: number | null;
  signal: string | null;
  output: string;
  ms: number;
}

export function runRestartCommand(command: string): Promise<RestartResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', command], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-maxOutputChars);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), restartBudgetMs);
    const finish = (exitCode: number | null, signal: string | null): void => {
      clearTimeout(timer);
      resolve({ exitCode, signal, output, ms: Date.now() - started });
    };
    child.once('error', (err) => {
      output += String(err);
      finish(null, null);
    });
    child.once('close', (code, signal) => finish(code, signal));
  });
}
