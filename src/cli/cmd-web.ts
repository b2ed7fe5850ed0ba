// `alphamail web`: runs the web tier alone; it reaches the webcache through the config's endpoint.
// Must not start the webcache: N web copies can share one.
import { createLogger } from '../base/index.js';
import type { AlphaMailConfig } from '../config/index.js';
import { startWeb } from '../web/index.js';
import { runUntilSignal } from './run-until-signal.js';

export async function runWeb(config: AlphaMailConfig): Promise<void> {
  const logger = createLogger({ name: 'web', level: config.logLevel });
  const web = await startWeb({ config, logger });
  logger.info({ url: web.url }, 'web ready');
  await runUntilSignal(logger, () => web.close());
}
