// Proves writing mail in the web tier without JavaScript, as plain form posts (urlencoded and
// multipart) against the scripted webcache: new message, reply, save, attach, remove, send,
// a refused send, bad addresses, an upload over the limit, the identity settings, autosave, and
// that each of these is refused without the session's CSRF token.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { composeFields, decodeEntities, fieldValue } from '../harness/compose-client.js';
import { csrfToken } from '../harness/http-client.js';
import { startScriptedWebApp, type ScriptedWebApp } from './web-fixtures.js';

/** Small, so a test can go over it with a few kilobytes. */
const uploadLimitBytes = 4096;

let scripted: ScriptedWebApp;
let webcache: ScriptedWebApp['webcache'];
let app: FastifyInstance;

before(async () => {
  scripted = await startScriptedWebApp({ maxUploadBytes: uploadLimitBytes });
  ({ app, webcache } = scripted);
});

after(() => scripted.close());

beforeEach(() => {
  webcache.compose.reset();
});

function signIn(): Promise<string> {
  return scripted.signIn();
}

function get(url: string, cookie: string) {
  return app.inject({ method: 'GET', url, headers: { cookie } });
}

function postForm(url: string, cookie: string, form: Record<string, string | string[]>) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) {
    for (const one of Array.isArray(v) ? v : [v]) params.append(k, one);
  }
  return app.inject({
    method: 'POST',
    url,
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: params.toString(),
  });
}

interface FilePart {
  name: string;
  type: string;
  bytes: Buffer;
}

/** A multipart post as a browser sends the compose form: fields in page order, then files. */
function postMultipart(
  url: string,
  cookie: string,
  form: Record<string, string | string[]>,
  files: FilePart[] = [],
) {
  const data = new FormData();
  for (const [k, v] of Object.entries(form)) {
    for (const one of Array.isArray(v) ? v : [v]) data.append(k, one);
  }
  for (const f of files)
    data.append('files', new Blob([new Uint8Array(f.bytes)], { type: f.type }), f.name);
  return app.inject({ method: 'POST', url, headers: { cookie }, payload: data });
}

const typed = {
  to: 'Ann <ann@x.org>, "Doe, John" <j@y.com>',
  cc: 'bob@z.net',
  bcc: '',
  subject: 'Grüße & <tags> "quoted"',
  text: 'Hello,\n\n  indented line & <b>not bold</b>\nBye',
};

/** Opens the compose page at `pageUrl`, fills in `typed` and posts it with `action`. */
async function submitTyped(
  cookie: string,
  action: string,
  pageUrl = '/compose',
  files: FilePart[] = [],
) {
  const page = await get(pageUrl, cookie);
  const form = { ...composeFields(page.body), ...typed, action };
  return postMultipart('/compose', cookie, form, files);
}

void test('the compose page: one h1, labelled fields, datalist suggestions, From identity', async () => {
  const cookie = await signIn();
  const page = await get('/compose', cookie);
  assert.equal(page.statusCode, 200);
  assert.equal((page.body.match(/<h1[\s>]/g) ?? []).length, 1);
  assert.match(page.body, /<h1>New message<\/h1>/);
  assert.match(page.body, /<title>New message — AlphaMail<\/title>/);
  assert.match(page.body, /enctype="multipart\/form-data"/);
  for (const [id, label] of [
    ['compose-to', 'To'],
    ['compose-cc', 'Cc'],
    ['compose-bcc', 'Bcc'],
    ['compose-subject', 'Subject'],
    ['compose-text', 'Message'],
    ['compose-files', 'Files to attach'],
  ]) {
    assert.match(page.body, new RegExp(`<label for="${id}">${label}</label>`), id);
  }
  assert.equal((page.body.match(/list="address-suggestions"/g) ?? []).length, 3);
  assert.deepEqual(
    [...page.body.matchAll(/<option value="([^"]*)"><\/option>/g)].map((m) =>
      decodeEntities(m[1] ?? ''),
    ),
    ['Bob Example <bob@example.edu>', '"Lee, Carol" <carol@example.org>'],
  );
  assert.match(page.body, /<span>alice@example\.edu<\/span>/);
  assert.equal(fieldValue(page.body, 'text'), '');
  for (const action of ['send', 'save', 'attach']) {
    assert.match(page.body, new RegExp(`name="action" value="${action}"`));
  }
  assert.match(page.body, /href="\/compose" data-shortcut="c"/);
  // The first submit button is the one Enter in a text field presses: Attach, never Send.
  const firstSubmit = /<button type="submit"[^>]*name="action" value="(\w+)"/.exec(
    page.body.slice(page.body.indexOf('class="compose"')),
  );
  assert.equal(firstSubmit?.[1], 'attach');
});

