import { utimes } from 'node:fs/promises';
import { basename } from 'node:path';
import { TokenTrayError } from '../common/errors.js';
import {
  breakLock,
  claimed,
  isDeadOrStale,
  look,
  newClaim,
  release,
  type Claim,
} from './lock-file.js';
import { selfIdentity } from './process-identity.js';

export interface FileLockOptions {
  /** How long to wait for another process to finish. A refresh can take up to its HTTP timeout. */
  waitMs?: number;
  /**
   * A lock its holder stopped touching for this long is taken over: the holder is gone, or hung,
   * on a host we cannot ask (a shared home folder). On this host a dead holder is seen at once.
   */
  staleMs?: number;
}

const POLL_MS = 25;

/**
 * Runs `fn` while holding a lock that other processes honour: `<path>.lock`, a file created
 * exclusively (O_EXCL) with the claim in it, naming the holder's pid and start time; its mtime is
 * kept fresh while the holder lives.
 *
 * A later caller takes the lock over at once when its holder is certainly dead (same host, pid gone
 * or reused), or once it is stale. Every caller waits at least until a stale lock would be taken
 * over, so a crashed holder can delay a caller but never make it fail.
 *
 * Older versions locked with a folder of that name (proper-lockfile's layout, later with the
 * claim in `holder.json` inside). Each kind excludes the other, since neither can be made where
 * the other exists, and both age by the same mtime; a folder's claim is read where it lies. An
 * older version cannot read a file's claim, so to it a dead holder's lock is stale only after
 * `staleMs`, as an unnamed one. A file, not a folder: one inode made, and one removed, per lock.
 */
export async function withFileLock<T>(
  lockPath: string,
  fn: () => Promise<T>,
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
    return await fn();
  } finally {
    clearInterval(fresh);
    release(lock, claim);
  }
}

async function acquire(lock: string, lockPath: string, waitMs: number, staleMs: number) {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const claim = newClaim();
    if (claimed(lock, claim)) return claim;
    const seen = look(lock);
    if (seen === undefined) continue; // released meanwhile
    if (isDeadOrStale(seen, staleMs) && breakLock(lock, seen, staleMs)) continue;
    if (Date.now() >= deadline) throw lockTimeout(lockPath, waitMs, seen.claim);
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
  return new TokenTrayError(
    'lock_timeout',
    `${who}${where ? ` on ${other.holder.host}` : ''} has been working on ${describeLock(lockPath)} for over ${Math.round(waitMs / 1000)} s, so this one gave up waiting.`,
    {
      hint: 'It is still running: let it finish, or end it, then try again. A lock whose holder has died is taken over at once.',
    },
  );
}
