// Owns UID SORT (REVERSE DATE) (RFC 5256 §3): every UID of the selected mailbox, newest sent
// date first, from the server's own sort index. Must not be used without the SORT capability.
import type { ImapFlow } from 'imapflow';

interface Untagged {
  numbers?: number[];
  attributes?: { value?: unknown }[];
}

/**
 * imapflow 2.10 has no SORT command, and its public run() dispatches only its built-in names.
 * These are the members run() itself uses: preCheck ends a running IDLE before the command,
 * autoidle re-arms it afterwards.
 */
interface Atom {
  type: 'ATOM' | 'SEQUENCE';
  value: string;
}

/** Message sequence numbers `from` to `to` (RFC 3501 §9 seq-range); '*' is the last message. */
export interface SequenceRange {
  from: number;
  to: number | '*';
}

interface ImapFlowInternals {
  preCheck?: (() => Promise<void>) | null;
  exec(
    command: string,
    attributes: (Atom | Atom[])[],
    options: { untagged: Record<string, (untagged: Untagged | undefined) => Promise<void>> },
  ): Promise<{ next(): void }>;
  autoidle(): void;
}

export function canSortOnServer(client: ImapFlow): boolean {
  return client.capabilities.has('SORT');
}

/**
 * UIDs of the selected mailbox by sent date (RFC 5256: Date header, else INTERNALDATE), newest
 * first; only those of `range` when given (Dovecot then reads only those messages' headers).
 */
export async function uidsNewestFirst(
  client: ImapFlow,
  range: SequenceRange | null = null,
): Promise<number[]> {
  const internals = client as unknown as ImapFlowInternals;
  const uids: number[] = [];
  try {
    if (typeof internals.preCheck === 'function') await internals.preCheck();
    const response = await internals.exec(
      'UID SORT',
      [
        [
          { type: 'ATOM', value: 'REVERSE' },
          { type: 'ATOM', value: 'DATE' },
        ],
        { type: 'ATOM', value: 'UTF-8' },
        range === null
          ? { type: 'ATOM', value: 'ALL' }
          : { type: 'SEQUENCE', value: `${range.from}:${range.to}` },
      ],
      {
        untagged: {
          SORT: (untagged) => {
            if (untagged?.numbers) uids.push(...untagged.numbers);
            else for (const a of untagged?.attributes ?? []) uids.push(Number(a.value));
            return Promise.resolve();
          },
        },
      },
    );
    response.next();
  } finally {
    internals.autoidle();
  }
  return uids.filter((uid) => Number.isInteger(uid) && uid > 0);
}