void test('identity settings: saved, used as From, signature below new messages', async () => {
  const cookie = await signIn();
  const settings = await get('/settings', cookie);
  assert.equal(fieldValue(settings.body, 'address'), 'alice@example.edu');
  const saved = await postForm('/settings/identity', cookie, {
    _csrf: csrfToken(settings.body),
    displayName: '  Alice  Liddell ',
    address: 'alice@bücher.example',
    signature: 'Alice\r\nRabbit hole 1\r\n\r\n',
  });
  assert.equal(saved.statusCode, 303);
  assert.equal(saved.headers.location, '/settings?saved=1');
  const again = await get('/settings', cookie);
  assert.equal(fieldValue(again.body, 'displayName'), 'Alice  Liddell');
  assert.equal(fieldValue(again.body, 'address'), 'alice@bücher.example');
  assert.equal(fieldValue(again.body, 'signature'), 'Alice\nRabbit hole 1');
  const compose = await get('/compose', cookie);
  assert.match(compose.body, /<span>Alice {2}Liddell &lt;alice@bücher\.example&gt;<\/span>/);
  assert.equal(fieldValue(compose.body, 'text'), '\n\n-- \nAlice\nRabbit hole 1');

  const bad = await postForm('/settings/identity', cookie, {
    _csrf: csrfToken(again.body),
    displayName: 'Alice',
    address: 'alice at home',
    signature: 'kept',
  });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /role="alert"/);
  assert.match(bad.body, /“alice at home” is not a valid email address\./);
  assert.match(
    bad.body,
    /id="identity-address"[^>]*aria-describedby="identity-address-error" aria-invalid="true"/,
  );
  assert.equal(fieldValue(bad.body, 'address'), 'alice at home');
  assert.equal(fieldValue(bad.body, 'signature'), 'kept');
  // Put the default back for the other tests.
  await postForm('/settings/identity', cookie, {
    _csrf: csrfToken(again.body),
    displayName: '',
    address: 'alice@example.edu',
    signature: '',
  });
});

void test('Save draft: the draft is stored as typed, the page comes back with a notice', async () => {
  const cookie = await signIn();
  const res = await submitTyped(cookie, 'save', '/compose?back=Work');
  assert.equal(res.statusCode, 303);
  assert.equal(res.headers.location, '/compose?draft=Drafts%2F100&back=Work&saved=1');
  assert.deepEqual(webcache.compose.drafts.get(100), {
    from: { name: '', address: 'alice@example.edu' },
    to: [
      { name: 'Ann', address: 'ann@x.org' },
      { name: 'Doe, John', address: 'j@y.com' },
    ],
    cc: [{ name: '', address: 'bob@z.net' }],
    bcc: [],
    subject: typed.subject,
    text: typed.text,
    inReplyTo: null,
    references: [],
    attachments: [],
    replacesDraft: null,
    answers: null,
  });
  const back = await get(res.headers.location, cookie);
  assert.equal(back.statusCode, 200);
  assert.match(back.body, /<p class="status-notice" role="status">Draft saved\.<\/p>/);
  assert.match(back.body, /<h1>Edit draft<\/h1>/);
  for (const k of ['to', 'cc', 'subject', 'text'] as const) {
    assert.equal(fieldValue(back.body, k), typed[k], k);
  }
  assert.equal(fieldValue(back.body, 'draft'), 'Drafts/100');

  // Saving again replaces the stored draft.
  const resave = await postForm('/compose', cookie, {
    ...composeFields(back.body),
    subject: 'Changed',
    action: 'save',
  });
  assert.equal(resave.headers.location, '/compose?draft=Drafts%2F101&back=Work&saved=1');
  assert.deepEqual(webcache.compose.drafts.get(101)?.replacesDraft, { folder: 'Drafts', uid: 100 });
  assert.equal(webcache.compose.drafts.has(100), false);
});

