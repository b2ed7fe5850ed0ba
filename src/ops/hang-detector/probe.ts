// Owns one full query through the webcache as the test user: sign in, list folders, page 1 of
// INBOX, open its newest message, sign out; all under one deadline. Must not import webcache/
// (it has to work exactly when the webcache is stuck) nor mark the message read.
import { randomBytes } from 'node:crypto';
import { AlphaMailError, isAlphaMailError } from '../../base/index.js';
import type { WebcacheClient } from '../../protocol/index.js';

/** Index rows asked for: the newest message is all the probe opens. */
const probePageSize = 5;
/** Signing out after a probe may take this long; it is not part of the verdict. */
const logoutBudgetMs = 2000;
/** Random bytes of the probe's session key (base64url, like the web tier's). */
const sessionKeyBytes = 18;

export type HangProbeStep = 'login' | 'listFolders' | 'listMessages' | 'getMessage';

export interface HangProbeAccount {
  user: string;
  domain: string;
  password: string;
}

export type HangProbeResult =
  | { ok: true; ms: number; messages: number }
  | { ok: false; ms: number; step: HangProbeStep; code: string };

/** Runs the query; never throws: a failure names the step and the error code (no message text). */
export async function probeWebcache(
  client: WebcacheClient,
  account: HangProbeAccount,
  deadlineMs: number,
): Promise<HangProbeResult> {
  const started = Date.now();
  const remaining = (): number => Math.max(1, deadlineMs - (Date.now() - started));
  const session = randomBytes(sessionKeyBytes).toString('base64url');
  let step: HangProbeStep = 'login';
  let isSignedIn = false;
  try {
    await client.call('login', { session, ...account }, remaining());
    isSignedIn = true;
    step = 'listFolders';
    await client.call('listFolders', { session }, remaining());
    step = 'listMessages';
    const index = await client.call(
      'listMessages',
      { session, folder: 'INBOX', sort: 'date', order: 'desc', page: 1, pageSize: probePageSize },
      remaining(),
    );
    step = 'getMessage';
    const newest = index.messages[0];
    if (newest !== undefined) {
      await client.call(
        'getMessage',
        { session, folder: 'INBOX', uid: newest.uid, sort: 'date', order: 'desc', markRead: false },
        remaining(),
      );
    }
    if (Date.now() - started > deadlineMs) {
      throw new AlphaMailError('AM_TIMEOUT', `probe took longer than ${deadlineMs} ms`);
    }
    return { ok: true, ms: Date.now() - started, messages: index.total };
  } catch (err) {
    const code = isAlphaMailError(err) ? err.code : 'AM_INTERNAL';
    return { ok: false, ms: Date.now() - started, step, code };
  } finally {
    if (isSignedIn) await client.call('logout', { session }, logoutBudgetMs).catch(() => undefined);
  }
}
