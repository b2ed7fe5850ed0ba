// `alphamail demo` (what `npm start` runs): a throwaway Dovecot with demo mail, a demo config
// and data dir of its own under ./demo-data, then `alphamail start` on them.
// Must not touch anything outside ./demo-data (or --dir) and loopback.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig, renderConfigFile } from '../config/index.js';
import { ensureDovecotInstalled, startDemoMailServer } from '../ops/index.js';
import { runStart } from './cmd-start.js';

/** Port the demo web tier listens on unless --port says otherwise. */
export const demoWebPort = 8080;

export async function runDemo(options: { dir?: string; port?: number }): Promise<void> {
  const dir = resolve(options.dir ?? 'demo-data');
  const port = options.port ?? demoWebPort;
  ensureDovecotInstalled();
  rmSync(join(dir, 'dovecot'), { recursive: true, force: true });
  mkdirSync(join(dir, 'dovecot'), { recursive: true });
  const mail = await startDemoMailServer({ dir: join(dir, 'dovecot') });
  try {
    const configPath = join(dir, 'alphamail_config');
    writeFileSync(
      configPath,
      renderConfigFile({
        web_listen: `127.0.0.1:${port}`,
        public_url: `http://127.0.0.1:${port}`,
        data_dir: './data',
        imap_servers: mail.imapServersLine,
      }),
      { mode: 0o600 },
    );
    const config = loadConfig(configPath);
    const banner =
      `Demo mail server: ${mail.imapServersLine}\n` +
      `Sign in as user "${mail.user}" with password "${mail.password}" (domain ${mail.domain}).\n` +
      `Demo config: ${configPath}\nPress Ctrl+C to stop.\n`;
    await runStart(config, banner);
  } finally {
    await mail.stop();
  }
}