void test('Attach uploads the files, saves the draft and reopens it; Remove drops one', async () => {
  const cookie = await signIn();
  const one = Buffer.from([0, 1, 2, 255, 254, 10, 13]);
  const two = Buffer.from('plain text ✓\n', 'utf8');
  const res = await submitTyped(cookie, 'attach', '/compose', [
    { name: 'bytes.bin', type: 'application/octet-stream', bytes: one },
    { name: 'notes ✓.txt', type: 'text/plain', bytes: two },
  ]);
  assert.equal(res.statusCode, 303);
  assert.equal(res.headers.location, '/compose?draft=Drafts%2F100&back=INBOX');
  const uploads = [...webcache.compose.uploads.values()];
  assert.deepEqual(
    uploads.map((u) => [u.filename, u.contentType, u.data.toString('hex')]),
    [
      ['bytes.bin', 'application/octet-stream', one.toString('hex')],
      ['notes ✓.txt', 'text/plain', two.toString('hex')],
    ],
  );
  const stored = webcache.compose.drafts.get(100);
  assert.deepEqual(
    stored?.attachments,
    [...webcache.compose.uploads.keys()].map((id) => ({ kind: 'upload', id })),
  );
  assert.equal(stored?.subject, typed.subject);
  const reopened = await get(res.headers.location, cookie);
  assert.match(reopened.body, /<legend>Attachments \(2\)<\/legend>/);
  assert.match(
    reopened.body,
    /bytes\.bin<\/span>\s*<span class="attachment-meta">application\/octet-stream, 7 bytes/,
  );
  assert.match(reopened.body, /Remove<span class="visually-hidden"> notes ✓\.txt<\/span>/);

  const removed = await postMultipart('/compose', cookie, {
    ...composeFields(reopened.body),
    remove: '0',
  });
  assert.equal(removed.statusCode, 303);
  assert.equal(removed.headers.location, '/compose?draft=Drafts%2F101&back=INBOX');
  assert.deepEqual(webcache.compose.drafts.get(101)?.attachments, [
    { kind: 'part', folder: 'Drafts', uid: 100, part: '3' },
  ]);
  const after = await get(removed.headers.location ?? '', cookie);
  assert.match(after.body, /<legend>Attachments \(1\)<\/legend>/);
  assert.match(after.body, /notes ✓\.txt/);
  assert.doesNotMatch(after.body, /bytes\.bin/);
});

void test('Send: submitted as typed, back to the folder with "Message sent"', async () => {
  const cookie = await signIn();
  const res = await submitTyped(cookie, 'send', '/compose?back=Work%2FProjects');
  assert.equal(res.statusCode, 303);
  assert.equal(res.headers.location, '/f/Work%2FProjects?sent=1');
  assert.equal(webcache.compose.sent.length, 1);
  assert.deepEqual(webcache.compose.sent[0]?.to, [
    { name: 'Ann', address: 'ann@x.org' },
    { name: 'Doe, John', address: 'j@y.com' },
  ]);
  assert.equal(webcache.compose.sent[0]?.text, typed.text);
  const folder = await get(res.headers.location ?? '', cookie);
  assert.match(
    folder.body,
    /<p class="status-notice" role="status" tabindex="-1" autofocus>Message sent\.<\/p>/,
  );
});

void test('recipients refused while the others got it are named on the folder page', async () => {
  const cookie = await signIn();
  webcache.compose.refuseRecipients(['j@y.com']);
  const res = await submitTyped(cookie, 'send');
  assert.equal(res.statusCode, 303);
  assert.equal(res.headers.location, '/f/INBOX?sent=1&refused=j%40y.com');
  const folder = await get(res.headers.location ?? '', cookie);
  assert.match(
    folder.body,
    /role="status"[^>]*>Message sent, but the mail server refused j@y\.com: they will not receive it\.<\/p>/,
  );
  // The URL only names addresses: anything else in it is not shown.
  const crafted = await get(
    `/f/INBOX?sent=1&refused=${encodeURIComponent('Call 555 now,<b>x</b>@y')}`,
    cookie,
  );
  assert.match(crafted.body, /role="status"[^>]*>Message sent\.<\/p>/);
  assert.doesNotMatch(crafted.body, /Call 555/);
});

void test('a refused send shows the reason and the kept draft with its attachments', async () => {
  const cookie = await signIn();
  webcache.compose.failSend('The mail server refused ann@x.org: no such user.');
  const res = await submitTyped(cookie, 'send', '/compose', [
    { name: 'a.txt', type: 'text/plain', bytes: Buffer.from('attached') },
  ]);
  assert.equal(res.statusCode, 502);
  assert.match(res.body, /role="alert"/);
  assert.match(res.body, /<h2>The message was not sent<\/h2>/);
  assert.match(
    res.body,
    /The mail server refused ann@x\.org: no such user\. What you wrote is kept in Drafts\./,
  );
  assert.equal(fieldValue(res.body, 'draft'), 'Drafts/100');
  for (const k of ['to', 'cc', 'subject', 'text'] as const) {
    assert.equal(fieldValue(res.body, k), typed[k], k);
  }
  assert.match(res.body, /<legend>Attachments \(1\)<\/legend>/);
  assert.match(res.body, /a\.txt<\/span>/);
  assert.equal(webcache.compose.sent.length, 0);
  assert.equal(webcache.compose.drafts.size, 1);
});

