// Owns rendering the key table as a commented alphamail_config and as docs/config.md.
// Must not know any key itself: every word about a key comes from keys.ts.
import { AlphaMailError } from '../base/index.js';
import { configKeyNames, configKeys, isConfigKeyName, type ConfigKeyName } from './keys.js';

/** Comment lines in the sample file wrap at this many characters. */
const commentWidthChars = 88;

/** Words of `text` in lines of at most `width` characters (a longer word stands alone). */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (current !== '' && current.length + 1 + word.length > width) {
      lines.push(current);
      current = word;
    } else {
      current = current === '' ? word : `${current} ${word}`;
    }
  }
  if (current !== '') lines.push(current);
  return lines;
}

function defaultText(name: ConfigKeyName): string {
  const spec = configKeys[name];
  if (spec.required) return 'required';
  return `default ${spec.defaultNote ?? spec.default ?? 'unset'}`;
}

/** A value the file grammar cannot carry would be silently cut; refuse it instead. */
function checkValue(name: string, value: string): void {
  const problem = !isConfigKeyName(name)
    ? 'is not a known key'
    : value.trim() === '' || value.trim() !== value
      ? 'has an empty value or one with leading or trailing space'
      : /[\r\n]/.test(value)
        ? 'has a line break in its value'
        : /\s#/.test(value)
          ? 'has " #" in its value, which would start a comment'
          : null;
  if (problem !== null) {
    throw new AlphaMailError('AM_BAD_REQUEST', `config key ${JSON.stringify(name)} ${problem}`, {
      key: name,
    });
  }
}

const fileHeader = [
  '# alphamail_config: the configuration of AlphaMail. docs/config.md describes every key.',
  '#',
  '# One setting per line, "key: value". A "#" starts a comment at the start of a line or',
  '# after a space. A key that is commented out takes its default. Values are not quoted.',
  '# AlphaMail checks this file at start and names the line of any mistake.',
];

/**
 * A commented alphamail_config: every key with its description; keys in `values` are set,
 * the others are commented out with their default (or an example when there is none).
 */
export function renderConfigFile(values: Partial<Record<ConfigKeyName, string>>): string {
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined) checkValue(name, value);
  }
  const out = [...fileHeader];
  for (const name of configKeyNames) {
    const spec = configKeys[name];
    out.push('', `# ${name} (${spec.type}; ${defaultText(name)})`);
    if (spec.range !== undefined) out.push(`# Allowed: ${spec.range}.`);
    for (const paragraph of spec.description) {
      out.push(...wrapWords(paragraph, commentWidthChars - 2).map((l) => `# ${l}`));
    }
    const given = values[name];
    if (given !== undefined) out.push(`${name}: ${given}`);
    else out.push(`# ${name}: ${spec.default ?? spec.example}`);
  }
  return `${out.join('\n')}\n`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/** The markdown reference of every key (docs/config.md). */
export function renderConfigDocs(): string {
  const rows = configKeyNames.map((name) => {
    const spec = configKeys[name];
    const fallback = spec.required
      ? 'required'
      : spec.default !== null
        ? `\`${spec.default}\``
        : (spec.defaultNote ?? 'unset');
    return `| [\`${name}\`](#${name}) | ${cell(spec.type)} | ${cell(fallback)} |`;
  });
  const sections = configKeyNames.map((name) => {
    const spec = configKeys[name];
    const facts = [`- type: ${spec.type}`];
    if (spec.required) facts.push('- required');
    else if (spec.default !== null) facts.push(`- default: \`${spec.default}\``);
    else facts.push(`- default: ${spec.defaultNote ?? 'unset'}`);
    if (spec.range !== undefined) facts.push(`- allowed: ${spec.range}`);
    return [
      `### \`${name}\``,
      '',
      ...spec.description.flatMap((p) => [p, '']),
      ...facts,
      '',
      'Example:',
      '',
      '```',
      `${name}: ${spec.example}`,
      '```',
      '',
    ].join('\n');
  });
  return [
    '# alphamail_config reference',
    '',
    'Generated from `src/config/keys.ts` (a unit test fails when this page is stale;',
    'regenerate with `npm run build && node scripts/gen-docs.mjs`).',
    '',
    '`alphamail_config` is a text file people edit by hand. AlphaMail reads the file named by',
    '`--config PATH`, else by `$ALPHAMAIL_CONFIG`, else `./alphamail_config`.',
    '`alphamail configure` writes a commented one with every key below.',
    '',
    '## Syntax',
    '',
    '- One setting per line: `key: value`. Values are not quoted.',
    '- `#` starts a comment at the start of a line or after whitespace, so `a#b` is a value.',
    '- Blank lines are ignored. Each key may appear once.',
    '- An unknown key, a value of the wrong type or out of range, or a missing required key',
    '  stops AlphaMail with an error naming the file, the line and what was expected',
    '  (error code `AM_CONFIG_SYNTAX`).',
    '',
    'The smallest working file has one line:',
    '',
    '```',
    'imap_servers: example.edu=imap.example.edu:993[INBOX.]',
    '```',
    '',
    '## Keys',
    '',
    '| key | type | default |',
    '|---|---|---|',
    ...rows,
    '',
    ...sections,
  ].join('\n');
}
