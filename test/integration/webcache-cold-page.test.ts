// A big folder seen for the first time answers its first date-sorted page before its index is
// built (UID SORT and a FETCH of that page only), with exactly the rows the full index gives;
// later pages wait for the full index, and page 1 shown again sends no IMAP command.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateMailbox } from '../../src/ops/index.js';
import { coldPreviewMinMessages } from '../../src/webcache/sync/cold-preview.js';
import { startTestDovecot, testUser } from '../harness/dovecot.js';
import { expectedOrder, manifestByUid } from '../harness/expectations.js';
import { startImapProxy } from '../harness/imap-proxy.js';
import { loginTestUser, startTestWebcache, testDomainConfig } from '../harness/webcache.js';

const pageSize = 25;
const messageCount = coldPreviewMinMessages + 1_000;

test('first page of a big cold folder comes before its index, equal to the full index', async () => {
  const messages = generateMailbox({
    seed: 4,
    count: messageCount,
    user: `${testUser.name}@demo.test`,
    folders: ['INBOX'],
  });
  const dovecot = await startTestDovecot({ namespace: 'slash', messages });
  const proxy = await startImapProxy({ host: '127.0.0.1', port: dovecot.dovecot.port });
  const webcache = await startTestWebcache({ domains: [testDomainConfig(proxy.port, 'slash')] });
  try {
    const byUid = await manifestByUid(dovecot, 'INBOX');
    const expected = expectedOrder(byUid, 'date', 'desc');
    const session = await loginTestUser(webcache);
    const view = { session, folder: 'INBOX', sort: 'date', order: 'desc' } as const;

    proxy.reset();
    const first = await webcache.client.call('listMessages', { ...view, page: 1, pageSize });
    const stats = await webcache.client.call('sessionStats', { session });
    assert.ok(
      stats.indexedMessages < messageCount,
      `answered before the index was complete (${stats.indexedMessages} indexed)`,
    );
    assert.match(proxy.log().join(' | '), /UID SORT \(REVERSE DATE\) UTF-8 ALL/);
    assert.deepEqual(
      first.messages.map((m) => m.uid),
      expected.slice(0, pageSize),
    );
    assert.equal(first.total, messageCount);
    assert.equal(first.pageCount, Math.ceil(messageCount / pageSize));
    assert.ok(first.messages.every((m) => m.snippet !== null));

    const second = await webcache.client.call('listMessages', { ...view, page: 2, pageSize });
    assert.deepEqual(
      second.messages.map((m) => m.uid),
      expected.slice(pageSize, 2 * pageSize),
    );
    assert.equal(
      (await webcache.client.call('sessionStats', { session })).indexedMessages,
      messageCount,
    );

    // The background snippet filler goes on through the folder; let it finish first.
    const deadline = Date.now() + 60_000;
    while ((await webcache.client.call('sessionStats', { session })).snippetsPending > 0) {
      assert.ok(Date.now() < deadline, 'the snippet filler finished in time');
      await new Promise((r) => setTimeout(r, 200));
    }
    proxy.reset();
    const again = await webcache.client.call('listMessages', { ...view, page: 1, pageSize });
    assert.deepEqual(again.messages, first.messages);
    assert.equal(proxy.counts().total, 0, `page 1 again sent: ${proxy.log().join(' | ')}`);
  } finally {
    await webcache.stop();
    await proxy.close();
    await dovecot.stop();
  }
});
