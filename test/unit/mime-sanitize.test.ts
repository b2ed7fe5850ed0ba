// Proves the mail HTML sanitiser at string level: every shared XSS vector and random HTML-ish
// input come out without active content, remote loads or overlays, and sanitising is stable.
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

const options: SanitizeMailOptions = {
  allowRemote: false,
  resolveCid: (cid) => (cid === 'logo@x' ? '/part/logo' : null),
};

const forbiddenElements = new Set(
  'script iframe frame frameset object embed applet form input button textarea select option base meta link svg math template noscript'.split(
    ' ',
  ),
);
const allowedUrl = /^(?:https?:|mailto:|#|\/part\/|data:image\/(?:png|gif|jpeg|webp)[;,])/i;

/** Every problem found in sanitiser output, parsed again the way a second reader would. */
function problemsIn(markup: string): string[] {
  const problems: string[] = [];
  const styles: string[] = [];
  let inStyle = false;
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        if (forbiddenElements.has(name)) problems.push(`element <${name}>`);
        if (name === 'style') inStyle = true;
        for (const [attr, value] of Object.entries(attribs)) {
          if (attr.startsWith('on')) problems.push(`attribute ${attr} on <${name}>`);
          if (attr === 'srcset' || attr === 'action' || attr === 'formaction') {
            problems.push(`attribute ${attr}`);
          }
          if (attr === 'href' || attr === 'src') {
            const url = value.replace(/[\u0000-\u0020]/g, ''); // eslint-disable-line no-control-regex
            if (!allowedUrl.test(url)) problems.push(`${attr}=${JSON.stringify(value)}`);
          }
          if (attr === 'style') styles.push(value);
        }
      },
      ontext(text) {
        if (inStyle) styles.push(text);
      },
      onclosetag(name) {
        if (name === 'style') inStyle = false;
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(markup);
  parser.end();
  for (const css of styles) {
    const lower = css
      .toLowerCase()
      .replace(/url\("data:image\/(?:png|gif|jpeg|webp)[;,][^"]*"\)/g, '');
    for (const bad of [
      'url(',
      'expression(',
      '@import',
      'javascript:',
      'behavior',
      '-moz-binding',
    ]) {
      if (lower.includes(bad)) problems.push(`css ${bad} in ${JSON.stringify(css.slice(0, 80))}`);
    }
    if (/position\s*:\s*(?:fixed|absolute|sticky)/.test(lower)) problems.push(`css position`);
    if (/\[/.test(lower) && inStyleSheet(css)) problems.push('attribute selector');
  }
  return problems;
}

function inStyleSheet(css: string): boolean {
  return css.includes('{');
}

function checkSanitised(input: string, label: string): string[] {
  const first = sanitizeMailHtml(input, options).html.toString();
  const problems = problemsIn(first).map((p) => `${label}: ${p}`);
  const second = sanitizeMailHtml(first, options).html.toString();
  if (second !== first) problems.push(`${label}: not idempotent:\n  ${first}\n  ${second}`);
  return problems;
}

interface Vector {
  id: string;
  html: string;
}

void test('every shared XSS vector comes out inert and stable', () => {
  assert.ok(existsSync(vectorsFile), `XSS corpus missing: expected ${vectorsFile}`);
  const vectors = JSON.parse(readFileSync(vectorsFile, 'utf8')) as Vector[];
  assert.equal(vectors.length, 589);
  const problems = vectors.flatMap((v) => checkSanitised(v.html, v.id));
  assert.deepEqual(problems, []);
});

void test('the checker itself catches what it must (so a pass means something)', () => {
  assert.deepEqual(problemsIn('<p>ok</p><a href="https://x/">x</a>'), []);
  assert.equal(problemsIn('<img src=x onerror=alert(1)>').length, 2);
  assert.equal(problemsIn('<div style="background:url(http://x)">').length, 1);
  assert.equal(problemsIn('<svg></svg><a href="javascript:x">').length, 2);
});

void test('a block behind a dropped tag inside <p> comes out as markup that reads back as itself', () => {
  // Found by the corpus property test: <y> is dropped, so nothing closed the <p> before <h1>.
  const input = '<p/onclick=alert(/INJECTX/)><y><h1/onclick=alert(1)>Title</h1><svg>';
  const once = sanitizeMailHtml(input, options).html.toString();
  assert.equal(once, '<p></p><h1>Title</h1><p></p>');
  assert.equal(sanitizeMailHtml(once, options).html.toString(), once);
});

void test('a tracking pixel is removed and counted', () => {
  const out = sanitizeMailHtml(
    '<p>Hi</p><img src="https://t.example/p.gif" width="1" height="1"><img src="//t.example/q">',
    options,
  );
  assert.equal(out.html.toString(), '<p>Hi</p>');
  assert.equal(out.remoteBlocked, 2);
});

void test('remote CSS images, @import and remote fonts count as blocked', () => {
  const out = sanitizeMailHtml(
    '<style>@import url("https://x/a.css"); @font-face { font-family: F; src: url(https://x/f.woff) } p { color: red }</style><td style="background: url(http://x/b.png); color: blue">x</td>',
    options,
  );
  assert.equal(
    out.html.toString(),
    '<style>\np { color: red; }\n</style><td style="color: blue">x</td>',
  );
  assert.equal(out.remoteBlocked, 3);
});

void test('cid: images resolve to part URLs; unknown cids are dropped', () => {
  const out = sanitizeMailHtml(
    '<img src="cid:logo@x" alt="Logo"><img src="cid:nope" alt="gone">',
    options,
  );
  assert.equal(out.html.toString(), '<img src="/part/logo" alt="Logo" data-am-src="cid:logo@x" />');
  assert.equal(out.remoteBlocked, 0);
});

void test('remote images with allowRemote: proxied when a proxy is given, else kept', () => {
  const proxied = sanitizeMailHtml('<img src="https://x.example/a.png">', {
    ...options,
    allowRemote: true,
    proxyRemoteUrl: (url) => `/proxy?u=${encodeURIComponent(url)}`,
  });
  assert.equal(
    proxied.html.toString(),
    '<img src="/proxy?u=https%3A%2F%2Fx.example%2Fa.png" data-am-src="https://x.example/a.png" />',
  );
  const kept = sanitizeMailHtml('<img src="https://x.example/a.png">', {
    ...options,
    allowRemote: true,
  });
  assert.equal(kept.html.toString(), '<img src="https://x.example/a.png" />');
  assert.equal(kept.remoteBlocked, 0);
});

void test('links keep only safe schemes and open in a new, unrelated window', () => {
  const out = sanitizeMailHtml(
    '<a href="https://ex.com/a?b=1&amp;c=2" target="_self" rel="opener">go</a> <a href="java\tscript:alert(1)">js</a> <a href="data:text/html,x">d</a> <a href="mailto:a@b.c">m</a> <a name="top" href="#top">t</a>',
    options,
  );
  assert.equal(
    out.html.toString(),
    '<a href="https://ex.com/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer">go</a> <a>js</a> <a>d</a> <a href="mailto:a@b.c" target="_blank" rel="noopener noreferrer">m</a> <a name="m-top" href="#m-top">t</a>',
  );
});

void test('styles: allow-listed properties kept, overlays and !important removed', () => {
  const out = sanitizeMailHtml(
    '<div id="main" style="color: red !important; position: fixed; top: 0; margin: -200px; margin-left: -4px; font-family: &quot;Arial&quot;">x</div><style>#main > p { color: blue } input[value^="a"] { color: red } * { position: absolute }</style>',
    options,
  );
  assert.equal(
    out.html.toString(),
    '<div id="m-main" style="color: red; margin-left: -4px; font-family: &quot;Arial&quot;">x</div><style>\n#m-main > p { color: blue; }\n</style>',
  );
});

void test('forms lose their controls, keep their text; svg/math/script vanish with content', () => {
  const out = sanitizeMailHtml(
    '<form action="https://x/"><label>Name <input name="n"></label><button>Send</button></form><svg><text>s</text></svg><math><mi>m</mi></math><script>alert(1)</script>',
    options,
  );
  assert.equal(out.html.toString(), 'Name Send');
});

const fragments = [
  '<script>',
  '</script>',
  '<img src=',
  '<img src="x" onerror="',
  'javascript:',
  'java&#x09;script:',
  '<a href="',
  '<a href=',
  '"',
  "'",
  '>',
  '<',
  '/>',
  '<style>',
  '</style>',
  'url(',
  'url(http://e/x)',
  'expression(',
  '@import "x";',
  '<svg>',
  '</svg>',
  '<math>',
  '<mi>',
  '<noscript>',
  '</noscript>',
  '<!--',
  '-->',
  '<![CDATA[',
  ']]>',
  '<iframe src=',
  '<object data=',
  '<form>',
  '<input ',
  'style="',
  'position:fixed',
  'position: absolute',
  '{',
  '}',
  '[',
  ']',
  '&lt;',
  '&amp;',
  '&#106;',
  '&quot;',
  ' on',
  'load=',
  'cid:logo@x',
  'data:image/png;base64,AA',
  'data:text/html,',
  '<table><tr><td>',
  '<p>',
  '</p>',
  '<div id=',
  'name=',
  '<base href=',
  '<meta http-equiv=refresh content="0;',
  '<template>',
  '<textarea>',
  '</textarea>',
  '<title>',
  '<xmp>',
  '<plaintext>',
  '\\',
  '\u0000',
  ' ',
  '\n',
  'background:',
  'margin:-999px',
  ';',
  '=',
  '<b>',
  '</b>',
  '<li>',
  '<ul>',
  'x',
];

const htmlish = fc
  .array(fc.oneof(fc.constantFrom(...fragments), fc.string({ maxLength: 6 })), { maxLength: 40 })
  .map((parts) => parts.join(''));

void test('property: arbitrary strings never throw and come out inert and stable', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 300 }), (input) => {
      assert.deepEqual(checkSanitised(input, 'string'), []);
    }),
    { numRuns: 500 },
  );
});

void test('property: arbitrary HTML-ish strings never throw and come out inert and stable', () => {
  fc.assert(
    fc.property(htmlish, (input) => {
      assert.deepEqual(checkSanitised(input, 'htmlish'), []);
    }),
    { numRuns: 2000 },
  );
});

test('nested and unterminated style tags leave no stray tag and read back the same', () => {
  for (const input of [
    '<style/><style targetElement="x"<svg>',
    '<style><svg>',
    '<style><style>p{color:red}</style></style><p>x</p>',
  ]) {
    const first = sanitizeMailHtml(input, options).html.toString();
    assert.doesNotMatch(first, /<\/?(svg|style)>(?![\s\S]*\n<\/style>)/, input);
    assert.equal(sanitizeMailHtml(first, options).html.toString(), first, input);
  }
  assert.equal(sanitizeMailHtml('<style><svg>', options).html.toString(), '');
});