void test('a bad address: 400, named, tied to its field, every field kept as typed', async () => {
  const cookie = await signIn();
  const page = await get('/compose', cookie);
  const original = composeFields(page.body);
  const fields = {
    ...original,
    to: 'Ann <ann@x.org>, bob, "Doe, John" <j@y.com>',
    cc: '  carol@example.org ;',
    bcc: 'dave@example.net',
    subject: typed.subject,
    text: typed.text,
  };
  for (const action of ['send', 'save', 'attach']) {
    webcache.compose.reset();
    const res = await postMultipart('/compose', cookie, { ...fields, action });
    assert.equal(res.statusCode, 400, action);
    assert.match(res.body, /role="alert"/);
    assert.match(
      res.body,
      /<a href="#compose-to">“bob” in To is not a valid email address: it has no @\.<\/a>/,
    );
    assert.match(
      res.body,
      /id="compose-to"[^>]*aria-describedby="compose-to-error" aria-invalid="true"/,
    );
    assert.match(res.body, /<p class="field-error" id="compose-to-error">/);
    for (const k of ['to', 'cc', 'bcc', 'subject', 'text'] as const) {
      assert.equal(fieldValue(res.body, k), fields[k], `${action} ${k}`);
    }
    assert.equal(fieldValue(res.body, 'state'), original.state);
    assert.deepEqual(webcache.compose.drafts.size + webcache.compose.sent.length, 0);
  }
  const inBcc = await postForm('/compose', cookie, {
    ...fields,
    to: '',
    bcc: 'x@@y',
    action: 'save',
  });
  assert.equal(inBcc.statusCode, 400);
  assert.match(inBcc.body, /<a href="#compose-bcc">“x@@y” in Bcc is not a valid email address/);
});

void test('an upload over the limit gives a clear message and keeps everything', async () => {
  const cookie = await signIn();
  const page = await get('/compose', cookie);
  const fields = { ...composeFields(page.body), ...typed, action: 'attach' };
  const res = await postMultipart('/compose', cookie, fields, [
    { name: 'small.txt', type: 'text/plain', bytes: Buffer.from('fits') },
    {
      name: 'big.bin',
      type: 'application/octet-stream',
      bytes: Buffer.alloc(uploadLimitBytes + 1),
    },
  ]);
  assert.equal(res.statusCode, 413);
  assert.match(res.body, /role="alert"/);
  assert.match(
    res.body,
    /<a href="#compose-files">“big\.bin” is larger than the limit of 4 KB, so it was not attached\.<\/a>/,
  );
  for (const k of ['to', 'cc', 'subject', 'text'] as const) {
    assert.equal(fieldValue(res.body, k), typed[k], k);
  }
  // The file that fitted is uploaded and listed, so it is not lost either.
  assert.deepEqual(
    [...webcache.compose.uploads.values()].map((u) => u.filename),
    ['small.txt'],
  );
  assert.match(res.body, /<legend>Attachments \(1\)<\/legend>/);
  assert.equal(webcache.compose.drafts.size, 0);
  // Exactly at the limit is fine.
  const atLimit = await postMultipart('/compose', cookie, composeFields(res.body), [
    { name: 'exact.bin', type: 'application/octet-stream', bytes: Buffer.alloc(uploadLimitBytes) },
  ]);
  assert.equal(atLimit.statusCode, 303);
  assert.equal(webcache.compose.drafts.get(100)?.attachments.length, 2);
});

