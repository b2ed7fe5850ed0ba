// Proves the core end to end, the way a person without JavaScript uses it: a real Dovecot with
// seeded mail, `alphamail webcache` and `alphamail web` as processes, plain HTTP form posts, and
// the counting IMAP proxy between the webcache and Dovecot as the source of truth for the wire.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ImapFlow } from 'imapflow';
import { largeAttachmentMessage, type GeneratedMessage } from '../../src/ops/index.js';
import type { SortField, SortOrder } from '../../src/protocol/index.js';
import { startAlphaMail, type AlphaMailProcesses } from '../harness/alphamail.js';
import { startTestDovecot, testUser, type TestDovecot } from '../harness/dovecot.js';
import { expectedOrder, manifestByUid } from '../harness/expectations.js';
import { FormClient, csrfToken, type Page } from '../harness/http-client.js';
import { startImapProxy, waitForQuietWire, type ImapProxy } from '../harness/imap-proxy.js';
import { generateMailbox } from '../../src/ops/index.js';

const domain = 'demo.test';
const pageSize = 20;
/** How long IDLE may take to bring a delivered message into the index. */
const idleArrivalBudgetMs = 10_000;

async function signIn(client: FormClient, password = testUser.password, dom = domain) {
  const login = await client.get('/login');
  assert.equal(login.status, 200);
  return client.post('/login', {
    _csrf: csrfToken(login.body),
    user: testUser.name,
    password,
    domain: dom,
  });
}

/** The UIDs of the index rows, in page order. */
function rowUids(page: Page, folder: string): number[] {
  const tbody = /<tbody>([\s\S]*?)<\/tbody>/.exec(page.body)?.[1] ?? '';
  const prefix = `/f/${encodeURIComponent(folder)}/`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return [...tbody.matchAll(new RegExp(`href="${prefix}(\\d+)`, 'g'))].map((m) => Number(m[1]));
}

