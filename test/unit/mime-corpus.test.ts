// Runs every third-party message of /work/shared/corpus/mime (read at test time, never copied)
// through parseMessageHeaders and postal-mime: no throw, no hang, decoded names, safe file names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import PostalMime from 'postal-mime';
import { parseMessageHeaders, safeFilename } from '../../src/mime/index.js';

/** The README's per-message budget; the largest corpus file is about 1.8 MB. */
const perMessageMs = 2000;

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const corpusDir = join(repoRoot, '../shared/corpus/mime');

interface CorpusEntry {
  file: string;
  tags: string[];
  companions: { file: string }[];
}

// A well-formed encoded word: any charset, Q text, or B text that is real base64.
const wellFormedWord = /=\?[^?\s]+\?(?:[Qq]\?[^?\s]*|[Bb]\?[A-Za-z0-9+/]*={0,2})\?=/;

function headerBlock(raw: Buffer): Buffer {
  for (const separator of ['\r\n\r\n', '\n\n']) {
    const end = raw.indexOf(separator);
    if (end !== -1) return raw.subarray(0, end + separator.length);
  }
  return raw;
}

function isPathFree(name: string): boolean {
  // eslint-disable-next-line no-control-regex -- control characters are what we look for
  return name !== '' && !/[/\\\u0000-\u001f\u007f]/.test(name) && !name.includes('..');
}

function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

void test('the shared MIME corpus is present', () => {
  assert.ok(
    existsSync(join(corpusDir, 'index.json')),
    `corpus missing: expected ${corpusDir}/index.json (the shared corpus lives beside the repo)`,
  );
});

const entries: CorpusEntry[] = existsSync(join(corpusDir, 'index.json'))
  ? (JSON.parse(readFileSync(join(corpusDir, 'index.json'), 'utf8')) as CorpusEntry[])
  : [];

void test('corpus index lists the 244 messages of the manifest', () => {
  assert.equal(entries.length, 244);
});

for (const entry of entries) {
  void test(`corpus ${entry.file}: headers and body parse within ${perMessageMs} ms`, async () => {
    const raw = readFileSync(join(corpusDir, entry.file));

    const started = performance.now();
    const headers = parseMessageHeaders(headerBlock(raw));
    const headerMs = performance.now() - started;
    assert.ok(headerMs < perMessageMs, `header parse took ${Math.round(headerMs)} ms`);
    for (const text of [headers.subject, ...headers.from.map((a) => a.name)]) {
      assert.ok(!wellFormedWord.test(text), `encoded word left in ${JSON.stringify(text)}`);
    }
    if (headers.date !== null) assert.ok(!Number.isNaN(Date.parse(headers.date)));

    const email = await withDeadline(PostalMime.parse(raw), perMessageMs, 'postal-mime');
    for (const attachment of email.attachments) {
      const name = safeFilename(attachment.filename, 'attachment');
      assert.ok(isPathFree(name), `unsafe file name ${JSON.stringify(name)}`);
      assert.ok(Array.from(name).length <= 200);
    }
    // TNEF (winmail.dat) is not decoded by postal-mime 4: it is a plain attachment there, so the
    // companion .list names cannot be compared yet. A raw .tnef file is no MIME message; it
    // must still parse without throwing, which the lines above prove.
    if (entry.companions.length > 0) {
      for (const companion of entry.companions) {
        assert.ok(existsSync(join(corpusDir, companion.file)), `companion ${companion.file}`);
      }
    }
  });
}
