// Public entry of ops/sweep: the garbage sweeper of the data dir (spool files past their age,
// spools of ended sessions), safe while the webcache runs.
export {
  sweepDataDir,
  orphanGraceMs,
  spoolFolder,
  sharesFolder,
  type SweepOptions,
  type SweepReport,
  type SweepReason,
} from './sweep.js';
export { openFileIds } from './open-files.js';
