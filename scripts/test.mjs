#!/usr/bin/env node
// The README's test command (`npm test`): format check, lint and type-check side by side
// (all failures listed together), then build and run every suite with node --test.
// Node 20's --test does not expand globs, so the file lists are built here.
import { spawn } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePackages, testPackages } from './system-packages.mjs';

const root = new URL('..', import.meta.url).pathname;

function run(cmd, args, { quiet = false } = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: quiet ? 'pipe' : 'inherit' });
    let out = '';
    child.stdout?.on('data', (d) => (out += d));
    child.stderr?.on('data', (d) => (out += d));
    child.on('close', (code) => resolve({ code: code ?? 1, out }));
  });
}

function testFiles(dir) {
  const abs = join(root, dir);
  if (!existsSync(abs)) return [];
  const found = [];
  for (const name of readdirSync(abs).sort()) {
    const path = join(abs, name);
    if (statSync(path).isDirectory()) found.push(...testFiles(join(dir, name)));
    else if (name.endsWith('.test.js')) found.push(join(dir, name));
  }
  return found;
}

const only = process.argv.slice(2); // e.g. `npm test -- unit integration`
const suites = only.length > 0 ? only : ['unit', 'integration', 'browser'];

ensurePackages(testPackages);

const checks = [
  ['format', 'npx', ['prettier', '--check', '.']],
  ['lint', 'npx', ['eslint', '.']],
  ['types', 'npx', ['tsc', '-b']],
];
console.log('checks: format, lint, types …');
const results = await Promise.all(
  checks.map(async ([name, cmd, args]) => ({ name, ...(await run(cmd, args, { quiet: true })) })),
);
const failed = results.filter((r) => r.code !== 0);
for (const r of failed) console.log(`\n--- ${r.name} failed ---\n${r.out.trim()}`);
if (failed.length > 0) {
  console.log(`\nchecks failed: ${failed.map((r) => r.name).join(', ')}`);
  process.exit(1);
}
console.log('checks passed');

let exitCode = 0;
for (const suite of suites) {
  const files = testFiles(join('dist', 'test', suite));
  if (files.length === 0) {
    console.log(`suite ${suite}: no test files`);
    continue;
  }
  console.log(`\nsuite ${suite}: ${files.length} files`);
  const concurrency = suite === 'unit' ? '4' : '1';
  const { code } = await run(process.execPath, [
    '--test',
    `--test-concurrency=${concurrency}`,
    '--test-reporter=spec',
    ...files,
  ]);
  if (code !== 0) exitCode = code;
}
process.exit(exitCode);
