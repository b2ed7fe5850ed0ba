// Proves the generated demo mail is deterministic, varied as promised, and that an independent
// decoder (postal-mime) reads from every raw message exactly what the manifest says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import PostalMime from 'postal-mime';
import {
  bodyKinds,
  generateMailbox,
  largeAttachmentMessage,
  trackingPixelUrl,
  type GeneratedMessage,
} from '../../src/ops/index.js';

const messages = generateMailbox({ seed: 1, count: 300, user: 'demo@demo.test' });

/** postal-mime turns CRLF into LF for some encodings and keeps the CRLF before a boundary. */
function normalizeText(text: string | undefined): string | null {
  return text === undefined ? null : text.replace(/\r\n/g, '\n').replace(/\n+$/, '\n');
}

function lf(bytes: Buffer): string | null {
  return normalizeText(bytes.toString('latin1'));
}

function rawText(message: GeneratedMessage): string {
  return message.raw.toString('latin1');
}

test('the same seed gives the same bytes; another seed gives other mail', () => {
  const again = generateMailbox({ seed: 1, count: 300, user: 'demo@demo.test' });
  assert.equal(again.length, 300);
  assert.ok(again.every((m, i) => m.raw.equals((messages[i] as GeneratedMessage).raw)));
  const other = generateMailbox({ seed: 2, count: 300, user: 'demo@demo.test' });
  assert.ok(!other[0]?.raw.equals(messages[0]?.raw ?? Buffer.alloc(0)));
});

test('postal-mime decodes every generated message to its manifest entry', async () => {
  for (const [index, message] of messages.entries()) {
    const parsed = await PostalMime.parse(message.raw);
    const want = message.expect;
    const where = `message ${index} (${message.kind}, ${want.charset})`;
    assert.equal(parsed.subject, want.subject, where);
    assert.deepEqual(
      { name: parsed.from?.name ?? '', address: parsed.from?.address },
      want.from,
      where,
    );
    assert.equal(new Date(parsed.date ?? '').getTime(), want.date.getTime(), where);
    assert.equal(parsed.messageId, want.messageId, where);
    assert.equal(parsed.inReplyTo ?? null, want.inReplyTo, where);
    assert.equal(normalizeText(parsed.text), want.text, where);
    assert.equal(want.size, message.raw.length, where);
    assert.deepEqual(
      parsed.attachments.map((a) => {
        const bytes = Buffer.from(a.content as ArrayBuffer);
        // postal-mime hands a forwarded message back with LF line ends.
        return [a.filename, a.mimeType, a.mimeType === 'message/rfc822' ? lf(bytes) : bytes];
      }),
      want.attachments.map((a) => [
        a.filename,
        a.contentType,
        a.contentType === 'message/rfc822' ? lf(a.content) : a.content,
      ]),
      where,
    );
  }
});

test('the mailbox has every shape, charset, encoding and flag the demo promises', () => {
  const all = messages.map(rawText).join('\n');
  for (const kind of bodyKinds)
    assert.ok(
      messages.some((m) => m.kind === kind),
      kind,
    );
  for (const charset of ['utf-8', 'iso-8859-1', 'koi8-r', 'iso-2022-jp', 'gb2312']) {
    assert.ok(all.includes(`charset="${charset}"`), `a body in ${charset}`);
    assert.match(all, new RegExp(`=\\?${charset}\\?[BQ]\\?`, 'i'), `a subject in ${charset}`);
  }
  assert.match(all, /=\?[^?]+\?B\?/);
  assert.match(all, /=\?[^?]+\?Q\?/);
  for (const encoding of ['8bit', 'quoted-printable', 'base64', '7bit']) {
    assert.ok(all.includes(`Content-Transfer-Encoding: ${encoding}`), encoding);
  }
  assert.ok(all.includes(trackingPixelUrl));
  assert.ok(all.includes('cid:'));
  assert.ok(
    messages.some((m) => m.expect.references.length >= 2),
    'a thread of 3+',
  );
  for (const flag of ['\\Flagged', '\\Answered', '\\Draft', '\\Seen'] as const) {
    assert.ok(
      messages.some((m) => m.flags.includes(flag)),
      flag,
    );
  }
  assert.ok(
    messages.some((m) => !m.flags.includes('\\Seen')),
    'some unread',
  );
  const times = messages.map((m) => m.internalDate.getTime());
  assert.ok(Math.max(...times) - Math.min(...times) > 600 * 86_400_000, 'dates span ~2 years');
  assert.ok(
    messages
      .filter((m) => m.folder === 'Archive/2024')
      .every((m) => m.expect.date.getUTCFullYear() === 2024),
  );
  for (const message of messages) {
    const text = rawText(message);
    assert.doesNotMatch(text, /[^\r]\n/, 'every line ends in CRLF');
    assert.ok(text.endsWith('\r\n'), 'the message ends with a line break');
    assert.ok(
      text.split('\r\n').every((line) => line.length <= 998),
      'no line over 998',
    );
  }
});

test('largeAttachmentMessage carries exactly the seeded bytes', async () => {
  const sizeBytes = 2 * 1024 * 1024 + 3;
  const message = largeAttachmentMessage(sizeBytes);
  assert.equal(message.expect.size, message.raw.length);
  assert.ok(message.raw.length > (sizeBytes * 4) / 3);
  const parsed = await PostalMime.parse(message.raw);
  assert.equal(parsed.attachments.length, 1);
  const content = Buffer.from(parsed.attachments[0]?.content as ArrayBuffer);
  assert.equal(content.length, sizeBytes);
  assert.ok(content.equals(message.expect.attachments[0]?.content ?? Buffer.alloc(0)));
  assert.equal(normalizeText(parsed.text), message.expect.text);
  assert.ok(largeAttachmentMessage(sizeBytes).raw.equals(message.raw), 'deterministic');
});
