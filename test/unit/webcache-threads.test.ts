// Proves the conversation grouping: reply chains, missing parents, References alone, the subject
// fallback (Re:/Fwd:/AW:), cycles, repeated Message-IDs, and 10,000 messages in one go.
import assert from 'node:assert/strict';
import { test } from 'node:test';
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
