// Public entry of config/: read, validate and freeze alphamail_config; the key table and the
// sample and docs it generates. Imports only base/ and mailbox/.
export type {
  AlphaMailConfig,
  DomainConfig,
  HostPortConfig,
  ImapTls,
  OpsConfig,
  WebcacheEndpointConfig,
} from './types.js';
export { defaultOpsConfig } from './ops-config.js';
export { parseConfig } from './parse.js';
export { loadConfig, resolveConfigPath, defaultConfigPath } from './load.js';
export { renderConfigFile, renderConfigDocs, wrapWords } from './sample.js';
export {
  configKeys,
  configKeyNames,
  logLevels,
  type ConfigKeyName,
  type ConfigKeyValue,
  type KeySpec,
} from './keys.js';
