// Proves real-world mail opens through the whole stack: every message of ../shared/corpus/mime
// is seeded byte for byte into a real Dovecot and opened over HTTP through the real processes:
// no 5xx, a deadline per message, decoded headers, the attachments listed, notices when broken.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import libmime from 'libmime';
import PostalMime from 'postal-mime';
import { startAlphaMail } from '../harness/alphamail.js';
import { startTestDovecot, testUser } from '../harness/dovecot.js';
import { FormClient } from '../harness/http-client.js';
import { seedRawMessages } from '../harness/raw-mail.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const corpusDir = join(repoRoot, '../shared/corpus/mime');
const domain = 'demo.test';
/** Message page plus its frame, cold (IMAP fetch, decode, sanitise). A deadline, not a benchmark. */
const perMessageBudgetMs = 10_000;

interface CorpusEntry {
  file: string;
  tags: string[];
}

const encodedWord = /=\?([^?\s]+)\?([QqBb])\?([^?\s]*)\?=/g;

function decodeEntities(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/**
 * Encoded words left in shown text that could have been decoded: a charset iconv knows and
 * B text that is real base64 (Q text always decodes).
 */
function decodableWordsLeft(text: string): string[] {
  return [...text.matchAll(encodedWord)]
    .filter(([, charset = '', kind = '', payload = '']) => {
      const name = charset.split('*')[0] ?? '';
      if (!iconv.encodingExists(name)) return false;
      if (kind.toUpperCase() === 'B') return /^[A-Za-z0-9+/]*={0,2}$/.test(payload);
      return true;
    })
    .map((m) => m[0])
    .filter((word) => libmime.decodeWords(word) !== word);
}

/** Headers as shown: the h1 and the header list. */
function shownHeaders(body: string): string {
  const h1 = /<h1 id="message-subject">([\s\S]*?)<\/h1>/.exec(body)?.[1] ?? '';
  const dl = /<dl class="message-headers">([\s\S]*?)<\/dl>/.exec(body)?.[1] ?? '';
  return decodeEntities(`${h1}\n${dl}`.replace(/<[^>]+>/g, ' '));
}

/** The names in the page's attachment list, entities decoded. */
function listedNames(body: string): string[] {
  const section = /<section class="attachments"[\s\S]*?<\/section>/.exec(body)?.[0] ?? '';
  return [...section.matchAll(/download\s*>([^<]*)<\/a>/g)].map((m) => decodeEntities(m[1] ?? ''));
}

/**
 * Where the page's list and postal-mime's differ, by design or because Dovecot's BODYSTRUCTURE
 * reads a malformed structure differently. Pinned both ways, so any change shows; every other
 * message must agree exactly.
 */
const knownDivergences: Record<string, { listed: number; postalMime: number; why: string }> = {
  'mikel-mail/plain_emails/raw_email_bad_time.eml': {
    listed: 1,
    postalMime: 0,
    why: "unquoted boundary with '=' (not a token, RFC 2045 §5.1): Dovecot finds an empty part",
  },
  'mime4j/mimetools-testmsgs/double-bound.msg': {
    listed: 6,
    postalMime: 1,
    why: 'doubled boundary lines: Dovecot sees empty parts between them; extra HTML is listed',
  },
  'mime4j/mimetools-testmsgs/double-semicolon2.msg': {
    listed: 1,
    postalMime: 0,
    why: 'a second text/plain alternative is listed, not dropped; postal-mime folds it into text',
  },
  'mailparser/nested.eml': {
    listed: 1,
    postalMime: 0,
    why: 'a second HTML body (a footer) is listed as a file: the reader shows one HTML body',
  },
  'stalwart-mail-parser/malformed/017.eml': {
    listed: 1,
    postalMime: 0,
    why: "a part with an empty Content-Disposition and type '/' is listed; postal-mime drops it",
  },
  'stalwart-mail-parser/thirdparty/001.eml': {
    listed: 2,
    postalMime: 0,
    why: 'three text/plain alternatives: the first is shown, the other two are listed',
  },
  'jsmime/multipart-complex2.eml': {
    listed: 2,
    postalMime: 1,
    why: 'interleaved unterminated multiparts: Dovecot finds the PDF as a part, postal-mime not',
  },
  'jsmime/multipartmalt-detach.eml': {
    listed: 3,
    postalMime: 1,
    why: 'named inline text parts beside the related HTML are listed; postal-mime adds to text',
  },
  'roundcube/mail0.eml': {
    listed: 0,
    postalMime: 2,
    why: 'RFC 2231-continued boundary: Dovecot 2.3 does not split it; shown whole with a notice',
  },
};

/**
 * True when the top-level header says multipart/* but its boundary cannot split the body: no
 * plain boundary parameter, or no delimiter line with it (RFC 2046 §5.1.1). Such a message can
 * only be shown whole, and the page must say so.
 */
function isUnsplittable(raw: Buffer): boolean {
  const text = raw.toString('latin1');
  const end = /\r?\n\r?\n/.exec(text);
  const header = (end ? text.slice(0, end.index) : text).replace(/\r?\n[ \t]+/g, ' ');
  const type = /^content-type:[ \t]*([^\r\n]*)/im.exec(header)?.[1] ?? '';
  if (!/^multipart\//i.test(type.trim())) return false;
  // A missing ';' before the parameter is forgiven, as Dovecot forgives it.
  const boundary = /[;\s]\s*boundary\s*=\s*(?:"([^"]+)"|([^\s;"]+))/i.exec(type);
  const value = boundary?.[1] ?? boundary?.[2];
  if (value === undefined) return true;
  const body = end ? text.slice(end.index + end[0].length) : '';
  return !body.split(/\r?\n/).some((line) => line.startsWith(`--${value}`));
}

