// Owns asking a benchmarked process's V8 for a full garbage collection over its inspector (a
// loopback WebSocket the harness opened with --inspect=127.0.0.1:0), so memory figures show what
// is retained rather than when the GC last ran. Must not read figures or drive pages.
import WebSocket from 'ws';

/** How long one collection may take before the benchmark gives up on it. */
const collectTimeoutMs = 30_000;

/**
 * Runs HeapProfiler.collectGarbage (V8's "collect all available garbage": repeated full GCs)
 * in the process behind `url` and resolves when it has finished.
 */
export function collectGarbage(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error(`no answer to collectGarbage from ${url} in ${collectTimeoutMs} ms`));
    }, collectTimeoutMs);
    const finish = (err?: Error): void => {
      clearTimeout(timer);
      socket.close();
      if (err) reject(err);
      else resolve();
    };
    socket.on('open', () =>
      socket.send(JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' })),
    );
    socket.on('message', (data: Buffer) => {
      const reply = JSON.parse(data.toString('utf8')) as {
        id?: number;
        error?: { message: string };
      };
      if (reply.id !== 1) return;
      finish(reply.error ? new Error(`collectGarbage: ${reply.error.message}`) : undefined);
    });
    socket.on('error', (err) => finish(err));
  });
}
