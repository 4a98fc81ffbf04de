import { readFileSync, readlinkSync } from 'node:fs';
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
  /**
   * Which pids `pid` is one of (Linux): the boot's id and the pid namespace. A claim made before
   * the last reboot is dead, whatever runs under its pid now; one from another namespace (a
   * sandboxed app beside us) cannot be judged by its pid at all.
   */
  boot?: string | undefined;
  pidNs?: string | undefined;
}

let self: ProcessIdentity | undefined;

export function selfIdentity(): ProcessIdentity {
  self ??= {
    host: hostname(),
    pid: process.pid,
    start: procStat(process.pid)?.start,
    boot: readOr(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()),
    pidNs: readOr(() => readlinkSync('/proc/self/ns/pid')),
  };
  return self;
}

function readOr(read: () => string): string | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

/** Both known and different: claims of older versions name neither, and are judged as before. */
const differ = (a: string | undefined, b: string | undefined) =>
  a !== undefined && b !== undefined && a !== b;

/**
 * true when the process is certainly gone, false when it is (or may be) alive. Another host's
 * process cannot be asked: it counts as alive, and only staleness ends its claim. A zombie (exited,
 * not yet reaped by its parent) is gone: it will never release anything.
 */
export function isCertainlyDead(holder: ProcessIdentity): boolean {
  if (holder.host !== hostname()) return false;
  const me = selfIdentity();
  if (differ(holder.boot, me.boot)) return true;
  if (differ(holder.pidNs, me.pidNs)) return false;
  if (holder.pid === process.pid) return holder.start !== me.start;
  try {
    process.kill(holder.pid, 0);
  } catch (err) {
    // EPERM: it exists but belongs to someone else, which is not our holder only if start differs.
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return true;
  }
  const now = procStat(holder.pid);
  if (now?.state === 'Z') return true;
  return holder.start !== undefined && now?.start !== undefined && now.start !== holder.start;
}

/**
 * true only when the holder is this host's running process itself, not a reused pid: its start
 * time matches (Linux). Such a holder keeps its lock however long it goes untouched: it may be
 * stopped, or the machine may have slept, and a waiter that took the lock over then would work
 * beside it, presenting a refresh token it may be presenting too. Elsewhere nothing tells a
 * reused pid from the holder, so there staleness still ends a claim.
 */
export function isCertainlyAlive(holder: ProcessIdentity): boolean {
  return stateIfAlive(holder) !== undefined;
}

/** A running holder that is stopped (Ctrl-Z, a debugger): it keeps its lock until it goes on. */
export function isStopped(holder: ProcessIdentity): boolean {
  const state = stateIfAlive(holder);
  return state === 'T' || state === 't';
}

/** The holder's state (field 3 of /proc/<pid>/stat) if it is certainly alive, else undefined. */
function stateIfAlive(holder: ProcessIdentity): string | undefined {
  const me = selfIdentity();
  if (holder.host !== hostname() || holder.start === undefined) return undefined;
  if (holder.boot === undefined || holder.boot !== me.boot || holder.pidNs !== me.pidNs)
    return undefined;
  // This very process is running, whatever /proc would say: it is asking.
  if (holder.pid === process.pid) return holder.start === me.start ? 'R' : undefined;
  const now = procStat(holder.pid);
  return now?.start === holder.start && now.state !== 'Z' ? now.state : undefined;
}

/**
 * Fields 3 (state) and 22 (start time) of /proc/<pid>/stat; the command name before them may hold
 * spaces, so count from the last ')'. undefined where there is no /proc, or no such process.
 */
function procStat(pid: number): { state: string; start: number | undefined } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const start = Number(fields[19]);
    return { state: fields[0] ?? '', start: Number.isFinite(start) ? start : undefined };
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
    (v.start === undefined || typeof v.start === 'number') &&
    (v.boot === undefined || typeof v.boot === 'string') &&
    (v.pidNs === undefined || typeof v.pidNs === 'string')
  );
}
