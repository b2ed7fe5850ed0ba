// Owns storing flags through imapflow, which answers a refused or failed STORE (a dropped
// connection too) with `false` rather than an error: here that becomes AM_IMAP_ERROR, so no
// caller takes it for done and updates its index as if the server had the flags. Must not decide
// which flags change.
import type { ImapFlow } from 'imapflow';
import { AlphaMailError } from '../../base/index.js';

/** UID STORE ±FLAGS.SILENT of `flags` on the UID set `uids`; rejects when it was not done. */
export async function storeFlags(
  client: ImapFlow,
  uids: string,
  flags: readonly string[],
  change: 'add' | 'remove',
): Promise<void> {
  const options = { uid: true, silent: true };
  const isDone =
    change === 'add'
      ? await client.messageFlagsAdd(uids, [...flags], options)
      : await client.messageFlagsRemove(uids, [...flags], options);
  if (!isDone) {
    const sign = change === 'add' ? '+' : '-';
    throw new AlphaMailError('AM_IMAP_ERROR', `STORE ${sign}FLAGS ${flags.join(' ')} was not done`);
  }
}
