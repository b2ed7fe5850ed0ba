// Tests of the branded HTML templates: the escaper (every special character, the no-escape fast
// path, a property that no raw <>"'& from input survives) and how values render. Pure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { escapeHtml, html, joinHtml, trustedHtml, type HtmlValue } from '../../src/base/index.js';

/** The reference escaper: one replace per character, & first, written independently. */
function referenceEscape(text: string): string {
  return text
    .split('&')
    .join('&amp;')
    .split('<')
    .join('&lt;')
    .split('>')
    .join('&gt;')
    .split('"')
    .join('&quot;')
    .split("'")
    .join('&#39;');
}

void test('each special character has its entity', () => {
  assert.equal(escapeHtml('&'), '&amp;');
  assert.equal(escapeHtml('<'), '&lt;');
  assert.equal(escapeHtml('>'), '&gt;');
  assert.equal(escapeHtml('"'), '&quot;');
  assert.equal(escapeHtml("'"), '&#39;');
  assert.equal(
    escapeHtml(`<a href="x" title='y'>&amp;</a>`),
    '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;',
  );
});

void test('special characters at the start, the end, side by side and between text', () => {
  assert.equal(escapeHtml('<<'), '&lt;&lt;');
  assert.equal(escapeHtml('a<'), 'a&lt;');
  assert.equal(escapeHtml('>a'), '&gt;a');
  assert.equal(escapeHtml('a&b&c'), 'a&amp;b&amp;c');
  assert.equal(escapeHtml('Ünïcødé <€> 📎'), 'Ünïcødé &lt;€&gt; 📎');
});

void test('text without special characters comes back as it is', () => {
  for (const text of ['', 'Lunch', 'Re: quarterly report — 3 € ☃', '📎 a\u0000b']) {
    assert.equal(escapeHtml(text), text);
  }
});

void test('property: the escaper matches the reference and leaves no raw special character', () => {
  const specials = fc.constantFrom('&', '<', '>', '"', "'", '&amp;', '&#39;', 'é', '📎', 'a', ' ');
  const text = fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 60 }),
    fc.array(specials, { maxLength: 40 }).map((parts) => parts.join('')),
  );
  fc.assert(
    fc.property(text, (input) => {
      const out = escapeHtml(input);
      assert.equal(out, referenceEscape(input));
      assert.doesNotMatch(out, /[<>"']/);
      // Every & left starts one of the five entities we write.
      assert.doesNotMatch(out, /&(?!amp;|lt;|gt;|quot;|#39;)/);
    }),
    { numRuns: 2000 },
  );
});

void test('property: an interpolated string never brings raw markup into the template', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.integer(), (text, n) => {
      const out = html`<p title="${text}">${text} ${n}</p>`.toString();
      assert.equal(out, `<p title="${referenceEscape(text)}">${referenceEscape(text)} ${n}</p>`);
    }),
    { numRuns: 1000 },
  );
});

void test('values render: Html as is, nested lists flattened, nothing for null, undefined, false', () => {
  const values: HtmlValue[] = [
    trustedHtml('<b>kept</b>'),
    ['<i>', ['&', html`<br />`], 0],
    null,
    undefined,
    false,
    42,
    -1.5,
  ];
  assert.equal(html`[${values}]`.toString(), '[<b>kept</b>&lt;i&gt;&amp;<br />042-1.5]');
  assert.equal(joinHtml(['<', html`<hr />`, 7]).toString(), '&lt;<hr />7');
  assert.equal(html`${''}`.toString(), '');
});
