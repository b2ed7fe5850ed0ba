// Proves the conversation grouping: reply chains, missing parents, References alone, the subject
// fallback (Re:/Fwd:/AW:), cycles, repeated Message-IDs, and 10,000 messages in one go.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FolderIndex, type IndexEntry } from '../../src/webcache/index/folder-index.js';
import {
  membersOf,
  messageAt,
  threadOfUid,
  threadRow,
  threadsOf,
} from '../../src/webcache/threads/folder-threads.js';
import { buildThreads } from '../../src/webcache/threads/thread-builder.js';
import { ThreadKeys, messageIdsIn } from '../../src/webcache/threads/thread-keys.js';
import { subjectKey } from '../../src/webcache/threads/subject.js';

interface M {
  id?: string;
  irt?: string;
  refs?: string;
  subject?: string;
  day?: number;
}

/** Groups as sorted lists of message numbers, sorted by their first member. */
function groups(messages: readonly M[]): number[][] {
  const keys = new ThreadKeys();
  messages.forEach((m, i) =>
    keys.add({
      messageId: m.id ?? '',
      inReplyTo: m.irt ?? '',
      references: m.refs ?? '',
      subject: m.subject ?? `unique ${i}`,
      dateMs: Date.UTC(2025, 0, 1 + (m.day ?? i)),
    }),
  );
  const set = buildThreads(keys.packed());
  const out: number[][] = [];
  for (let t = 0; t < set.count; t++) {
    out.push([...set.members.subarray(set.starts[t], set.starts[t + 1])].sort((a, b) => a - b));
  }
  // Every message is in exactly the group threadOf says.
  messages.forEach((_, i) => {
    const t = set.threadOf[i] ?? -1;
    assert.ok([...set.members.subarray(set.starts[t], set.starts[t + 1])].includes(i));
  });
  return out.sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0));
}

test('a reply chain by In-Reply-To is one conversation; others stay apart', () => {
  assert.deepEqual(
    groups([
      { id: '<a@x>' },
      { id: '<b@x>', irt: '<a@x>' },
      { id: '<c@x>', irt: '<b@x>' },
      { id: '<d@x>' },
      { id: '<e@x>', irt: '<d@x>' },
    ]),
    [
      [0, 1, 2],
      [3, 4],
    ],
  );
});

test('References alone link a message to an ancestor that is present', () => {
  assert.deepEqual(
    groups([{ id: '<a@x>' }, { id: '<c@x>', refs: '<a@x> <b@x>' }, { id: '<z@x>', refs: '<y@x>' }]),
    [[0, 1], [2]],
  );
});

test('siblings whose common parent is missing share one conversation', () => {
  assert.deepEqual(
    groups([
      { id: '<b@x>', refs: '<missing@x>' },
      { id: '<c@x>', irt: '<missing@x>' },
      { id: '<d@x>', refs: '<missing@x>\r\n <c@x>' },
      { id: '<e@x>' },
    ]),
    [[0, 1, 2], [3]],
  );
});

test('a child seen before its parent is joined when the parent arrives', () => {
  assert.deepEqual(
    groups([
      { id: '<c@x>', refs: '<a@x> <b@x>' },
      { id: '<b@x>', refs: '<a@x>' },
      { id: '<a@x>' },
      { id: '<q@x>' },
    ]),
    [[0, 1, 2], [3]],
  );
});

test('subject fallback: replies without references join the latest earlier starter', () => {
  assert.deepEqual(
    groups([
      { id: '<1@x>', subject: 'Budget 2025', day: 1 },
      { id: '<2@x>', subject: 'Re: Budget 2025', day: 2 },
      { id: '<3@x>', subject: 'AW: Re:  budget   2025', day: 3 },
      { id: '<4@x>', subject: 'Budget 2025', day: 10 },
      { id: '<5@x>', subject: 'RE[2]: Budget 2025', day: 11 },
      { id: '<6@x>', subject: 'Fwd: Budget 2025', day: 12 },
      { id: '<7@x>', subject: 'Re: Fwd: [team] Budget 2025', day: 13 },
    ]),
    // A forward starts its own conversation; a reply to it (Re: Fwd:) joins the latest
    // non-reply root of the same base subject, which is that forward.
    [
      [0, 1, 2],
      [3, 4],
      [5, 6],
    ],
  );
});

test('subject fallback: a reply older than every starter joins the first starter', () => {
  assert.deepEqual(
    groups([
      { id: '<r@x>', subject: 'Re: Trip', day: 1 },
      { id: '<s@x>', subject: 'Trip', day: 5 },
      { id: '<t@x>', subject: 'Trip', day: 9 },
    ]),
    [[0, 1], [2]],
  );
});