void test('reply from the message page: links with shortcuts, prefilled, sent as an answer', async () => {
  const cookie = await signIn();
  const message = await get('/f/INBOX/5', cookie);
  assert.match(
    message.body,
    /href="\/compose\?mode=reply&amp;message=INBOX%2F5&amp;back=INBOX"\s+data-shortcut="r"/,
  );
  assert.match(message.body, /mode=replyAll[^"]*"\s+data-shortcut="a"/);
  assert.match(message.body, /mode=forward&amp;[^"]*"\s+data-shortcut="f"/);
  assert.match(message.body, /mode=forwardAsAttachment/);
  const reply = await get('/compose?mode=reply&message=INBOX%2F5&back=INBOX', cookie);
  assert.equal(reply.statusCode, 200);
  assert.match(reply.body, /<h1>Reply<\/h1>/);
  assert.match(reply.body, /<title>Reply: Re: Lunch — AlphaMail<\/title>/);
  assert.equal(fieldValue(reply.body, 'to'), 'Bob <bob@example.edu>');
  assert.equal(fieldValue(reply.body, 'subject'), 'Re: Lunch');
  assert.equal(fieldValue(reply.body, 'text'), '\n\nBob wrote:\n> See you at noon\n');
  assert.deepEqual(webcache.compose.composeFromCalls, [
    { folder: 'INBOX', uid: 5, mode: 'reply', from: { name: '', address: 'alice@example.edu' } },
  ]);
  const sent = await postMultipart('/compose', cookie, {
    ...composeFields(reply.body),
    text: `Yes!${fieldValue(reply.body, 'text')}`,
    action: 'send',
  });
  assert.equal(sent.statusCode, 303);
  assert.equal(sent.headers.location, '/f/INBOX?sent=1');
  const draft = webcache.compose.sent[0];
  assert.equal(draft?.inReplyTo, '<lunch@example.edu>');
  assert.deepEqual(draft?.references, ['<lunch@example.edu>']);
  assert.deepEqual(draft?.answers, { folder: 'INBOX', uid: 5, kind: 'answered' });
  assert.equal(draft?.text, 'Yes!\n\nBob wrote:\n> See you at noon\n');
  const forward = await get('/compose?mode=forwardAsAttachment&message=INBOX%2F5', cookie);
  assert.match(forward.body, /<h1>Forward as attachment<\/h1>/);
  assert.match(forward.body, /<legend>Attachments \(1\)<\/legend>/);
});

void test('autosave answers JSON and replaces the previous draft', async () => {
  const cookie = await signIn();
  const page = await get('/compose', cookie);
  const first = await postMultipart('/compose/autosave', cookie, {
    ...composeFields(page.body),
    ...typed,
  });
  assert.equal(first.statusCode, 200);
  assert.deepEqual(first.json(), { saved: true, draft: 'Drafts/100', attachments: [] });
  const second = await postForm('/compose/autosave', cookie, {
    ...composeFields(page.body),
    ...typed,
    draft: 'Drafts/100',
  });
  assert.deepEqual(second.json(), { saved: true, draft: 'Drafts/101', attachments: [] });
  assert.deepEqual([...webcache.compose.drafts.keys()], [101]);
  const bad = await postForm('/compose/autosave', cookie, {
    ...composeFields(page.body),
    to: 'nobody',
  });
  assert.equal(bad.statusCode, 400);
  assert.deepEqual(bad.json(), {
    saved: false,
    message: '“nobody” in To is not a valid email address: it has no @.',
  });
});

void test('every compose action is refused without the session CSRF token', async () => {
  const cookie = await signIn();
  const page = await get('/compose', cookie);
  const fields = { ...composeFields(page.body), ...typed };
  const cases: [string, Record<string, string | string[]>][] = [
    ['/compose', { ...fields, action: 'send' }],
    ['/compose', { ...fields, action: 'save' }],
    ['/compose', { ...fields, action: 'attach' }],
    ['/compose', { ...fields, remove: '0' }],
    ['/compose/autosave', fields],
    ['/settings/identity', { displayName: 'X', address: 'x@example.edu', signature: '' }],
  ];
  for (const [url, form] of cases) {
    const without = Object.fromEntries(Object.entries(form).filter(([k]) => k !== '_csrf'));
    for (const variant of [without, { ...without, _csrf: 'x'.repeat(43) }]) {
      // Multipart bodies are parsed on the compose routes only; elsewhere they are refused anyway.
      if (url.startsWith('/compose')) {
        const multi = await postMultipart(url, cookie, variant, [
          { name: 'a.txt', type: 'text/plain', bytes: Buffer.from('a') },
        ]);
        assert.equal(multi.statusCode, 403, `${url} multipart ${JSON.stringify(variant.action)}`);
      }
      const plain = await postForm(url, cookie, variant);
      assert.equal(plain.statusCode, 403, `${url} urlencoded`);
    }
  }
  assert.equal(webcache.compose.drafts.size, 0);
  assert.equal(webcache.compose.sent.length, 0);
  assert.equal(webcache.compose.uploads.size, 0);
  const settings = await get('/settings', cookie);
  assert.equal(fieldValue(settings.body, 'address'), 'alice@example.edu');
});