function decodeEntities(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** Text of the folder navigation, tags removed. */
function folderNavText(page: Page): string {
  const nav = /<nav[^>]*aria-label="Folders"[^>]*>([\s\S]*?)<\/nav>/.exec(page.body)?.[1] ?? '';
  return decodeEntities(nav.replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ');
}

async function allIndexUids(
  client: FormClient,
  folder: string,
  sort: SortField,
  order: SortOrder,
): Promise<number[]> {
  const uids: number[] = [];
  for (let page = 1; page < 100; page++) {
    const res = await client.get(
      `/f/${encodeURIComponent(folder)}?sort=${sort}&order=${order}&page=${page}`,
    );
    assert.equal(res.status, 200, `page ${page} of ${sort} ${order}`);
    const rows = rowUids(res, folder);
    uids.push(...rows);
    if (!res.body.includes(`page=${page + 1}`)) break;
  }
  return uids;
}

function uidOfKind(byUid: Map<number, GeneratedMessage>, pick: (m: GeneratedMessage) => boolean) {
  for (const [uid, m] of byUid) if (pick(m)) return { uid, message: m };
  throw new Error('the seeded mailbox has no such message');
}

interface Setup {
  dovecot: TestDovecot;
  proxy: ImapProxy;
  app: AlphaMailProcesses;
}

async function setUp(
  namespace: 'inbox-dot' | 'slash',
  messages: GeneratedMessage[],
): Promise<Setup> {
  const dovecot = await startTestDovecot({ namespace, messages });
  const proxy = await startImapProxy({ host: dovecot.dovecot.host, port: dovecot.dovecot.port });
  const spec = namespace === 'inbox-dot' ? '[INBOX.]' : '[/]';
  const app = await startAlphaMail({
    imapServers: `${domain}=127.0.0.1:${proxy.port}${spec} insecure, other.test=127.0.0.1:1[/] insecure`,
  });
  return { dovecot, proxy, app };
}

async function tearDown(s: Setup): Promise<void> {
  await s.app.stop();
  await s.proxy.close();
  await s.dovecot.stop();
}

void test(
  'core end to end on an [INBOX.] domain over plain HTTP',
  { timeout: 240_000 },
  async (t) => {
    const big = largeAttachmentMessage(20 * 1024 * 1024, 7);
    const messages = [...generateMailbox({ seed: 11, count: 160, user: `demo@${domain}` }), big];
    const s = await setUp('inbox-dot', messages);
    t.after(() => tearDown(s));
    const client = new FormClient(s.app.url);

    await t.test('sign-in: wrong password, unreachable server and good password', async () => {
      const wrong = await signIn(client, 'not-the-password');
      assert.equal(wrong.status, 401, 'AM_AUTH_FAILED is 401');
      assert.ok(!wrong.body.includes('not-the-password'), 'the page does not echo the password');
      const unreachable = await signIn(client, testUser.password, 'other.test');
      assert.equal(unreachable.status, 503, 'AM_IMAP_UNREACHABLE is 503');
      assert.notEqual(
        /role="alert"[\s\S]*?<\/div>/.exec(wrong.body)?.[0],
        /role="alert"[\s\S]*?<\/div>/.exec(unreachable.body)?.[0],
        'the two failures say different things',
      );
      const unknown = await signIn(client, testUser.password, 'nowhere.test');
      assert.equal(unknown.status, 400, 'AM_DOMAIN_UNKNOWN is 400');
      const before = client.cookie('am_session');
      const ok = await signIn(client);
      assert.equal(ok.status, 200);
      assert.match(ok.url, /\/f\/INBOX/);
      assert.ok(client.cookie('am_session'), 'a session cookie is set');
      assert.notEqual(client.cookie('am_session'), before);
    });

    await t.test('folder list: prefix removed, nesting, UTF-8 names', async () => {
      const page = await client.get('/f/INBOX');
      const nav = folderNavText(page);
      for (const name of [
        'Inbox',
        'Drafts',
        'Sent',
        'Junk',
        'Trash',
        'Archive',
        '2024',
        'Entwürfe',
      ]) {
        assert.ok(nav.includes(name), `${name} is listed: ${nav}`);
      }
      assert.ok(!nav.includes('INBOX.'), 'the INBOX. prefix is never shown');
      assert.ok(page.body.includes(`href="/f/${encodeURIComponent('INBOX.Archive.2024')}"`));
    });

    const byUid = await manifestByUid(s.dovecot, 'INBOX');

    await t.test(
      'index: every sort order and page equals the independent expectation',
      async () => {
        const settings = await client.get('/settings');
        await client.post('/settings', {
          _csrf: csrfToken(settings.body),
          pageSize: String(pageSize),
          sort: 'date',
          order: 'desc',
        });
        for (const sort of ['date', 'from', 'subject', 'size'] as const) {
          for (const order of ['asc', 'desc'] as const) {
            assert.deepEqual(
              await allIndexUids(client, 'INBOX', sort, order),
              expectedOrder(byUid, sort, order),
              `${sort} ${order}`,
            );
          }
        }
      },
    );

    await t.test(
      'warm pages, other sorts and re-views send no LOGIN, SELECT or FETCH',
      async () => {
        await waitForQuietWire(s.proxy);
        s.proxy.reset();
        await allIndexUids(client, 'INBOX', 'subject', 'asc');
        await client.get('/f/INBOX?sort=size&order=desc&page=2');
        await client.get('/f/INBOX');
        await client.get('/f/INBOX');
        const counts = s.proxy.counts();
        assert.equal(counts.commands.LOGIN ?? 0, 0);
        assert.equal(counts.commands.SELECT ?? 0, 0);
        assert.equal(counts.commands.EXAMINE ?? 0, 0);
        assert.equal(counts.commands.FETCH ?? 0, 0);
        assert.equal(counts.connections, 0);
      },
    );

    await t.test('a message delivered from outside appears by itself (IDLE)', async () => {
      const outside = new ImapFlow(s.dovecot.imapOptions());
      await outside.connect();
      const subject = `Delivered from outside ${Date.now()}`;
      await outside.append(
        'INBOX',
        `From: Outside <outside@example.org>\r\nTo: demo@${domain}\r\nSubject: ${subject}\r\n` +
          `Date: ${new Date().toUTCString()}\r\nMessage-ID: <outside-${Date.now()}@example.org>\r\n\r\nHello.\r\n`,
      );
      await outside.logout();
      const deadline = Date.now() + idleArrivalBudgetMs;
      let seen = false;
      while (!seen && Date.now() < deadline) {
        seen = (await client.get('/f/INBOX?sort=date&order=desc')).body.includes(subject);
        if (!seen) await new Promise((r) => setTimeout(r, 250));
      }
      assert.ok(seen, 'the new message is in the index without any action by the user');
    });

    await t.test('message view: plain, HTML, alternative, nested, non-ASCII', async () => {
      const kinds = ['plain', 'html', 'alternative', 'nested'] as const;
      for (const kind of kinds) {
        const { uid, message } = uidOfKind(byUid, (m) => m.kind === kind);
        const page = await client.get(`/f/INBOX/${uid}`);
        assert.equal(page.status, 200, kind);
        assert.ok(decodeEntities(page.body).includes(message.expect.subject), `${kind} subject`);
        assert.ok(decodeEntities(page.body).includes(message.expect.from.address), `${kind} from`);
        if (message.expect.html !== null) {
          assert.match(page.body, /<iframe[^>]+sandbox="allow-same-origin allow-popups/);
          assert.doesNotMatch(page.body, /<iframe[^>]+allow-scripts/);
          const frame = await client.get(`/f/INBOX/${uid}/body`);
          assert.equal(frame.status, 200);
          assert.match(frame.headers.get('content-security-policy') ?? '', /default-src 'none'/);
          assert.doesNotMatch(frame.body, /<script/i);
        } else {
          const firstLine = (message.expect.text ?? '')
            .split('\n')
            .find((l) => l.trim().length > 8);
          assert.ok(
            firstLine &&
              decodeEntities(page.body.replace(/<[^>]+>/g, '')).includes(firstLine.trim()),
            `${kind} text: ${firstLine} in ${/<pre[\s\S]*?<\/pre>/.exec(page.body)?.[0]}`,
          );
        }
      }
      const foreign = uidOfKind(
        byUid,
        (m) =>
          m.expect.charset !== 'utf-8' && m.expect.charset !== 'us-ascii' && m.expect.text !== null,
      );
      const page = await client.get(`/f/INBOX/${foreign.uid}`);
      assert.ok(
        decodeEntities(page.body).includes(foreign.message.expect.subject),
        foreign.message.expect.charset,
      );
      assert.doesNotMatch(page.body, /=\?[^?]+\?[BQbq]\?/, 'no raw encoded words are left');
    });

    await t.test('attachments download byte-exact; view source is the raw message', async () => {
      const { uid, message } = uidOfKind(
        byUid,
        (m) => m.kind === 'mixed' && m.expect.attachments.length > 1,
      );
      const page = await client.get(`/f/INBOX/${uid}`);
      const links = [
        ...page.body.matchAll(/href="(\/f\/INBOX\/\d+\/part\/[\d.]+)"[^>]*>([^<]+)</g),
      ];
      const wanted = message.expect.attachments.filter((a) => a.disposition === 'attachment');
      assert.equal(links.length, wanted.length);
      // Listed in MIME order, which is the generator's order; names may repeat.
      for (const [i, attachment] of wanted.entries()) {
        const link = links[i];
        assert.ok(link, `${attachment.filename} is listed`);
        assert.equal(decodeEntities(link[2] ?? ''), attachment.filename);
        const res = await client.raw(link[1] ?? '');
        assert.equal(res.status, 200);
        assert.match(res.headers.get('content-disposition') ?? '', /^attachment/);
        assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
        const got = Buffer.from(await res.arrayBuffer());
        assert.ok(
          got.equals(attachment.content),
          `${attachment.filename}: ${got.length} ${JSON.stringify(got.subarray(0, 80).toString())} vs ${attachment.content.length} ${JSON.stringify(attachment.content.subarray(0, 80).toString())}`,
        );
      }
      const source = await client.raw(`/f/INBOX/${uid}/source`);
      assert.match(source.headers.get('content-type') ?? '', /^text\/plain/);
      assert.ok(Buffer.from(await source.arrayBuffer()).equals(message.raw));
    });

    await t.test(
      'opening a message with a 20 MB attachment reads under 1 MB from IMAP',
      async () => {
        const uid = [...byUid].find(([, m]) => m === big)?.[0];
        assert.ok(uid, 'the large message is seeded');
        await waitForQuietWire(s.proxy);
        s.proxy.reset();
        const page = await client.get(`/f/INBOX/${uid}`);
        assert.equal(page.status, 200);
        assert.ok(
          s.proxy.counts().bytesFromServer < 1024 * 1024,
          `${s.proxy.counts().bytesFromServer} bytes`,
        );
        const attachment = big.expect.attachments[0];
        assert.ok(attachment);
        const link = /href="(\/f\/INBOX\/\d+\/part\/[\d.]+)"/.exec(page.body)?.[1];
        assert.ok(link);
        const res = await client.raw(link);
        assert.ok(
          Buffer.from(await res.arrayBuffer()).equals(attachment.content),
          '20 MB byte-exact',
        );
      },
    );

    await t.test(
      'webcache killed mid-session: restarting page, then the next click just works',
      async () => {
        await s.app.killWebcache('SIGKILL');
        const down = await client.get('/f/INBOX');
        assert.equal(down.status, 503);
        assert.ok(!/at \w+ \(|node:internal|\.js:\d+/.test(down.body), 'no stack trace');
        await s.app.startWebcache();
        const logins = s.proxy.counts().logins;
        const back = await client.get('/f/INBOX');
        assert.equal(back.status, 200, 'no sign-in asked');
        assert.equal(rowUids(back, 'INBOX').length, pageSize);
        assert.equal(
          s.proxy.counts().logins,
          logins + 1,
          'the web tier signed in again on its own',
        );
      },
    );

    await t.test('sign out ends the web session and the IMAP session', async () => {
      const page = await client.get('/f/INBOX');
      const logouts = s.proxy.counts().commands.LOGOUT ?? 0;
      const out = await client.post('/logout', { _csrf: csrfToken(page.body) });
      assert.match(out.url, /\/login/);
      assert.equal(s.proxy.counts().commands.LOGOUT ?? 0, logouts + 1);
      const after = await client.get('/f/INBOX');
      assert.match(after.url, /\/login/);
    });
  },
);

void test('folder list of a [/] domain', { timeout: 120_000 }, async (t) => {
  const s = await setUp('slash', generateMailbox({ seed: 3, count: 40, user: `demo@${domain}` }));
  t.after(() => tearDown(s));
  const client = new FormClient(s.app.url);
  const home = await signIn(client);
  assert.equal(home.status, 200);
  const nav = folderNavText(home);
  for (const name of ['Inbox', 'Sent', 'Archive', '2024', 'Entwürfe'])
    assert.ok(nav.includes(name), name);
  assert.ok(home.body.includes(`href="/f/${encodeURIComponent('Archive/2024')}"`));
  assert.ok(!nav.includes('Archive/2024'), 'nesting is shown by structure, not the separator');
});
