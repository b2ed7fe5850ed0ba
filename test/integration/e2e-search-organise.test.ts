// Proves organising search results end to end (web tier, webcache, Dovecot): a search over all
// folders ticked whole with "Select all on this page" and marked read changes every ticked
// message on the server, in each of its folders, and the unread search no longer finds them;
// ticked results of two folders moved to Archive arrive there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ImapFlow } from 'imapflow';
import { generateMailbox } from '../../src/ops/index.js';
import { startAlphaMail } from '../harness/alphamail.js';
import { startTestDovecot, testUser } from '../harness/dovecot.js';
import { csrfToken, FormClient } from '../harness/http-client.js';

const domain = 'demo.test';

/** The `message` checkbox values of a results page ("<uid> <folder>"), entities decoded. */
function tickedValues(body: string): { uid: number; folder: string }[] {
  return [...body.matchAll(/name="message" value="([^"]+)"/g)].map((m) => {
    const value = (m[1] ?? '')
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, '&');
    const space = value.indexOf(' ');
    return { uid: Number(value.slice(0, space)), folder: value.slice(space + 1) };
  });
}

function byFolder(list: readonly { uid: number; folder: string }[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const { uid, folder } of list) out.set(folder, [...(out.get(folder) ?? []), uid]);
  return out;
}

void test('search results are organised across folders', { timeout: 120_000 }, async (t) => {
  const messages = generateMailbox({ seed: 21, count: 160, user: `demo@${domain}` });
  const dovecot = await startTestDovecot({ messages });
  t.after(() => dovecot.stop());
  const app = await startAlphaMail({
    imapServers: `${domain}=127.0.0.1:${dovecot.dovecot.port}[/] insecure`,
    extraConfig: { default_page_size: '20' },
  });
  t.after(() => app.stop());
  const client = new FormClient(app.url);
  assert.equal((await client.signIn(testUser.name, testUser.password, domain)).status, 200);
  const imap = new ImapFlow(dovecot.imapOptions());
  await imap.connect();
  t.after(() => imap.logout());

  /** Posts the results page's organising form with the given messages ticked. */
  async function organise(
    page: string,
    ticked: readonly { uid: number; folder: string }[],
    fields: [string, string][],
  ): Promise<string> {
    const form = new URLSearchParams([
      ['_csrf', csrfToken((await client.get(page)).body)],
      ['selection', 'messages'],
      ['next', page],
      ['nextGone', page],
      ...ticked.map((m): [string, string] => ['message', `${m.uid} ${m.folder}`]),
      ...fields,
    ]);
    const res = await client.raw('/organise', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    assert.equal(res.status, 303, await res.text());
    return res.headers.get('location') ?? '';
  }

  await t.test('select all, mark read: every ticked message is read on the server', async () => {
    const unread = '/search?scope=all&unread=1';
    const page = await client.get(`${unread}&select=all`);
    assert.equal(page.status, 200);
    const ticked = tickedValues(page.body);
    assert.equal(ticked.length, 20);
    assert.equal(
      [...page.body.matchAll(/name="message" value="[^"]+" id="[^"]+" checked/g)].length,
      20,
    );
    const folders = byFolder(ticked);
    assert.ok(folders.size >= 2, `hits in ${[...folders.keys()].join(', ')}`);

    const location = await organise(unread, ticked, [['action', 'read']]);
    assert.equal(location, `${unread}&done=read&n=20`);
    for (const [folder, uids] of folders) {
      const lock = await imap.getMailboxLock(folder);
      try {
        for await (const m of imap.fetch(uids.join(','), { flags: true }, { uid: true })) {
          assert.ok(m.flags?.has('\\Seen'), `${folder} ${m.uid} is read on the server`);
        }
      } finally {
        lock.release();
      }
    }
    const again = await client.get(location);
    assert.match(again.body, /Marked 20 messages as read\./);
    const still = tickedValues(again.body).filter((h) =>
      ticked.some((m) => m.uid === h.uid && m.folder === h.folder),
    );
    assert.deepEqual(still, [], 'the unread search finds none of them any more');
  });

  await t.test('results of two folders moved to Archive arrive there', async () => {
    const search = '/search?scope=all&since=2024-01-01';
    const hits = tickedValues((await client.get(search)).body).filter(
      (h) => h.folder !== 'Archive',
    );
    const folders = byFolder(hits);
    const [first, second] = [...folders.keys()];
    assert.ok(first !== undefined && second !== undefined, 'hits in two folders besides Archive');
    const chosen = hits.filter((h) => h.folder === first || h.folder === second).slice(0, 4);
    assert.ok(new Set(chosen.map((h) => h.folder)).size === 2, 'two folders among the chosen');
    const ids = new Map<string, string>();
    for (const [folder, uids] of byFolder(chosen)) {
      const lock = await imap.getMailboxLock(folder);
      try {
        for await (const m of imap.fetch(uids.join(','), { envelope: true }, { uid: true })) {
          ids.set(`${m.uid} ${folder}`, m.envelope?.messageId ?? '');
        }
      } finally {
        lock.release();
      }
    }
    const location = await organise(search, chosen, [
      ['action', 'move'],
      ['moveTo', 'Archive'],
    ]);
    // Two folders moved: the webcache keeps one undo, so none is offered.
    assert.equal(location, `${search}&done=moved&n=${chosen.length}&to=Archive`);
    const lock = await imap.getMailboxLock('Archive');
    try {
      const inArchive = new Set<string>();
      for await (const m of imap.fetch('1:*', { envelope: true })) {
        inArchive.add(m.envelope?.messageId ?? '');
      }
      for (const [where, id] of ids) assert.ok(inArchive.has(id), `${where} is in Archive`);
    } finally {
      lock.release();
    }
  });
});
