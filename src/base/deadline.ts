// Owns deadlines: one time budget per operation, covering all its steps.
// Must not leave timers behind: every timer is cleared when the work settles.
import { AlphaMailError } from './errors.js';

/** Runs `work` and rejects with AM_TIMEOUT when `budgetMs` passes first. */
export async function withDeadline<T>(
  budgetMs: number,
  what: string,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new AlphaMailError('AM_TIMEOUT', `${what} took longer than ${budgetMs} ms`));
    }, budgetMs);
  });
  try {
    return await Promise.race([work(controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
