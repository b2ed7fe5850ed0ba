// `alphamail start`: webcache and web together, supervised, on the config's addresses.
// Must not run either in this process: a crash of one must not take the other down.
import { fileURLToPath } from 'node:url';
import { createLogger } from '../base/index.js';
import type { AlphaMailConfig } from '../config/index.js';
import { superviseChild } from './supervisor.js';
import { runUntilSignal } from './run-until-signal.js';

const mainScript = fileURLToPath(new URL('./main.js', import.meta.url));

export async function runStart(config: AlphaMailConfig, banner?: string): Promise<void> {
  const logger = createLogger({ name: 'start', level: config.logLevel });
  const webcache = superviseChild(
    'webcache',
    [mainScript, 'webcache', '--config', config.file],
    logger,
  );
  const web = superviseChild('web', [mainScript, 'web', '--config', config.file], logger);
  const url = config.publicUrl;
  process.stdout.write(`AlphaMail is running: ${url}\n${banner ?? ''}`);
  await runUntilSignal(logger, async () => {
    await Promise.all([web.stop(), webcache.stop()]);
  });
}
