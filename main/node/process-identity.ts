import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * Who holds a lock or runs an operation: enough to tell, on the same host, whether that process
 * is still alive. A pid alone is not enough, because pids are reused; with the process's start
 * time (Linux: /proc/<pid>/stat) a reused pid is told apart from the holder.
 */
export interface ProcessIdentity {
  host: string;
  pid: number;
  /** Start time in clock ticks since boot (Linux), or undefined where it cannot be read. */
  start?: number | undefined;
}

let self: ProcessIdentity | undefined;

export function selfIdentity(): ProcessIdentity {
  self ??= { host: hostname(), pid: process.pid, start: startTimeOf(process.pid) };
  return self;
}

/**
 * true when the process is certainly gone, false when it is (or may be) alive. Another host's
 * process cannot be asked: it counts as alive, and only staleness ends its claim.
 */
export function isCertainlyDead(holder: ProcessIdentity): boolean {
  if (holder.host !== hostname()) return false;
  if (holder.pid === process.pid) return holder.start !== selfIdentity().start;
  try {
    process.kill(holder.pid, 0);
  } catch (err) {
    // EPERM: it exists but belongs to someone else, which is not our holder only if start differs.
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return true;
  }
  const start = startTimeOf(holder.pid);
  return holder.start !== undefined && start !== undefined && start !== holder.start;
}

/** Field 22 of /proc/<pid>/stat; the command name before it may hold spaces, so count from ')'. */
function startTimeOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const value = Number(fields[19]);
    return Number.isFinite(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

export function isProcessIdentity(value: unknown): value is ProcessIdentity {
  const v = value as Partial<ProcessIdentity> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.host === 'string' &&
    typeof v.pid === 'number' &&
    Number.isSafeInteger(v.pid) &&
    (v.start === undefined || typeof v.start === 'number')
  );
}
