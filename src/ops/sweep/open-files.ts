// Owns finding which files are held open right now, by any process this user may inspect, from
// /proc/<pid>/fd. Must not open, lock or change any file it looks at.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Where Linux lists each process's open descriptors. */
const procRoot = '/proc';

/** A file's identity that survives renames and differs between hard-linked paths' owners. */
export function fileId(stats: { dev: number; ino: number }): string {
  return `${stats.dev}:${stats.ino}`;
}

/**
 * The ids of every file some process holds open. Processes of other users are not readable
 * unless we run as root; the webcache runs as the sweeper's user (deploy/), so its are seen.
 */
export function openFileIds(): Set<string> {
  const ids = new Set<string>();
  let pids: string[];
  try {
    pids = readdirSync(procRoot).filter((name) => /^[0-9]+$/.test(name));
  } catch {
    return ids;
  }
  for (const pid of pids) {
    const fdDir = join(procRoot, pid, 'fd');
    let fds: string[];
    try {
      fds = readdirSync(fdDir);
    } catch {
      continue; // Gone, or another user's: EACCES.
    }
    for (const fd of fds) {
      try {
        // stat follows the magic link to the open file itself, even if it was renamed.
        ids.add(fileId(statSync(join(fdDir, fd))));
      } catch {
        // Closed in the meantime, or a socket/pipe with nothing to stat.
      }
    }
  }
  return ids;
}
