// Public entry of ops/probe-imap: sign in to an IMAP server once and report the prefix,
// separator, special-use folders and capabilities, with the imap_servers line to paste.
export {
  probeImap,
  inferFolderRoot,
  probeBudgetMs,
  probeCapabilityNames,
  type ProbeCapability,
  type ProbeFolder,
  type ProbeOptions,
  type ProbeResult,
} from './probe.js';
export { formatProbeReport } from './report.js';
export {
  parseProbeTarget,
  guessDomain,
  checkProbeDomain,
  imapServersEntry,
  domainPlaceholder,
  imapImplicitTlsPort,
  type ProbeTarget,
  type ConfigLineInput,
} from './target.js';
