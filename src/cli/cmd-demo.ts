// `alphamail demo` (what `npm start` runs): a throwaway Dovecot with demo mail (and, as root with
// Postfix, a private loopback Postfix so the demo users can mail each other), a demo config and
// data dir of its own under ./demo-data, then `alphamail start` on them.
// Must not touch anything outside ./demo-data (or --dir) and loopback.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig, renderConfigFile } from '../config/index.js';
import {
  ensureDovecotInstalled,
  ensurePostfixInstalled,
  postfixInstallCommand,
  startDemoMailServer,
  type DemoMailServer,
} from '../ops/index.js';
import { runStart } from './cmd-start.js';

/** Port the demo web tier listens on unless --port says otherwise. */
export const demoWebPort = 8080;

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Dovecot with a private Postfix when it can run here; without one (and saying why) if not. */
async function startMail(dir: string): Promise<{ mail: DemoMailServer; noSendingWhy: string }> {
  const fresh = (name: string): string => {
    rmSync(join(dir, name), { recursive: true, force: true });
    mkdirSync(join(dir, name), { recursive: true });
    return join(dir, name);
  };
  if (!ensurePostfixInstalled(say)) {
    const why =
      process.getuid?.() === 0
        ? `Postfix could not be installed (${postfixInstallCommand})`
        : `sending needs root and Postfix (${postfixInstallCommand})`;
    return { mail: await startDemoMailServer({ dir: fresh('dovecot') }), noSendingWhy: why };
  }
  try {
    const mail = await startDemoMailServer({ dir: fresh('dovecot'), mtaDir: fresh('postfix') });
    return { mail, noSendingWhy: '' };
  } catch (err) {
    // The demo is still useful for reading mail: start again without the MTA.
    const why = `the demo Postfix did not start: ${err instanceof Error ? err.message : String(err)}`;
    return { mail: await startDemoMailServer({ dir: fresh('dovecot') }), noSendingWhy: why };
  }
}

export async function runDemo(options: { dir?: string; port?: number }): Promise<void> {
  const dir = resolve(options.dir ?? 'demo-data');
  const port = options.port ?? demoWebPort;
  ensureDovecotInstalled();
  const { mail, noSendingWhy } = await startMail(dir);
  try {
    const configPath = join(dir, 'alphamail_config');
    writeFileSync(
      configPath,
      renderConfigFile({
        web_listen: `127.0.0.1:${port}`,
        public_url: `http://127.0.0.1:${port}`,
        data_dir: './data',
        imap_servers: mail.imapServersLine,
        ...(mail.smtpServersLine === null ? {} : { smtp_servers: mail.smtpServersLine }),
      }),
      { mode: 0o600 },
    );
    const config = loadConfig(configPath);
    const sending =
      mail.smtpServersLine === null
        ? `Sending is off: ${noSendingWhy}.\n`
        : `Demo mail server for sending: ${mail.smtpServersLine}; ${mail.user} and ` +
          `${mail.friend.user} can mail each other at @${mail.domain}.\n`;
    const banner =
      `Demo mail server: ${mail.imapServersLine}\n` +
      `Sign in as user "${mail.user}" with password "${mail.password}" (domain ${mail.domain}).\n` +
      `Second user: "${mail.friend.user}" with password "${mail.friend.password}".\n` +
      sending +
      `Demo config: ${configPath}\nPress Ctrl+C to stop.\n`;
    await runStart(config, banner);
  } finally {
    await mail.stop();
  }
}
