// The snippet store keeps previews in SQLite per account, folder and UIDVALIDITY: writes are
// readable at once, reach the table in one batch, and removals and a new UIDVALIDITY drop them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openDatabase } from '../../src/store/index.js';
import { webcacheMigrations } from '../../src/webcache/persist/index-store.js';
import { SnippetStore, snippetCacheEntries } from '../../src/webcache/persist/snippet-store.js';

function rows(db: ReturnType<typeof openDatabase>): { account: string; uid: number }[] {
  return db.prepare('SELECT account, uid FROM webcache_snippet ORDER BY account, uid').all() as {
    account: string;
    uid: number;
  }[];
}

test('writes are read back at once and reach SQLite in one batch on the next tick', async () => {
  const db = openDatabase(':memory:', [webcacheMigrations]);
  const store = new SnippetStore(db);
  const alice = store.forAccount('alice@example.org');
  const bob = store.forAccount('bob@example.org');
  for (let uid = 1; uid <= 300; uid++) alice.put('INBOX', 5, uid, `preview ${uid} — ✓`);
  bob.put('INBOX', 5, 1, 'bob only');
  assert.equal(rows(db).length, 0, 'nothing written before the batch');
  assert.equal(alice.get('INBOX', 5, 7), 'preview 7 — ✓');
  await new Promise((r) => setImmediate(r));
  assert.equal(rows(db).length, 301);
  // A fresh view of the account (no RAM cache) reads from SQLite; accounts never mix.
  const again = store.forAccount('alice@example.org');
  assert.equal(again.get('INBOX', 5, 1), 'preview 1 — ✓');
  assert.equal(again.get('INBOX', 6, 1), null, 'another UIDVALIDITY is another folder');
  assert.equal(store.forAccount('bob@example.org').get('INBOX', 5, 2), null);
  assert.equal(store.forAccount('bob@example.org').get('INBOX', 5, 1), 'bob only');
  db.close();
});

test('removals and a dropped folder delete rows, pending ones included', async () => {
  const db = openDatabase(':memory:', [webcacheMigrations]);
  const store = new SnippetStore(db);
  const alice = store.forAccount('alice@example.org');
  for (let uid = 1; uid <= 10; uid++) alice.put('INBOX', 5, uid, `p${uid}`);
  await new Promise((r) => setImmediate(r));
  alice.put('INBOX', 5, 11, 'p11');
  alice.remove('INBOX', 5, [2, 11]);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(
    rows(db).map((r) => r.uid),
    [1, 3, 4, 5, 6, 7, 8, 9, 10],
  );
  assert.equal(alice.get('INBOX', 5, 2), null);
  alice.removeFolder('INBOX', 5);
  assert.deepEqual(rows(db), []);
  assert.equal(alice.get('INBOX', 5, 1), null);
  db.close();
});

test('flush writes what is pending (the database closes after it)', () => {
  const db = openDatabase(':memory:', [webcacheMigrations]);
  const store = new SnippetStore(db);
  store.forAccount('a@example.org').put('Sent', 1, 9, 'last words');
  store.flush();
  assert.equal(rows(db).length, 1);
  db.close();
  store.flush();
});

test('the RAM cache per account holds at most snippetCacheEntries previews', async () => {
  const db = openDatabase(':memory:', [webcacheMigrations]);
  const store = new SnippetStore(db);
  const alice = store.forAccount('alice@example.org');
  const count = snippetCacheEntries * 3;
  for (let uid = 1; uid <= count; uid++) alice.put('INBOX', 5, uid, `p${uid}`);
  await new Promise((r) => setImmediate(r));
  // Deleting the table's rows behind the store's back shows what is still served from RAM.
  db.prepare('DELETE FROM webcache_snippet').run();
  let served = 0;
  for (let uid = 1; uid <= count; uid++) if (alice.get('INBOX', 5, uid) !== null) served++;
  assert.equal(served, snippetCacheEntries);
  db.close();
});