/** Whether anything but blank lines follows the header block. */
function hasBodyText(raw: Buffer): boolean {
  const text = raw.toString('latin1');
  const end = /\r?\n\r?\n/.exec(text);
  return end !== null && text.slice(end.index).trim() !== '';
}

function listedAttachments(body: string): number {
  const count = /<h2 id="attachments-heading">Attachments \((\d+)\)<\/h2>/.exec(body)?.[1];
  return count === undefined ? 0 : Number(count);
}

function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

void test(
  'every MIME corpus message opens through the web tier',
  { timeout: 900_000 },
  async (t) => {
    assert.ok(existsSync(join(corpusDir, 'index.json')), `corpus missing: ${corpusDir}`);
    const entries = JSON.parse(
      readFileSync(join(corpusDir, 'index.json'), 'utf8'),
    ) as CorpusEntry[];
    assert.equal(entries.length, 244);
    const raws = entries.map((e) => readFileSync(join(corpusDir, e.file)));

    const dovecot = await startTestDovecot({ messages: [] });
    t.after(() => dovecot.stop());
    await seedRawMessages(dovecot, testUser.name, raws);
    const app = await startAlphaMail({
      imapServers: `${domain}=127.0.0.1:${dovecot.dovecot.port}[/] insecure`,
    });
    t.after(() => app.stop());
    const client = new FormClient(app.url);
    const signedIn = await client.signIn(testUser.name, testUser.password, domain);
    assert.equal(signedIn.status, 200);

    const problems: string[] = [];
    const report = (entry: CorpusEntry, what: string) => problems.push(`${entry.file}: ${what}`);
    let slowestMs = 0;
    let noticed = 0;
    for (const [i, entry] of entries.entries()) {
      const uid = i + 1;
      const raw = raws[i] ?? Buffer.alloc(0);
      const started = performance.now();
      let page;
      try {
        page = await withDeadline(client.get(`/f/INBOX/${uid}`), perMessageBudgetMs, 'page');
        const frame = /<iframe[^>]*\ssrc="([^"]+)"/.exec(page.body)?.[1];
        if (frame !== undefined) {
          const body = await withDeadline(
            client.get(decodeEntities(frame)),
            perMessageBudgetMs,
            'frame',
          );
          if (body.status !== 200) report(entry, `frame answered ${body.status}`);
        }
      } catch (err) {
        report(entry, err instanceof Error ? err.message : String(err));
        continue;
      }
      slowestMs = Math.max(slowestMs, performance.now() - started);
      if (page.status !== 200) {
        report(entry, `page answered ${page.status}`);
        continue;
      }
      for (const word of decodableWordsLeft(shownHeaders(page.body))) {
        report(entry, `encoded word left: ${word}`);
      }
      const hasBody = /class="message-frame"|class="message-text"|This message has no text\./.test(
        page.body,
      );
      if (!hasBody) report(entry, 'no body section');

      // The independent count: postal-mime's attachments, with the page's rule for what is listed
      // (inline parts referenced by Content-ID are part of the HTML, not the list).
      const email = await PostalMime.parse(raw, { forceRfc822Attachments: true }).catch(() => null);
      if (email !== null) {
        const expected = email.attachments.filter(
          (a) => a.disposition === 'attachment' || !a.contentId,
        ).length;
        const listed = listedAttachments(page.body);
        const pinned = knownDivergences[entry.file];
        const want = pinned ? { listed: pinned.listed, postalMime: pinned.postalMime } : null;
        const got = { listed, postalMime: expected };
        if (want ? want.listed !== listed || want.postalMime !== expected : listed !== expected) {
          report(
            entry,
            `attachments ${JSON.stringify(got)}, expected ${JSON.stringify(want ?? 'equal')}`,
          );
        }
        for (const name of listedNames(page.body)) {
          if (name.trim() === '' || /[/\\]|\.\./.test(name)) report(entry, `unsafe name ${name}`);
        }
      }
      const hasNotice = /class="notice message-notices"/.test(page.body);
      if (isUnsplittable(raw)) {
        if (!hasNotice) report(entry, 'unsplittable multipart, no notice');
        const shownText = /<pre class="message-text">([\s\S]*?)<\/pre>/.exec(page.body)?.[1] ?? '';
        if (hasBodyText(raw) && shownText.trim() === '') {
          report(entry, 'unsplittable multipart shows no text');
        }
      }
      if (entry.tags.includes('malformed') && hasNotice) noticed += 1;
    }
    t.diagnostic(`malformed messages with a notice: ${noticed}`);
    t.diagnostic(`slowest message page with its frame: ${Math.round(slowestMs)} ms`);
    assert.deepEqual(problems, []);
  },
);