test('subject fallback: replies whose starter is absent join each other; empty subjects never', () => {
  assert.deepEqual(
    groups([
      { id: '<r1@x>', subject: 'Re: Lost' },
      { id: '<r2@x>', subject: 'SV: Lost' },
      { id: '<e1@x>', subject: '' },
      { id: '<e2@x>', subject: 'Re:' },
      { id: '<e3@x>', subject: 'Re: ' },
    ]),
    [[0, 1], [2], [3], [4]],
  );
});

test('same subject without reply markers stays apart', () => {
  assert.deepEqual(
    groups([
      { id: '<a@x>', subject: 'Hello' },
      { id: '<b@x>', subject: 'Hello' },
      { id: '<c@x>', subject: 'Fwd: Hello' },
    ]),
    [[0], [1], [2]],
  );
});

test('reference cycles are broken, not followed forever', () => {
  assert.deepEqual(
    groups([
      { id: '<a@x>', refs: '<b@x>' },
      { id: '<b@x>', refs: '<a@x>' },
      { id: '<c@x>', refs: '<c@x>' },
      { id: '<d@x>', refs: '<e@x> <d@x> <e@x>' },
      { id: '<f@x>' },
    ]),
    [[0, 1], [2], [3], [4]],
  );
});

test('a repeated Message-ID joins its twin; messages without one stand alone', () => {
  assert.deepEqual(
    groups([
      { id: '<a@x>' },
      { id: '<a@x>', refs: '<other@x>' },
      { id: '<b@x>', irt: '<a@x>' },
      {},
      {},
      { irt: '<a@x>' },
    ]),
    [[0, 1, 2, 5], [3], [4]],
  );
});

test('members are ordered by date, then by number', () => {
  const keys = new ThreadKeys();
  const day = (d: number) => Date.UTC(2025, 0, d);
  keys.add({ messageId: '<a@x>', inReplyTo: '', references: '', subject: 's', dateMs: day(5) });
  keys.add({ messageId: '<b@x>', inReplyTo: '<a@x>', references: '', subject: '', dateMs: day(9) });
  keys.add({ messageId: '<c@x>', inReplyTo: '<a@x>', references: '', subject: '', dateMs: day(1) });
  keys.add({ messageId: '<d@x>', inReplyTo: '<c@x>', references: '', subject: '', dateMs: day(5) });
  const set = buildThreads(keys.packed());
  assert.equal(set.count, 1);
  assert.deepEqual([...set.members], [2, 0, 3, 1]);
});

test('within the same second a parent comes before its reply, whatever their numbers', () => {
  // The reply (in the folder) is numbered before the original (in Sent), both sent at 10:00:00.
  const keys = new ThreadKeys();
  const at = Date.UTC(2025, 0, 1, 10, 0, 0);
  keys.add({
    messageId: '<r2@x>',
    inReplyTo: '<r1@x>',
    references: '<o@x> <r1@x>',
    subject: 'Re: s',
    dateMs: at,
  });
  keys.add({
    messageId: '<r1@x>',
    inReplyTo: '<o@x>',
    references: '<o@x>',
    subject: 'Re: s',
    dateMs: at,
  });
  keys.add({ messageId: '<o@x>', inReplyTo: '', references: '', subject: 's', dateMs: at });
  keys.add({
    messageId: '<x@x>',
    inReplyTo: '<o@x>',
    references: '<o@x>',
    subject: 'Re: s',
    dateMs: at - 1000,
  });
  const set = buildThreads(keys.packed());
  assert.equal(set.count, 1);
  // x is a second older; then o, its reply r1, and r1's reply r2.
  assert.deepEqual([...set.members], [3, 2, 1, 0]);
});

test('subject keys and id tokens', () => {
  assert.deepEqual(subjectKey('Re: Fwd: AW: [list] Hi  there (fwd)'), {
    base: 'hi there',
    isReply: true,
  });
  assert.deepEqual(subjectKey('Fwd: Hi'), { base: 'hi', isReply: false });
  assert.deepEqual(subjectKey('Reply needed: Hi'), { base: 'reply needed: hi', isReply: false });
  assert.deepEqual(messageIdsIn('<a@x> (comment) <b@x>'), ['<a@x>', '<b@x>']);
  assert.deepEqual(messageIdsIn('bare@x'), ['<bare@x>']);
  assert.deepEqual(messageIdsIn('junk'), []);
});

