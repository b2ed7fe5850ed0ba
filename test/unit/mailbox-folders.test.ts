// Proves how folder paths are shown and ordered for an `[INBOX.]` and a `[/]` domain, how
// special use is found (server attribute, else well-known name), and how new paths are built.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  compareFolders,
  describeFolder,
  describeFolders,
  folderPathFromDisplay,
  joinFolderPath,
  type FolderDescription,
  type FolderInput,
} from '../../src/mailbox/index.js';
import { AlphaMailError } from '../../src/base/index.js';

const dotDomain = { prefix: 'INBOX.', separator: '.' };
const slashDomain = { prefix: '', separator: '/' };

const folder = (
  path: string,
  delimiter: string,
  specialUse: string | null = null,
): FolderInput => ({
  path,
  delimiter,
  specialUse,
});

const shape = (d: FolderDescription) => [d.path, d.displayParts, d.name, d.depth, d.specialUse];

void test('[INBOX.] domain: prefix removed, INBOX shown as Inbox, nesting by "."', () => {
  const inputs = ['INBOX.Entwürfe', 'INBOX.Archive.2024', 'INBOX.Sent', 'INBOX'].map((p) =>
    folder(p, '.'),
  );
  const described = inputs.map((f) => describeFolder(f, dotDomain)).sort(compareFolders);
  assert.deepEqual(described.map(shape), [
    ['INBOX', ['Inbox'], 'Inbox', 0, 'inbox'],
    ['INBOX.Sent', ['Sent'], 'Sent', 0, 'sent'],
    ['INBOX.Archive.2024', ['Archive', '2024'], '2024', 1, null],
    ['INBOX.Entwürfe', ['Entwürfe'], 'Entwürfe', 0, null],
  ]);
  assert.deepEqual(describeFolders(inputs, dotDomain).map(shape), described.map(shape));
});

void test('[/] domain: no prefix, nesting by "/"', () => {
  const inputs = ['Trash', 'Archive/2024', 'Sent', 'INBOX'].map((p) => folder(p, '/'));
  const described = inputs.map((f) => describeFolder(f, slashDomain)).sort(compareFolders);
  assert.deepEqual(described.map(shape), [
    ['INBOX', ['Inbox'], 'Inbox', 0, 'inbox'],
    ['Sent', ['Sent'], 'Sent', 0, 'sent'],
    ['Trash', ['Trash'], 'Trash', 0, 'trash'],
    ['Archive/2024', ['Archive', '2024'], '2024', 1, null],
  ]);
  assert.deepEqual(describeFolders(inputs, slashDomain).map(shape), described.map(shape));
});

void test('special folders first in fixed order, then the rest by path, children after parents', () => {
  const paths = [
    'zeta',
    'Alpha/beta',
    'Junk',
    'alpha',
    'Archive',
    'Drafts',
    'Trash',
    'Sent',
    'INBOX/sub',
    'INBOX',
    'Archive/2023',
    'Alpha 2',
  ];
  const sorted = describeFolders(
    paths.map((p) => folder(p, '/')),
    slashDomain,
  );
  assert.deepEqual(
    sorted.map((d) => d.path),
    [
      'INBOX',
      'INBOX/sub',
      'Drafts',
      'Sent',
      'Junk',
      'Trash',
      'Archive',
      'Archive/2023',
      'alpha',
      'Alpha/beta',
      'Alpha 2',
      'zeta',
    ],
  );
  assert.deepEqual(sorted[1]?.displayParts, ['Inbox', 'sub']);
  assert.deepEqual(
    sorted.map((d) => d.depth),
    [0, 1, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0],
  );
});

void test('server special-use attribute wins and shows the friendly name', () => {
  const d = describeFolder(folder('INBOX.Gesendet', '.', '\\Sent'), dotDomain);
  assert.deepEqual(shape(d), ['INBOX.Gesendet', ['Sent'], 'Sent', 0, 'sent']);
  const fromFlags = describeFolder(
    {
      path: 'INBOX.Papierkorb',
      delimiter: '.',
      specialUse: null,
      flags: ['\\HasNoChildren', '\\Trash'],
    },
    dotDomain,
  );
  assert.deepEqual(shape(fromFlags), ['INBOX.Papierkorb', ['Trash'], 'Trash', 0, 'trash']);
  const all = describeFolder(folder('[Gmail]/All Mail', '/', '\\All'), slashDomain);
  assert.deepEqual(shape(all), ['[Gmail]/All Mail', ['[Gmail]', 'All Mail'], 'All Mail', 1, 'all']);
});

