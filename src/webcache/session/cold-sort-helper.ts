// Owns the short-lived second IMAP connection that sorts the lower part of a big cold folder
// while the session's own connection sorts the rest. Must not outlive that one SORT (it logs out
// right after) and must not fail the caller: any failure only yields null.
import type { ImapFlow } from 'imapflow';
import { withDeadline } from '../../base/index.js';
import { uidsNewestFirst } from '../imap/uid-sort.js';
import type { LowerPart, SortedPart } from '../sync/cold-preview.js';
import { connectImap, type ConnectInput } from './imap-connect.js';

/**
 * Below this many listed messages the folder is sorted on the session's connection alone: the
 * extra login and EXAMINE (~0.3 s on 100,000 messages) only pay off when the SORT is long
 * (Dovecot 2.3 on 2 cores: ~1.7 s CPU for 100,000 uncached messages, ~0.95 s per half).
 */
export const coldSplitMinMessages = 20_000;
/** Login, EXAMINE and half a SORT; past this the caller sorts the whole folder itself. */
export const helperSortBudgetMs = 15_000;
/** LOGOUT may take this long before the helper's socket is simply closed. */
export const helperLogoutBudgetMs = 2_000;

export interface HelperSort extends LowerPart {
  /** Resolves once the helper connection is gone (logged out or closed); never rejects. */
  closed: Promise<void>;
  /** Closes the connection now if it is still working (the caller gave up on it). */
  cancel(): void;
}

/**
 * Opens one extra connection as the same user (same TLS policy), EXAMINEs `path` (read-only:
 * it must not reset \Recent nor race the session's SELECT), sorts messages 1..upTo newest first
 * and logs out. This is the only place the webcache opens a second connection per user, for
 * one SORT; Dovecot's per-user connection limit sees it for about a second.
 */
export function sortLowerPartOnHelper(
  input: ConnectInput & { path: string; upTo: number },
): HelperSort {
  const logger = input.logger.child({ helper: 'cold-sort' });
  let client: ImapFlow | null = null;
  let isCancelled = false;
  let resolvePart: (part: SortedPart | null) => void = () => undefined;
  const part = new Promise<SortedPart | null>((resolve) => (resolvePart = resolve));
  const cancel = (): void => {
    isCancelled = true;
    resolvePart(null);
    // Pending commands reject at once; a connection still being opened is closed below.
    client?.close();
  };
  // Not unref'd: the session's request waits on `part`.
  const timer = setTimeout(() => {
    logger.info({ budgetMs: helperSortBudgetMs }, 'helper sort too slow; abandoned');
    cancel();
  }, helperSortBudgetMs);

  const closed = (async (): Promise<void> => {
    try {
      client = await connectImap({ ...input, logger, isShortLived: true });
      if (isCancelled) return;
      await client.mailboxOpen(input.path, { readOnly: true });
      if (isCancelled) return;
      const uids = await uidsNewestFirst(client, { from: 1, to: input.upTo });
      const mailbox = client.mailbox;
      if (mailbox) {
        resolvePart({
          uids,
          exists: mailbox.exists,
          uidNext: mailbox.uidNext,
          uidValidity: mailbox.uidValidity,
        });
      }
    } catch (err) {
      if (!isCancelled) logger.info({ err }, 'helper sort failed; the session sorts it all');
    } finally {
      clearTimeout(timer);
      resolvePart(null); // No-op once the part was delivered.
      const open = client;
      client = null;
      if (open !== null) {
        // The caller merges the parts meanwhile: LOGOUT costs it nothing.
        if (isCancelled || !open.usable) open.close();
        else
          await withDeadline(helperLogoutBudgetMs, 'logout', () => open.logout()).catch(() =>
            open.close(),
          );
      }
    }
  })();

  return { upTo: input.upTo, part, closed, cancel };
}
