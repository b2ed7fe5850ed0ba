// Proves against a real Dovecot that storeFlags stores what it is given and rejects when the
// STORE is not done: imapflow itself answers a refused STORE with `false`, not an error.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ImapFlow } from 'imapflow';
import { isAlphaMailError } from '../../src/base/index.js';
import { generateMailbox } from '../../src/ops/index.js';
import { storeFlags } from '../../src/webcache/imap/store-flags.js';
import { startTestDovecot, type TestDovecot } from '../harness/dovecot.js';
import { serverFlags } from '../harness/expectations.js';

let dovecot: TestDovecot;

before(async () => {
  const messages = generateMailbox({
    seed: 3,
    count: 5,
    user: 'demo@demo.test',
    folders: ['INBOX'],
  });
  dovecot = await startTestDovecot({ messages });
});

after(async () => {
  await dovecot?.stop();
});

const flagsOf = (uid: number): Promise<Set<string>> => serverFlags(dovecot, 'INBOX', uid);

test('storeFlags adds and removes flags; a STORE that is not done rejects', async () => {
  const client = new ImapFlow(dovecot.imapOptions());
  await client.connect();
  await client.mailboxOpen('INBOX');
  await storeFlags(client, '1,2', ['\\Flagged'], 'add');
  assert.ok((await flagsOf(1)).has('\\Flagged'));
  assert.ok((await flagsOf(2)).has('\\Flagged'));
  await storeFlags(client, '2', ['\\Flagged'], 'remove');
  assert.ok(!(await flagsOf(2)).has('\\Flagged'));

  // Opened read-only (EXAMINE), Dovecot refuses the STORE: imapflow itself says only false.
  await client.mailboxOpen('INBOX', { readOnly: true });
  assert.equal(await client.messageFlagsAdd('3', ['\\Flagged'], { uid: true }), false);
  await assert.rejects(storeFlags(client, '3', ['\\Flagged'], 'add'), (err: unknown) =>
    isAlphaMailError(err, 'AM_IMAP_ERROR'),
  );
  assert.ok(!(await flagsOf(3)).has('\\Flagged'));
  await client.logout();
});