test('10,000 messages in chains of five thread correctly', () => {
  const total = 10_000;
  const chain = 5;
  const keys = new ThreadKeys();
  // Children first in each chain, so links are made before parents arrive.
  for (let i = total - 1; i >= 0; i--) {
    const start = i - (i % chain);
    const refs = [];
    for (let j = start; j < i; j++) refs.push(`<m${j}@x>`);
    keys.add({
      messageId: `<m${i}@x>`,
      inReplyTo: '',
      references: refs.join(' '),
      subject: i % chain === 0 ? `Topic ${i}` : `Re: Topic ${start}`,
      dateMs: i * 1000,
    });
  }
  const set = buildThreads(keys.packed());
  assert.equal(set.count, total / chain);
  for (let t = 0; t < set.count; t++) {
    const numbers = [...set.members.subarray(set.starts[t], set.starts[t + 1])];
    // Message number k holds m(total-1-k); oldest first means descending numbers.
    const ids = numbers.map((k) => total - 1 - k);
    const first = ids[0] ?? -1;
    assert.equal(first % chain, 0);
    assert.deepEqual(ids, [first, first + 1, first + 2, first + 3, first + 4]);
  }
});

function indexOf(path: string, entries: Partial<IndexEntry>[]): FolderIndex {
  const index = new FolderIndex({ path, uidValidity: 1, highestModseq: '', uidNext: 1 });
  index.append(
    entries.map((e, i) => ({
      uid: i + 1,
      flags: 1,
      size: 100,
      dateMs: 0,
      fromName: '',
      fromAddress: '',
      to: '',
      subject: '',
      messageId: '',
      inReplyTo: '',
      references: '',
      textPart: '1',
      textEncoding: 0,
      textCharset: 'utf-8',
      textSubtype: 1,
      snippet: null,
      ...e,
    })),
  );
  return index;
}

test('a folder joined with Sent: rows newest first, Sent copies of folder mail shown once', () => {
  const day = (d: number) => Date.UTC(2025, 0, d);
  const inbox = indexOf('INBOX', [
    { messageId: '<a@x>', subject: 'Plan', fromName: 'Ann', dateMs: day(1), snippet: 'a' },
    { messageId: '<q@x>', subject: 'Other', fromAddress: 'q@x', dateMs: day(3), flags: 0 },
    // Mail to oneself: the same message is in Sent too.
    { messageId: '<c@x>', references: '<a@x> <b@x>', fromName: 'Me', dateMs: day(5), flags: 0 },
  ]);
  const sent = indexOf('Sent', [
    { messageId: '<b@x>', inReplyTo: '<a@x>', fromName: 'Me', dateMs: day(2), snippet: 'b' },
    { messageId: '<c@x>', references: '<a@x> <b@x>', fromName: 'Me', dateMs: day(5) },
    { messageId: '<z@x>', fromName: 'Me', dateMs: day(9) },
  ]);
  const threads = threadsOf(inbox, sent);
  assert.equal(threadsOf(inbox, sent), threads, 'kept while neither index changes');
  // Sent-only conversations are not rows of INBOX.
  assert.deepEqual(
    [...threads.order].map((t) => threadRow(threads, t).row),
    [
      {
        uid: 3,
        subject: 'Plan',
        participants: ['Ann', 'Me'],
        count: 3,
        unread: 1,
        // The newest message (INBOX 3) has no preview yet; the row asks for it.
        snippet: null,
        latestDate: new Date(day(5)).toISOString(),
        // Ticking the row acts on the INBOX messages only, not on the reply in Sent.
        folderUids: [1, 3],
      },
      {
        uid: 2,
        subject: 'Other',
        participants: ['q@x'],
        count: 1,
        unread: 1,
        snippet: null,
        latestDate: new Date(day(3)).toISOString(),
        folderUids: [2],
      },
    ],
  );
  const members = membersOf(threads, threadOfUid(threads, 1)).map((n) => messageAt(threads, n));
  assert.deepEqual(
    members.map((m) => [m.inSent ? 'Sent' : 'INBOX', m.index.uidAt(m.slot)]),
    [
      ['INBOX', 1],
      ['Sent', 1],
      ['INBOX', 3],
    ],
  );
  assert.equal(threadRow(threads, threads.order[0] ?? 0).snippetUid, 3);
  inbox.setSnippet(3, 'c');
  assert.equal(threadRow(threads, threads.order[0] ?? 0).row.snippet, 'c');
  inbox.removeUids([3]);
  assert.notEqual(threadsOf(inbox, sent), threads, 'rebuilt after a removal');
  assert.equal(threadRow(threadsOf(inbox, sent), 0).row.count, 3, 'the Sent copy now counts');
});
