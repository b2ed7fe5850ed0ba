// Property tests of the sanitiser on HTML recombined from the shared XSS corpus's own pieces
// (tags, attributes, URLs, CSS cut from real vectors), with remote content both blocked and
// allowed through the proxy: never a throw, never active content, remote loads only proxied.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { Parser } from 'htmlparser2';
import { sanitizeMailHtml, type SanitizeMailOptions } from '../../src/mime/index.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const vectorsFile = join(repoRoot, '../shared/corpus/xss/vectors.json');
const proxyPrefix = '/remote-image?u=';

const blocked: SanitizeMailOptions = {
  allowRemote: false,
  resolveCid: (cid) => (cid === 'logo@x' ? '/part/logo' : null),
};
const proxied: SanitizeMailOptions = {
  ...blocked,
  allowRemote: true,
  proxyRemoteUrl: (url) => `${proxyPrefix}${encodeURIComponent(url)}`,
};

const forbidden = new Set(
  'script iframe frame frameset object embed applet form input button textarea select option base meta link svg math template noscript'.split(
    ' ',
  ),
);

/** What a second reader of the output finds wrong; `remote` says whether proxying was on. */
function problemsIn(markup: string, remote: boolean): string[] {
  const problems: string[] = [];
  const css: string[] = [];
  let inStyle = false;
  const loadUrl = remote
    ? /^(?:\/remote-image\?u=|\/part\/|data:image\/(?:png|gif|jpeg|webp)[;,])/i
    : /^(?:\/part\/|data:image\/(?:png|gif|jpeg|webp)[;,])/i;
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        if (forbidden.has(name)) problems.push(`<${name}>`);
        if (name === 'style') inStyle = true;
        for (const [attr, value] of Object.entries(attribs)) {
          const url = value.replace(/[\u0000-\u0020]/g, ''); // eslint-disable-line no-control-regex
          if (attr.startsWith('on')) problems.push(`${attr}= on <${name}>`);
          if (/^(?:srcset|action|formaction|background|poster|xlink:href)$/.test(attr)) {
            problems.push(`${attr}= on <${name}>`);
          }
          if (attr === 'src' && !loadUrl.test(url)) problems.push(`src=${value}`);
          if (attr === 'href') {
            if (!/^(?:https?:|mailto:|#)/i.test(url)) problems.push(`href=${value}`);
            if (!url.startsWith('#')) {
              const rel = (attribs.rel ?? '').split(/\s+/);
              if (attribs.target !== '_blank' || !rel.includes('noopener')) {
                problems.push(`link without target/rel: ${value}`);
              }
              if (!rel.includes('noreferrer')) problems.push(`link without noreferrer: ${value}`);
            }
          }
          if (attr === 'style') css.push(value);
        }
      },
      ontext(text) {
        if (inStyle) css.push(text);
      },
      onclosetag(name) {
        if (name === 'style') inStyle = false;
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(markup);
  parser.end();
  for (const sheet of css) {
    const lower = sheet.toLowerCase();
    for (const m of lower.matchAll(/url\(\s*["']?([^"')\s]*)/g)) {
      if (!loadUrl.test(m[1] ?? '')) problems.push(`css url(${m[1] ?? ''})`);
    }
    for (const bad of [
      'expression(',
      '@import',
      '@font-face',
      'javascript:',
      'behavior',
      'binding',
    ]) {
      if (lower.includes(bad)) problems.push(`css ${bad}`);
    }
    if (/position\s*:\s*(?:fixed|absolute|sticky)/.test(lower)) problems.push('css position');
    if (sheet.includes('{') && /\[[^\]]*\]\s*[{,]/.test(sheet)) problems.push('attribute selector');
  }
  return problems;
}

function check(input: string, options: SanitizeMailOptions): void {
  const remote = options.allowRemote;
  const first = sanitizeMailHtml(input, options);
  assert.deepEqual(problemsIn(first.html.toString(), remote), [], input);
  const second = sanitizeMailHtml(first.html.toString(), options).html.toString();
  assert.equal(second, first.html.toString(), `not stable for ${JSON.stringify(input)}`);
  if (!remote) assert.ok(first.remoteBlocked >= 0);
}

/** Real vectors cut at tag and attribute boundaries: the pieces attackers actually use. */
function corpusPieces(): string[] {
  const vectors = JSON.parse(readFileSync(vectorsFile, 'utf8')) as { html: string }[];
  const pieces = new Set<string>();
  for (const { html } of vectors) {
    for (const piece of html.split(/(?=<)|(?<=>)|(?=\s[a-z-]+=)/i)) {
      if (piece !== '' && piece.length <= 200) pieces.add(piece);
    }
  }
  return [...pieces];
}

void test('corpus pieces recombined: inert and stable, remote blocked or only proxied', () => {
  assert.ok(existsSync(vectorsFile), `XSS corpus missing: expected ${vectorsFile}`);
  const pieces = corpusPieces();
  assert.ok(pieces.length > 1000, `only ${pieces.length} pieces`);
  const extra = [
    '<img src="http://t.example/p.gif">',
    '<div style="background:url(//t.example/b.png)">',
    '<style>p{background:url("https://t.example/c.png")}</style>',
    '<a href="https://x.example/">',
    '</a>',
    'cid:logo@x',
  ];
  const html = fc
    .array(fc.constantFrom(...pieces, ...extra), { minLength: 1, maxLength: 12 })
    .map((parts) => parts.join(''));
  for (const options of [blocked, proxied]) {
    fc.assert(
      fc.property(html, (input) => check(input, options)),
      { numRuns: 1500 },
    );
  }
});

void test('the checker catches unproxied remote loads (so a pass means something)', () => {
  assert.deepEqual(problemsIn('<img src="http://t.example/p.gif">', true), [
    'src=http://t.example/p.gif',
  ]);
  assert.deepEqual(problemsIn('<p style="background:url(https://t.example/b)">', false), [
    'css url(https://t.example/b)',
  ]);
  assert.deepEqual(problemsIn('<a href="https://x.example/">x</a>', false), [
    'link without target/rel: https://x.example/',
    'link without noreferrer: https://x.example/',
  ]);
  assert.deepEqual(problemsIn(`<img src="${proxyPrefix}x">`, true), []);
});