void test('well-known names count only at top level below the prefix', () => {
  const nested = describeFolder(folder('INBOX.Projects.Sent', '.'), dotDomain);
  assert.deepEqual(shape(nested), ['INBOX.Projects.Sent', ['Projects', 'Sent'], 'Sent', 1, null]);
  for (const [name, use] of [
    ['Sent Items', 'sent'],
    ['Deleted Messages', 'trash'],
    ['spam', 'junk'],
    ['Junk E-mail', 'junk'],
    ['Archives', 'archive'],
  ] as const) {
    const d = describeFolder(folder(`INBOX.${name}`, '.'), dotDomain);
    assert.equal(d.specialUse, use, name);
    assert.equal(d.depth, 0, name);
  }
});

void test('describeFolders guesses by name only where the server marked no folder with that use', () => {
  const sorted = describeFolders(
    [
      folder('Trash', '/'),
      folder('Deleted Items', '/', '\\Trash'),
      folder('Sent Items', '/'),
      folder('Sent', '/'),
    ],
    slashDomain,
  );
  assert.deepEqual(sorted.map(shape), [
    ['Sent', ['Sent'], 'Sent', 0, 'sent'],
    ['Deleted Items', ['Trash'], 'Trash', 0, 'trash'],
    ['Sent Items', ['Sent Items'], 'Sent Items', 0, null],
    ['Trash', ['Trash'], 'Trash', 0, null],
  ]);
});

void test('joinFolderPath and folderPathFromDisplay build server paths', () => {
  assert.equal(joinFolderPath(null, 'Projekte', dotDomain), 'INBOX.Projekte');
  assert.equal(joinFolderPath('INBOX.Archive', '2025', dotDomain), 'INBOX.Archive.2025');
  assert.equal(joinFolderPath(null, 'Projekte', slashDomain), 'Projekte');
  assert.equal(joinFolderPath('Archive', '2025', slashDomain), 'Archive/2025');
  assert.equal(folderPathFromDisplay(['Archive', '2024'], dotDomain), 'INBOX.Archive.2024');
  assert.equal(folderPathFromDisplay(['Inbox'], dotDomain), 'INBOX');
  assert.equal(folderPathFromDisplay(['Archive', '2024'], slashDomain), 'Archive/2024');
  assert.equal(folderPathFromDisplay(['Inbox', 'sub'], slashDomain), 'INBOX/sub');
  for (const bad of ['', 'a.b', 'tab\there', '50%']) {
    assert.throws(
      () => joinFolderPath(null, bad, dotDomain),
      (err: unknown) => err instanceof AlphaMailError && err.code === 'AM_BAD_REQUEST',
      bad,
    );
  }
  assert.throws(
    () => folderPathFromDisplay([], slashDomain),
    (err: unknown) => err instanceof AlphaMailError && err.code === 'AM_BAD_REQUEST',
  );
});

void test('paths made from display parts describe back to the same parts', () => {
  for (const domain of [dotDomain, slashDomain]) {
    for (const parts of [['Projects'], ['Projects', 'Europa', 'Zürich'], ['Inbox']]) {
      const path = folderPathFromDisplay(parts, domain);
      assert.deepEqual(describeFolder(folder(path, domain.separator), domain).displayParts, parts);
    }
  }
});

void test('describeFolders gives children the friendly name and rank of their special parent', () => {
  const sorted = describeFolders(
    [
      folder('INBOX.Reisen', '.'),
      folder('INBOX.Archiv.2023', '.'),
      folder('INBOX.Archiv', '.', '\\Archive'),
      folder('INBOX', '.'),
    ],
    dotDomain,
  );
  assert.deepEqual(sorted.map(shape), [
    ['INBOX', ['Inbox'], 'Inbox', 0, 'inbox'],
    ['INBOX.Archiv', ['Archive'], 'Archive', 0, 'archive'],
    ['INBOX.Archiv.2023', ['Archive', '2023'], '2023', 1, null],
    ['INBOX.Reisen', ['Reisen'], 'Reisen', 0, null],
  ]);
});
