// Tests that the frame a message page embeds is served from the message that page just fetched,
// once, for the same session only, and is the same document a fresh fetch gives. Scripted webcache.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startScriptedWebApp } from './web-fixtures.js';

const web = await startScriptedWebApp();
after(() => web.close());

async function get(url: string, cookie: string): Promise<{ status: number; body: string }> {
  const res = await web.app.inject({ method: 'GET', url, headers: { cookie } });
  return { status: res.statusCode, body: res.body };
}

void test('the frame after its page needs no second fetch; the next frame fetches again', async () => {
  const cookie = await web.signIn();
  const calls = web.webcache.getMessageCalls;
  const fresh = await get('/f/INBOX/7/body', cookie);
  assert.deepEqual(calls.slice(-1), [{ markRead: false }]);

  const before = calls.length;
  assert.equal((await get('/f/INBOX/7', cookie)).status, 200);
  const framed = await get('/f/INBOX/7/body', cookie);
  assert.deepEqual(calls.slice(before), [{ markRead: true }], 'only the page fetched');
  assert.equal(framed.status, 200);
  assert.equal(framed.body, fresh.body);

  const again = await get('/f/INBOX/7/body', cookie);
  assert.deepEqual(calls.slice(before), [{ markRead: true }, { markRead: false }]);
  assert.equal(again.body, fresh.body);
});

void test("another session's frame request does not get this session's page message", async () => {
  const first = await web.signIn();
  const second = await web.signIn();
  const calls = web.webcache.getMessageCalls;
  assert.equal((await get('/f/INBOX/7', first)).status, 200);
  const before = calls.length;
  assert.equal((await get('/f/INBOX/7/body', second)).status, 200);
  assert.deepEqual(calls.slice(before), [{ markRead: false }], 'the second session fetched');
  assert.equal((await get('/f/INBOX/7/body', first)).status, 200);
  assert.deepEqual(calls.slice(before), [{ markRead: false }], 'the first used its page message');
});

void test('a signed-out frame request is refused even right after the page', async () => {
  const cookie = await web.signIn();
  assert.equal((await get('/f/INBOX/7', cookie)).status, 200);
  const res = await get('/f/INBOX/7/body', '');
  assert.notEqual(res.status, 200);
});
