// Proves docs/errors.md lists exactly the error catalogue (regenerate with scripts/gen-docs.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { renderErrorDocs, errorCodes } from '../../src/base/index.js';

const docPath = new URL('../../../docs/errors.md', import.meta.url);

test('docs/errors.md is the generated catalogue, code for code', () => {
  const doc = readFileSync(docPath, 'utf8');
  assert.equal(doc, renderErrorDocs());
  for (const code of errorCodes) assert.ok(doc.includes(`\`${code}\``), code);
});
