// Owns the hang detector's loop: a probe every interval, N failures in a row → one restart and
// one alert mail, both at most once per minimum interval; a healthy webcache is never restarted.
// Must not run probes side by side (a stuck one would pile up) nor log a password.
import type { Logger } from '../../base/index.js';
import type { AlertMail } from './alert.js';
import type { HangProbeResult } from './probe.js';
import type { RestartResult } from './restart.js';

export interface DetectorSettings {
  intervalMs: number;
  failuresBeforeRestart: number;
  minRestartIntervalMs: number;
  restartCommand: string;
}

export interface DetectorDeps {
  probe: () => Promise<HangProbeResult>;
  restart: () => Promise<RestartResult>;
  /** Sends the alert; null when no admin or server is configured (then it is only logged). */
  alert: ((mail: AlertMail) => Promise<void>) | null;
  logger: Logger;
  now?: () => number;
}

function describeFailure(r: HangProbeResult): string {
  return r.ok ? 'ok' : `${r.step} failed with ${r.code} after ${r.ms} ms`;
}

export class HangDetector {
  #failures: HangProbeResult[] = [];
  #lastRestartAt = -Infinity;
  #lastMailAt = -Infinity;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;
  #isStopped = false;
  readonly #now: () => number;

  constructor(
    private readonly settings: DetectorSettings,
    private readonly deps: DetectorDeps,
  ) {
    this.#now = deps.now ?? Date.now;
  }

  /** Starts probing now and then every interval (measured from each probe's start). */
  start(): void {
    this.deps.logger.info(
      {
        intervalMs: this.settings.intervalMs,
        failuresBeforeRestart: this.settings.failuresBeforeRestart,
      },
      'hang detector started',
    );
    this.#schedule(0);
  }

  async stop(): Promise<void> {
    this.#isStopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#running;
  }

  #schedule(delayMs: number): void {
    if (this.#isStopped) return;
    // Not unref'd: this timer is what keeps the detector alive.
    this.#timer = setTimeout(() => {
      const startedAt = this.#now();
      this.#running = this.tick().finally(() => {
        this.#running = null;
        this.#schedule(Math.max(0, this.settings.intervalMs - (this.#now() - startedAt)));
      });
    }, delayMs);
  }

  /** One probe and what follows from it. Public for tests that drive the loop by hand. */
  async tick(): Promise<void> {
    const result = await this.deps.probe();
    const log = this.deps.logger;
    if (result.ok) {
      if (this.#failures.length > 0) {
        log.info({ ms: result.ms, failedBefore: this.#failures.length }, 'webcache answers again');
      } else {
        log.debug({ ms: result.ms }, 'hang detector probe ok');
      }
      this.#failures = [];
      return;
    }
    this.#failures.push(result);
    log.warn(
      {
        step: result.step,
        code: result.code,
        ms: result.ms,
        inARow: this.#failures.length,
        of: this.settings.failuresBeforeRestart,
      },
      'hang detector probe failed',
    );
    if (this.#failures.length < this.settings.failuresBeforeRestart) return;
    const failures = this.#failures;
    this.#failures = [];
    const now = this.#now();
    if (now - this.#lastRestartAt < this.settings.minRestartIntervalMs) {
      log.error(
        { lastRestartMsAgo: now - this.#lastRestartAt },
        'webcache still failing; restart held back by hang_detector_min_restart_interval_minutes',
      );
      return;
    }
    this.#lastRestartAt = now;
    log.error(
      { command: this.settings.restartCommand, failures: failures.map(describeFailure) },
      'webcache hangs; running the restart command',
    );
    const restart = await this.deps.restart();
    const isRestarted = restart.exitCode === 0;
    (isRestarted ? log.warn.bind(log) : log.error.bind(log))(
      {
        exitCode: restart.exitCode,
        signal: restart.signal,
        ms: restart.ms,
        output: restart.output,
      },
      isRestarted ? 'restart command done' : 'restart command failed',
    );
    await this.#mail(failures, restart);
  }

  async #mail(failures: HangProbeResult[], restart: RestartResult): Promise<void> {
    const log = this.deps.logger;
    const now = this.#now();
    if (this.deps.alert === null) {
      log.warn('no admin_emails or no SMTP server for alerts: the admins are not mailed');
      return;
    }
    if (now - this.#lastMailAt < this.settings.minRestartIntervalMs) {
      log.warn('alert mail held back by hang_detector_min_restart_interval_minutes');
      return;
    }
    this.#lastMailAt = now;
    const outcome =
      restart.exitCode === 0
        ? 'The restart command succeeded.'
        : `The restart command FAILED (exit ${restart.exitCode ?? restart.signal ?? 'none'}).`;
    const mail: AlertMail = {
      subject: `AlphaMail webcache hang: restarted after ${failures.length} failed probes`,
      text: [
        `The AlphaMail hang detector found the webcache not answering and ran:`,
        ``,
        `  ${this.settings.restartCommand}`,
        ``,
        outcome,
        ``,
        `Failed probes (one every ${this.settings.intervalMs / 1000} s):`,
        ...failures.map((f) => `  - ${describeFailure(f)}`),
        ``,
        `Output of the restart command (last lines):`,
        restart.output.trim() === '' ? '  (none)' : restart.output.trim(),
        ``,
        `Logs: journalctl -u alphamail-webcache -u alphamail-hang-detector`,
        ``,
      ].join('\n'),
    };
    try {
      await this.deps.alert(mail);
      log.info('alert mail sent');
    } catch (err) {
      log.error({ code: (err as { code?: unknown }).code }, 'alert mail could not be sent');
    }
  }
}
