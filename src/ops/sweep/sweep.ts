// Owns the garbage sweep of the data dir: spool files past their age, spool directories of
// sessions the webcache no longer holds, and (once file sharing exists) expired shares.
// Must not follow a symbolic link (a link itself may go, its target never), leave the data dir,
// or remove a file some process holds open.
import { lstatSync, readdirSync, realpathSync, rmdirSync, unlinkSync, type Stats } from 'node:fs';
import { join, relative } from 'node:path';
import { fileId, openFileIds } from './open-files.js';

/** An orphan younger than this may belong to a session that logged in after we asked. */
export const orphanGraceMs = 60_000;
/** The spool's folder inside the data dir (webcache/compose/spool.ts writes there). */
export const spoolFolder = 'spool';
/** Where shared files will live; nothing is swept there until file sharing is built. */
export const sharesFolder = 'shares';
/** A spool file's metadata sidecar goes with its data file. */
const sidecarSuffix = '.json';

export type SweepReason = 'old' | 'orphaned';

export interface SweepOptions {
  dataDir: string;
  spoolMaxAgeMs: number;
  /** Spool directory names of live sessions; null when the webcache could not be asked. */
  liveSpools: ReadonlySet<string> | null;
  isDryRun: boolean;
  now?: number;
  /** For tests; defaults to scanning /proc. */
  openFiles?: () => Set<string>;
}

export interface SweepReport {
  removed: { path: string; reason: SweepReason; isDirectory: boolean }[];
  kept: { path: string; why: 'in use' }[];
  failures: { path: string; error: string }[];
  notes: string[];
}

interface Walk {
  opts: SweepOptions;
  root: string;
  now: number;
  open: Set<string>;
  report: SweepReport;
}

function errorText(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? String(err);
}

function tryLstat(walk: Walk, path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      walk.report.failures.push({ path, error: errorText(err) });
    }
    return null;
  }
}

/** Entries of a directory we reached by lstat; refuses one that now resolves elsewhere. */
function listDir(walk: Walk, path: string): string[] | null {
  try {
    // A directory swapped for a link between our lstat and here would lead out of the data dir.
    if (realpathSync(path) !== join(walk.root, relative(walk.root, path))) {
      walk.report.failures.push({ path, error: 'moved or replaced while sweeping' });
      return null;
    }
    return readdirSync(path).sort();
  } catch (err) {
    walk.report.failures.push({ path, error: errorText(err) });
    return null;
  }
}

function isInUse(walk: Walk, path: string, stats: Stats): boolean {
  if (!stats.isFile()) return false;
  if (walk.open.has(fileId(stats))) return true;
  // A sidecar stays while its data file is open: the webcache reads both.
  if (path.endsWith(sidecarSuffix)) {
    const data = lstatSync(path.slice(0, -sidecarSuffix.length), { throwIfNoEntry: false });
    return data?.isFile() === true && walk.open.has(fileId(data));
  }
  return false;
}

function removeEntry(walk: Walk, path: string, reason: SweepReason): void {
  if (!walk.opts.isDryRun) {
    try {
      unlinkSync(path); // Removes a link itself, never what it points to.
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      walk.report.failures.push({ path, error: errorText(err) });
      return;
    }
  }
  walk.report.removed.push({ path, reason, isDirectory: false });
}

/**
 * Sweeps one directory level below `dir`. `isOrphan`: the session is gone, so every entry old
 * enough to predate our question goes, and the directory itself when it ends up empty.
 * Returns whether everything inside was (or in a dry run would be) removed.
 */
function sweepDir(walk: Walk, dir: string, isOrphan: boolean): boolean {
  const names = listDir(walk, dir);
  if (names === null) return false;
  let isEmptied = true;
  for (const name of names) {
    const path = join(dir, name);
    const stats = tryLstat(walk, path);
    if (stats === null) continue;
    const ageMs = walk.now - stats.mtimeMs;
    if (stats.isDirectory()) {
      const isGone = sweepDir(walk, path, isOrphan);
      if (isGone && isOrphan && ageMs > orphanGraceMs) removeDir(walk, path);
      else isEmptied = false;
      continue;
    }
    const reason: SweepReason | null =
      ageMs > walk.opts.spoolMaxAgeMs
        ? 'old'
        : isOrphan && ageMs > orphanGraceMs
          ? 'orphaned'
          : null;
    if (reason === null) {
      isEmptied = false;
    } else if (isInUse(walk, path, stats)) {
      walk.report.kept.push({ path, why: 'in use' });
      isEmptied = false;
    } else {
      removeEntry(walk, path, reason);
    }
  }
  return isEmptied;
}

function removeDir(walk: Walk, path: string): void {
  if (!walk.opts.isDryRun) {
    try {
      rmdirSync(path);
    } catch (err) {
      walk.report.failures.push({ path, error: errorText(err) });
      return;
    }
  }
  walk.report.removed.push({ path, reason: 'orphaned', isDirectory: true });
}

function sweepSpool(walk: Walk): void {
  const spool = join(walk.root, spoolFolder);
  const stats = tryLstat(walk, spool);
  if (stats === null) return;
  if (!stats.isDirectory()) {
    walk.report.failures.push({ path: spool, error: 'not a directory (a link?): not swept' });
    return;
  }
  const live = walk.opts.liveSpools;
  if (live === null) {
    walk.report.notes.push(
      'the webcache did not answer: spool directories of ended sessions are kept this time',
    );
  }
  const names = listDir(walk, spool) ?? [];
  for (const name of names) {
    const path = join(spool, name);
    const entry = tryLstat(walk, path);
    if (entry === null) continue;
    if (!entry.isDirectory()) {
      // Not a session directory (a stray file or link): only age decides.
      if (walk.now - entry.mtimeMs > walk.opts.spoolMaxAgeMs && !isInUse(walk, path, entry)) {
        removeEntry(walk, path, 'old');
      }
      continue;
    }
    const isOrphan = live !== null && !live.has(name);
    const isEmptied = sweepDir(walk, path, isOrphan);
    if (isOrphan && isEmptied && walk.now - entry.mtimeMs > orphanGraceMs) removeDir(walk, path);
  }
}

/** Sweeps the data dir once; never throws for a single file (it is listed in `failures`). */
export function sweepDataDir(opts: SweepOptions): SweepReport {
  const report: SweepReport = { removed: [], kept: [], failures: [], notes: [] };
  let root: string;
  try {
    root = realpathSync(opts.dataDir);
  } catch (err) {
    report.failures.push({ path: opts.dataDir, error: errorText(err) });
    return report;
  }
  const walk: Walk = {
    opts,
    root,
    now: opts.now ?? Date.now(),
    open: (opts.openFiles ?? openFileIds)(),
    report,
  };
  sweepSpool(walk);
  if (lstatSync(join(root, sharesFolder), { throwIfNoEntry: false }) !== undefined) {
    report.notes.push(`file sharing is not built yet: ${join(root, sharesFolder)} is not swept`);
  }
  return report;
}
