// Public entry of ops/hang-detector: a full query through the webcache every interval; after N
// failures in a row the restart command and a mail to the admins, both rate-limited.
export { HangDetector, type DetectorDeps, type DetectorSettings } from './detector.js';
export {
  probeWebcache,
  type HangProbeAccount,
  type HangProbeResult,
  type HangProbeStep,
} from './probe.js';
export { runRestartCommand, restartBudgetMs, type RestartResult } from './restart.js';
export { alertRouteOf, sendAlert, type AlertMail, type AlertRoute } from './alert.js';
