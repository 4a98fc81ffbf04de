import {
  closeSync,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  unlinkSync,
  writeSync,
  type BigIntStats,
} from 'node:fs';
import { dirname, join } from 'node:path';
import {
  isCertainlyAlive,
  isCertainlyDead,
  isProcessIdentity,
  selfIdentity,
  type ProcessIdentity,
} from './process-identity.js';

// One lock file, as ./file-lock.ts uses it: claimed exclusively, inspected through one open file,
// broken only in turns and only if still the lock judged, and released by its own holder alone.

/** Who holds a lock; `nonce` tells this claim from a later one by a reused pid or the same pid. */
export interface Claim {
  holder: ProcessIdentity;
  nonce: string;
}

/** Inside the lock folder of an older version: who held it. */
const HOLDER_FILE = 'holder.json';

export function newClaim(): Claim {
  const nonce = Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(9)));
  return { holder: selfIdentity(), nonce: nonce.toString('base64url') };
}

/**
 * Creates the lock file with our claim in it, synchronously, from the exclusive create to the
 * write: a lock without a claim can only be taken over once stale, so the time for a kill to land
 * in between is kept to two system calls. A write that fails takes its empty file away again.
 */
export function tryClaim(lock: string, claim: Claim): boolean {
  let fd: number;
  try {
    fd = createExclusively(lock);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    // Windows: a released lock file that a waiter still has open lingers, deleted but not gone,
    // until that waiter closes it; it refuses to be made again until then, a moment later.
    if (process.platform === 'win32' && code === 'EPERM') return false;
    throw err;
  }
  try {
    writeSync(fd, JSON.stringify(claim));
  } catch (err) {
    try {
      unlinkSync(lock);
    } catch {
      // Left unnamed: it is taken over once stale.
    }
    throw err;
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * The lock file, never over anything ('wx'), and the folder of locks only when it is missing: it
 * exists on every call but the first, and making sure of it first cost each lock a round trip.
 */
function createExclusively(lock: string): number {
  try {
    return openSync(lock, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    mkdirSync(dirname(lock), { recursive: true, mode: 0o700 });
    return openSync(lock, 'wx', 0o600);
  }
}

/** What one inspection of a lock showed: its claim, its age and its identity, all of one file. */
export interface LockSnapshot {
  claim: Claim | undefined;
  ageMs: number;
  /**
   * Tells this lock from any later one at the same path, even one that reuses the inode: the
   * inode, its mtime (a live holder keeps touching it) and the claim's nonce.
   */
  id: string;
  folder: boolean;
}

/**
 * Inspects a lock through one open file, so that its claim and its age belong to the same lock.
 * Read from two lookups they need not: a waiter read a holder's claim, the holder released and
 * exited, another process took the lock, and the waiter judged that new, live lock by the first
 * holder's death.
 */
export function inspect(lock: string): LockSnapshot | undefined {
  let fd: number;
  try {
    fd = openSync(lock, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    // A folder where it cannot be opened (Windows), or a released file lingering there.
    const st = statNow(lock);
    return st && snapshotOf(st, st.isDirectory() ? folderClaim(lock) : undefined);
  }
  try {
    const st = fstatSync(fd, { bigint: true });
    return snapshotOf(st, st.isDirectory() ? folderClaim(lock) : toClaim(readFileSync(fd, 'utf8')));
  } finally {
    closeSync(fd);
  }
}

function snapshotOf(st: BigIntStats, claim: Claim | undefined): LockSnapshot {
  return {
    claim,
    ageMs: Date.now() - Number(st.mtimeMs),
    id: `${st.dev}:${st.ino}:${st.mtimeNs}:${claim?.nonce ?? ''}`,
    folder: st.isDirectory(),
  };
}

function statNow(path: string): BigIntStats | undefined {
  try {
    return statSync(path, { bigint: true });
  } catch {
    return undefined;
  }
}

/** An older version's lock folder names its holder inside, once it has written the file. */
function folderClaim(lock: string): Claim | undefined {
  try {
    return toClaim(readFileSync(join(lock, HOLDER_FILE), 'utf8'));
  } catch {
    return undefined; // not written yet, or a lock of an older version: staleness decides
  }
}

/** Its holder is certainly gone (see isCertainlyDead): the lock can be taken over at once. */
export function isDead(seen: LockSnapshot): boolean {
  return seen.claim !== undefined && isCertainlyDead(seen.claim.holder);
}

/**
 * Untouched for `staleMs` by wall time (or, `watchedLongEnough`, by the waiter's own watch), and
 * not held by a process known to be running. The waiter's own watch (../file-lock.ts) is also what
 * tells a gone holder from a machine that just woke.
 */
export function isStale(seen: LockSnapshot, staleMs: number, watchedLongEnough = false): boolean {
  if (seen.claim !== undefined && isCertainlyAlive(seen.claim.holder)) return false;
  return watchedLongEnough || seen.ageMs > staleMs;
}

/**
 * Removes a lock judged dead or stale, if it is still the very lock judged; true if it did.
 *
 * Waiters that would remove one take turns through a second lock, `<lock>.break`. Without turns,
 * two waiters that judged the same dead lock could each remove one: the first the dead lock, the
 * second the lock the first had made since, live. A turn is synchronous throughout, so it lasts
 * microseconds, and a turn's holder killed within it is cleared as any dead holder is.
 *
 * Nothing is moved aside and put back: a live lock moved by mistake could be released, or taken,
 * while it was away, and putting it back would leave a lock nobody holds, or two holders.
 *
 * What stays open: removal is by path, so a process paused between a look and its unlink can
 * still remove a newer lock. Within a turn only a holder can change the lock, and a dead one
 * cannot; a stale one is certainly alive nowhere we can tell (another host, or no start time), and
 * would have to release it, and another process take it, in those microseconds. Clearing a dead
 * turn has the same window, after a turn's holder was killed within its turn.
 */
export function breakLock(lock: string, judged: LockSnapshot, staleMs: number): boolean {
  const turnLock = `${lock}.break`;
  const turn = newClaim();
  if (!tryClaim(turnLock, turn)) {
    const other = inspect(turnLock);
    if (other !== undefined && (isDead(other) || isStale(other, staleMs)))
      removeLock(turnLock, other.folder);
    return false;
  }
  try {
    return inspect(lock)?.id === judged.id && removeLock(lock, judged.folder);
  } finally {
    release(turnLock, turn);
  }
}

/** true if it is gone: a lock that cannot be removed (a folder we may not empty) is not. */
function removeLock(path: string, folder: boolean): boolean {
  try {
    if (folder) rmSync(path, { recursive: true, force: true });
    else unlinkSync(path);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

/**
 * Releases our own claim only: if ours was taken over (we were stale, on a host or system where
 * that is allowed), the new holder's stays. The check and the unlink are back to back, both
 * synchronous; a takeover can only land between them in that case.
 */
export function release(lock: string, claim: Claim): void {
  if (holds(lock, claim)) removeLock(lock, false);
}

/** The lock file still holds `claim`: not taken over, nor released. */
export function holds(lock: string, claim: Claim): boolean {
  return inspect(lock)?.claim?.nonce === claim.nonce;
}

function toClaim(text: string): Claim | undefined {
  try {
    const value = JSON.parse(text) as Partial<Claim> | null;
    return isProcessIdentity(value?.holder) && typeof value?.nonce === 'string'
      ? { holder: value.holder, nonce: value.nonce }
      : undefined;
  } catch {
    return undefined; // being written, or not ours
  }
}
