// Owns the life of a long-running subcommand: waits for SIGINT/SIGTERM, then closes it once.
// Must not call process.exit before close() has finished (indexes are saved on close).
import type { Logger } from '../base/index.js';

export async function runUntilSignal(logger: Logger, close: () => Promise<void>): Promise<void> {
  await new Promise<void>((resolve) => {
    let closing = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (closing) return;
      closing = true;
      logger.info({ signal }, 'shutting down');
      close()
        .catch((err: unknown) => logger.error({ err }, 'shutdown failed'))
        .finally(resolve);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
}
