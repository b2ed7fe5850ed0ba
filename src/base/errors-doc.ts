// Owns the generation of docs/errors.md from the error catalogue, so the two never drift.
// Must not hold any text of its own beyond the page frame.
import { errorCatalogue, errorCodes } from './errors.js';

export function renderErrorDocs(): string {
  const rows = errorCodes.map((code) => {
    const spec = errorCatalogue[code];
    const cell = (s: string): string => s.replace(/\|/g, '\\|');
    return `| \`${code}\` | ${spec.status} | ${cell(spec.userMessage)} | ${cell(spec.adminAction)} |`;
  });
  return [
    '# AlphaMail error codes',
    '',
    'Generated from `src/base/errors.ts` (a unit test fails when this page is stale).',
    'Every error AlphaMail shows or logs carries one of these codes. Users see the message;',
    'IMAP and SMTP server replies go only to the logs, with credentials removed.',
    '',
    '| code | HTTP | what the user sees | what an admin does |',
    '|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
