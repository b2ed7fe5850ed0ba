// Proves the layering of src/: every import stays inside what STYLE.md's table allows,
// and viewers/jail imports nothing outside itself. Names the file and the import on failure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const srcRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../src');

const allowed: Record<string, readonly string[]> = {
  base: [],
  config: ['base', 'mailbox'],
  mailbox: ['base'],
  protocol: ['base'],
  mime: ['base'],
  store: ['base'],
  viewers: ['base', 'config'],
  shares: ['base', 'config', 'store'],
  webcache: ['base', 'config', 'mailbox', 'protocol', 'mime', 'store', 'viewers', 'shares'],
  web: ['base', 'config', 'protocol', 'store', 'mime'],
  ops: ['base', 'config', 'mailbox', 'protocol', 'shares', 'store'],
  cli: [
    'base',
    'config',
    'mailbox',
    'protocol',
    'mime',
    'store',
    'viewers',
    'shares',
    'webcache',
    'web',
    'ops',
  ],
};

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (name.endsWith('.ts')) out.push(path);
  }
  return out;
}

const importPattern =
  /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

test('every import under src/ respects the layer table', () => {
  const problems: string[] = [];
  const files = sourceFiles(srcRoot);
  assert.ok(files.length > 10, 'found the source files');
  for (const file of files) {
    const rel = relative(srcRoot, file);
    const folder = rel.split(sep)[0] ?? '';
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(importPattern)) {
      const spec = match[1] ?? match[2] ?? '';
      if (!spec.startsWith('.')) continue;
      const target = relative(srcRoot, resolve(dirname(file), spec));
      if (target.startsWith('..')) {
        problems.push(`${rel}: imports ${spec} from outside src/`);
        continue;
      }
      const targetFolder = target.split(sep)[0] ?? '';
      if (rel.startsWith(join('viewers', 'jail')) && !target.startsWith(join('viewers', 'jail'))) {
        problems.push(`${rel}: viewers/jail must import nothing outside itself, imports ${spec}`);
      }
      if (targetFolder === folder) continue;
      if (!(allowed[folder] ?? []).includes(targetFolder)) {
        problems.push(`${rel}: ${folder}/ may not import ${targetFolder}/ (${spec})`);
      }
      if (folder === 'cli' && !target.endsWith(`${targetFolder}${sep}index.js`)) {
        problems.push(`${rel}: cli/ imports only a folder's index.ts, not ${spec}`);
      }
      if (folder === 'web' && targetFolder === 'mime') {
        const allowedMime = ['sanitize.js', 'linkify.js', 'index.js'];
        if (!allowedMime.some((f) => target.endsWith(join('mime', f)))) {
          problems.push(`${rel}: web/ uses only mime's pure helpers, not ${spec}`);
        }
      }
    }
  }
  assert.deepEqual(problems, []);
});
