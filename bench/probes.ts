// Owns reading process figures from /proc: resident memory of a pid and the CPU time of a whole
// Dovecot instance. Must not signal or change any process: read-only.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Kernel clock ticks per second, the unit of utime/stime in /proc/<pid>/stat. */
const clockTicksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));

/** VmRSS of a live process in bytes (null when it is gone). */
export function residentBytes(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

interface ProcStat {
  pid: number;
  ppid: number;
  /** utime + stime + cutime + cstime, in ticks: reaped children count in their parent. */
  ticks: number;
}

function readStat(pid: number): ProcStat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name in parentheses may hold spaces; fields after it are fixed (proc(5)).
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const field = (n: number): number => Number(fields[n - 3]);
    return { pid, ppid: field(4), ticks: field(14) + field(15) + field(16) + field(17) };
  } catch {
    return null;
  }
}

/**
 * CPU seconds used so far by a Dovecot instance: its master with the children it reaped
 * (cutime/cstime) plus every live descendant. Per-connection login and imap processes that
 * already exited are included through the master's reaped-children time.
 */
export function dovecotCpuSeconds(dovecotDir: string): number {
  const masterPid = Number(readFileSync(join(dovecotDir, 'run', 'master.pid'), 'utf8').trim());
  const all: ProcStat[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (stat) all.push(stat);
  }
  const children = new Map<number, ProcStat[]>();
  for (const stat of all) {
    const list = children.get(stat.ppid) ?? [];
    list.push(stat);
    children.set(stat.ppid, list);
  }
  let ticks = 0;
  const master = all.find((s) => s.pid === masterPid);
  if (!master) throw new Error(`Dovecot master ${masterPid} is not running`);
  const queue = [master];
  for (let next = queue.shift(); next; next = queue.shift()) {
    ticks += next.ticks;
    queue.push(...(children.get(next.pid) ?? []));
  }
  return ticks / clockTicksPerSecond;
}
