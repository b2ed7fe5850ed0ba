// Owns starting the webcache in-process for integration tests: a config pointing at a test
// Dovecot (optionally through the counting proxy), a temp data dir and a unix socket.
// Must not fake IMAP: the webcache talks to the real Dovecot.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { silentLogger, type Logger } from '../../src/base/index.js';
import { testUser } from './dovecot.js';
import {
  defaultOpsConfig,
  type AlphaMailConfig,
  type DomainConfig,
} from '../../src/config/index.js';
import { namespacePrefix, namespaceSeparator, type DemoNamespace } from '../../src/ops/index.js';
import { createWebcacheClient, type WebcacheClient } from '../../src/protocol/index.js';
import { startWebcache, type Webcache } from '../../src/webcache/index.js';

export const testDomain = 'demo.test';

export function testDomainConfig(port: number, namespace: DemoNamespace): DomainConfig {
  return {
    domain: testDomain,
    imap: {
      host: '127.0.0.1',
      port,
      tls: 'starttls',
      allowInsecure: true,
      verifyCertificate: false,
    },
    prefix: namespacePrefix(namespace),
    separator: namespaceSeparator(namespace),
    smtp: null,
  };
}

export function testConfig(opts: {
  dir: string;
  domains: DomainConfig[];
  imapIdleTimeoutMinutes?: number;
}): AlphaMailConfig {
  return {
    file: join(opts.dir, 'alphamail_config'),
    webListen: { host: '127.0.0.1', port: 0 },
    publicUrl: 'http://127.0.0.1',
    dataDir: join(opts.dir, 'data'),
    webcache: { kind: 'unix', socketPath: join(opts.dir, 'webcache.sock') },
    domains: opts.domains,
    sessionIdleTimeoutMinutes: 60,
    defaultPageSize: 25,
    maxUploadBytes: 25 * 1024 * 1024,
    imapIdleTimeoutMinutes: opts.imapIdleTimeoutMinutes ?? 30,
    logLevel: 'warn',
    remoteFetchAllowPrivate: false,
    ops: defaultOpsConfig,
  };
}

export interface TestWebcache {
  dir: string;
  config: AlphaMailConfig;
  client: WebcacheClient;
  /** Stops the running webcache (keeping the data dir) and starts a new one on it. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startTestWebcache(opts: {
  domains: DomainConfig[];
  logger?: Logger;
}): Promise<TestWebcache> {
  const dir = mkdtempSync(join(tmpdir(), 'alphamail-webcache-'));
  const config = testConfig({ dir, domains: opts.domains });
  const logger = opts.logger ?? silentLogger();
  let running: Webcache | null = await startWebcache({ config, logger });
  const client = createWebcacheClient({
    kind: 'unix',
    socketPath: join(dir, 'webcache.sock'),
  });
  return {
    dir,
    config,
    client,
    async restart() {
      await running?.close();
      running = await startWebcache({ config, logger });
    },
    async stop() {
      await running?.close();
      running = null;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh session key as the web tier would make one. */
export function newSessionKey(): string {
  return randomBytes(18).toString('base64url');
}

/** Signs the test user in on a fresh session key and returns the key. */
export async function loginTestUser(webcache: { client: WebcacheClient }): Promise<string> {
  const session = newSessionKey();
  await webcache.client.call('login', {
    session,
    user: testUser.name,
    domain: testDomain,
    password: testUser.password,
  });
  return session;
}
