// Owns serialising one session's IMAP work: one operation at a time, user requests before
// background work (snippet filler, folder refresh). Must not time anything: callers bring deadlines.

type Priority = 'user' | 'background';

interface Job {
  start: () => Promise<void>;
}

/**
 * A mutex with two lanes. A job may keep the lock after its promise settles (a download that
 * streams on): it returns a `hold` promise and the lock is released when that settles.
 */
export class OpQueue {
  private readonly user: Job[] = [];
  private readonly background: Job[] = [];
  private running = false;

  get isBusy(): boolean {
    return this.running || this.user.length > 0 || this.background.length > 0;
  }

  get hasUserWork(): boolean {
    return this.user.length > 0;
  }

  run<T>(priority: Priority, work: () => Promise<{ value: T; hold?: Promise<void> }>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const job: Job = {
        start: async () => {
          let hold: Promise<void> | undefined;
          try {
            const result = await work();
            hold = result.hold;
            resolve(result.value);
          } catch (err) {
            reject(err instanceof Error ? err : new Error(String(err)));
          }
          if (hold) await hold.catch(() => undefined);
        },
      };
      (priority === 'user' ? this.user : this.background).push(job);
      this.pump();
    });
  }

  private pump(): void {
    if (this.running) return;
    const job = this.user.shift() ?? this.background.shift();
    if (!job) return;
    this.running = true;
    void job.start().finally(() => {
      this.running = false;
      this.pump();
    });
  }
}
