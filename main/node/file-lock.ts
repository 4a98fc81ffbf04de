import { utimes } from 'node:fs/promises';
import { basename } from 'node:path';
import { TokenTrayError } from '../common/errors.js';
import {
  breakLock,
  holds,
  tryClaim,
  isDead,
  isStale,
  inspect,
  newClaim,
  release,
  type Claim,
} from './lock-file.js';
import { isStopped, selfIdentity } from './process-identity.js';

export interface FileLockOptions {
  /** How long to wait for another process to finish. A refresh can take up to its HTTP timeout. */
  waitMs?: number;
  /**
   * A lock its holder stopped touching for this long is taken over: the holder is gone, or hung,
   * on a host we cannot ask (a shared home folder). On this host a dead holder is seen at once,
   * and on Linux a running one keeps its lock, however long untouched.
   */
  staleMs?: number;
}

const POLL_MS = 25;

/** What `fn` is given while it holds the lock. */
export interface LockLease {
  /**
   * Throws `lock_lost` if the lock is no longer ours: this process was paused (stopped, or on a
   * system without start times, asleep) past staleness and another took it over. Asked right
   * before an act that must not be done twice, such as presenting a refresh token.
   */
  assertHeld(): void;
}

/**
 * Runs `fn` while holding a lock that other processes honour: `<path>.lock`, a file created
 * exclusively (O_EXCL) with the claim in it, naming the holder's pid and start time; its mtime is
 * kept fresh while the holder lives.
 *
 * A later caller takes the lock over at once when its holder is certainly dead (same host, pid gone,
 * reused or a zombie), or once it is stale: untouched for `staleMs`, watched by this caller for half
 * that on its own clock, and not held by a process known to be running (./lock-file.ts says why).
 * Every caller waits at least until a stale lock would be taken over, so a crashed holder can delay
 * a caller but never make it fail.
 *
 * Older versions locked with a folder of that name (proper-lockfile's layout, later with the
 * claim in `holder.json` inside). Each kind excludes the other, since neither can be made where
 * the other exists, and both age by the same mtime; a folder's claim is read where it lies. The
 * first versions with a lock file took a dead lock over by moving it aside, and ignore the turns
 * of ./lock-file.ts: an app of such a version, left running after an update, can still race this
 * one. A file, not a folder: one inode made, and one removed, per lock.
 */
export async function withFileLock<T>(
  lockPath: string,
  fn: (lease: LockLease) => Promise<T>,
  options: FileLockOptions = {},
): Promise<T> {
  const staleMs = options.staleMs ?? 20_000;
  const waitMs = Math.max(options.waitMs ?? 45_000, staleMs + 5_000);
  const lock = `${lockPath}.lock`;
  const claim = await acquire(lock, lockPath, waitMs, staleMs);
  // Kept fresh by the holder so no waiter takes it as stale. A timer, so it runs during `fn`.
  const fresh = setInterval(
    () => {
      const now = new Date();
      void utimes(lock, now, now).catch(() => undefined);
    },
    Math.max(10, Math.floor(staleMs / 4)),
  );
  fresh.unref();
  try {
    return await fn({
      assertHeld: () => {
        if (!holds(lock, claim)) throw lockLost(lockPath);
      },
    });
  } finally {
    clearInterval(fresh);
    release(lock, claim);
  }
}

async function acquire(lock: string, lockPath: string, waitMs: number, staleMs: number) {
  const deadline = performance.now() + waitMs;
  // How long this waiter itself has seen the same lock, untouched, on its monotonic clock. A
  // lock's age is wall time, which jumps when a machine wakes from sleep: at once every lock looks
  // stale, before its holder's timer has had a chance to touch it again.
  let watched = { id: '', since: 0 };
  for (let quick = 0; ;) {
    const claim = newClaim();
    if (tryClaim(lock, claim)) return claim;
    const seen = inspect(lock);
    if (seen !== undefined && seen.id !== watched.id)
      watched = { id: seen.id, since: performance.now() };
    const watchedMs = performance.now() - watched.since;
    // Watched for all of staleMs, a lock is stale whatever its mtime says: a clock set back, or
    // another host's running ahead, would otherwise keep a dead holder's lock young for hours.
    const breakable =
      seen !== undefined &&
      (isDead(seen) || (isStale(seen, staleMs, watchedMs >= staleMs) && watchedMs >= staleMs / 2));
    // Released meanwhile, or just removed: try again at once, but only a few times in a row (on
    // Windows a removed file lingers until every handle on it is closed).
    if ((seen === undefined || (breakable && breakLock(lock, seen, staleMs))) && quick++ < 3)
      continue;
    if (performance.now() >= deadline) throw lockTimeout(lockPath, waitMs, seen?.claim);
    quick = 0;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** What the lock guards, in the user's words: the settings file, or one account. */
function describeLock(lockPath: string): string {
  const name = basename(lockPath);
  if (name === 'settings') return 'the settings file (config.json)';
  if (name.startsWith('account-')) return `account "${name.slice('account-'.length)}"`;
  return lockPath;
}

function lockTimeout(lockPath: string, waitMs: number, other: Claim | undefined): TokenTrayError {
  const who =
    other === undefined ? 'Another TokenTray process' : `TokenTray process ${other.holder.pid}`;
  const where = other !== undefined && other.holder.host !== selfIdentity().host;
  if (other !== undefined && isStopped(other.holder)) {
    return new TokenTrayError(
      'lock_timeout',
      `${who} holds ${describeLock(lockPath)} and is stopped (suspended with Ctrl-Z, or in a debugger), so this one gave up waiting after ${Math.round(waitMs / 1000)} s.`,
      {
        hint: `Let it go on (\`fg\` in its terminal, or \`kill -CONT ${other.holder.pid}\`), or end it, then try again.`,
      },
    );
  }
  return new TokenTrayError(
    'lock_timeout',
    `${who}${where ? ` on ${other.holder.host}` : ''} has been working on ${describeLock(lockPath)} for over ${Math.round(waitMs / 1000)} s, so this one gave up waiting.`,
    {
      hint: 'It is still running: let it finish, or end it, then try again. A lock whose holder has died is taken over at once.',
    },
  );
}

function lockLost(lockPath: string): TokenTrayError {
  return new TokenTrayError(
    'lock_lost',
    `Another TokenTray process took over ${describeLock(lockPath)} while this one was paused, so this one stopped before presenting anything.`,
    { hint: 'Try again: what the other process did is then used.' },
  );
}
