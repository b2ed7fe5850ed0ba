// `alphamail webcache`: runs the webcache daemon alone on the config's endpoint.
// Must not start the web tier.
import { createLogger } from '../base/index.js';
import type { AlphaMailConfig } from '../config/index.js';
import { startWebcache } from '../webcache/index.js';
import { runUntilSignal } from './run-until-signal.js';

export async function runWebcache(config: AlphaMailConfig): Promise<void> {
  const logger = createLogger({ name: 'webcache', level: config.logLevel });
  const webcache = await startWebcache({ config, logger });
  const where =
    config.webcache.kind === 'unix'
      ? config.webcache.socketPath
      : `${config.webcache.host}:${config.webcache.port}`;
  logger.info({ where }, 'webcache ready');
  await runUntilSignal(logger, () => webcache.close());
}
