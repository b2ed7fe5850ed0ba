// Public entry of mailbox/: folder names (modified UTF-7, prefix, separator, special use).
// Pure: imports only base/, no network or disk.
export { encodeMailboxName, decodeMailboxName } from './utf7.js';
export {
  describeFolder,
  describeFolders,
  compareFolders,
  joinFolderPath,
  folderPathFromDisplay,
  type SpecialUse,
  type FolderInput,
  type FolderDomain,
  type FolderDescription,
} from './folders.js';
