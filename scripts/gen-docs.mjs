#!/usr/bin/env node
// Regenerates the docs that come from code (errors, config keys). Run after `npm run build`.
import { writeFileSync } from 'node:fs';
const base = await import('../dist/src/base/index.js');
writeFileSync(new URL('../docs/errors.md', import.meta.url), base.renderErrorDocs());
try {
  const config = await import('../dist/src/config/index.js');
  if (typeof config.renderConfigDocs === 'function') {
    writeFileSync(new URL('../docs/config.md', import.meta.url), config.renderConfigDocs());
  }
} catch (err) {
  console.error('config docs not generated:', err.message);
}
