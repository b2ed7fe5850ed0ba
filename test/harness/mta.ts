// Owns the tests' real MTA: the private loopback Postfix of src/ops/demo/postfix.ts in a temp
// dir, delivering the test domain into the test Dovecot. Must not touch the system Postfix.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isLocalMtaAvailable, startPostfix } from '../../src/ops/index.js';
import type { TestDovecot } from './dovecot.js';

export interface TestMta {
  /** The submission port on 127.0.0.1 (plain SMTP, AUTH PLAIN/LOGIN against Dovecot). */
  readonly port: number;
  readonly submissionPort: number;
  readonly dir: string;
  /** Stops Postfix (the port then refuses connections); start() brings it back on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Postfix's own log (maillog_file), for assertions and failure messages. */
  logText(): string;
  /** Stops Postfix for good and removes the temp dir. */
  remove(): Promise<void>;
}

/**
 * Starts Postfix for `domain`, whose users are the test Dovecot's users. Needs root, Debian's
 * postfix and a Dovecot started with its MTA sockets (startTestDovecot does so when installed).
 */
export async function startTestMta(opts: {
  dovecot: TestDovecot;
  domain: string;
}): Promise<TestMta> {
  if (!isLocalMtaAvailable()) {
    throw new Error(
      'the test MTA needs root, postfix and dovecot-lmtpd (scripts/system-packages.mjs)',
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'alphamail-mta-'));
  try {
    const postfix = await startPostfix({
      dir,
      dovecotRunDir: join(opts.dovecot.dovecot.dir, 'run'),
      domain: opts.domain,
      users: opts.dovecot.users.map((u) => u.name),
    });
    return {
      port: postfix.port,
      submissionPort: postfix.port,
      dir,
      start: postfix.start,
      stop: postfix.stop,
      logText: postfix.logText,
      async remove() {
        await postfix.stop().catch(() => undefined);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
