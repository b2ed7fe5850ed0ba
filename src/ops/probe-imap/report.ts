// Owns the text `alphamail probe-imap` prints: what was found and the config line to paste.
// Pure: formats a ProbeResult, never connects.
import { probeCapabilityNames, type ProbeResult } from './probe.js';
import { domainPlaceholder } from './target.js';

const transportWords: Record<ProbeResult['transport'], string> = {
  'implicit-tls': 'implicit TLS',
  starttls: 'STARTTLS',
  plain: 'none: the password went in clear (insecure)',
};

/** A report for people; the last line is the config line alone, so scripts can `tail -1`. */
export function formatProbeReport(result: ProbeResult): string {
  const lines: string[] = [];
  lines.push(`IMAP server:   ${result.host}:${result.port}`);
  const certificate =
    result.certificateVerified === null
      ? ''
      : result.certificateVerified
        ? ', certificate verified'
        : ', certificate NOT verified (noverify)';
  lines.push(`TLS:           ${transportWords[result.transport]}${certificate}`);
  lines.push(`separator:     ${result.separator}`);
  const source =
    result.prefixSource === 'namespace'
      ? 'from NAMESPACE'
      : 'inferred from LIST "" "%" (no NAMESPACE)';
  lines.push(`prefix:        ${result.prefix === '' ? '(none)' : result.prefix} (${source})`);
  lines.push('', 'LIST "" "%":');
  for (const folder of result.topLevel) {
    const shown =
      folder.name === folder.wireName ? folder.name : `${folder.name} (${folder.wireName})`;
    lines.push(`  ${shown}  (${folder.flags.join(' ')})`);
  }
  lines.push('', 'special-use folders:');
  if (result.specialUse.length === 0) lines.push('  (none announced)');
  for (const { use, folder } of result.specialUse) lines.push(`  ${use.padEnd(10)} ${folder}`);
  lines.push('', 'capabilities:');
  for (const name of probeCapabilityNames) {
    lines.push(`  ${name.padEnd(12)} ${result.capabilities[name] ? 'yes' : 'no'}`);
  }
  lines.push('');
  if (result.domain === null) {
    lines.push(
      `The mail domain cannot be guessed from an IP address: replace ${domainPlaceholder} ` +
        'below or run again with --domain.',
    );
  }
  lines.push('Paste into alphamail_config (join several domains with ", "):', '');
  lines.push(`imap_servers: ${result.configLine}`);
  return `${lines.join('\n')}\n`;
}
