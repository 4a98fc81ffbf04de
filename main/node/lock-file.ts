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
  isCertainlyDead,
  isProcessIdentity,
  selfIdentity,
  type ProcessIdentity,
} from './process-identity.js';

// One lock file, as ./file-lock.ts uses it: claimed exclusively, looked at through one open file,
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
 * write: a lock without a claim can only be taken over once stale, so a kill must not find time
 * to land in between. A write that fails takes its empty file away again.
 */
export function claimed(lock: string, claim: Claim): boolean {
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

/** What one look at a lock showed: the claim, its age and its identity, all of the same file. */
export interface Seen {
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
 * Looks at a lock through one open file, so that its claim and its age belong to the same lock.
 * Read from two lookups they need not: a waiter read a holder's claim, the holder released and
 * exited, another process took the lock, and the waiter judged that new, live lock by the first
 * holder's death.
 */
export function look(lock: string): Seen | undefined {
  let fd: number;
  try {
    fd = openSync(lock, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    // A folder where it cannot be opened (Windows), or a released file lingering there.
    const st = statNow(lock);
    return st && seenOf(st, st.isDirectory() ? folderClaim(lock) : undefined);
  }
  try {
    const st = fstatSync(fd, { bigint: true });
    return seenOf(st, st.isDirectory() ? folderClaim(lock) : toClaim(readFileSync(fd, 'utf8')));
  } finally {
    closeSync(fd);
  }
}

function seenOf(st: BigIntStats, claim: Claim | undefined): Seen {
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

export function isDeadOrStale(seen: Seen, staleMs: number): boolean {
  return (seen.claim !== undefined && isCertainlyDead(seen.claim.holder)) || seen.ageMs > staleMs;
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
 */
export function breakLock(lock: string, judged: Seen, staleMs: number): boolean {
  const turnLock = `${lock}.break`;
  const turn = newClaim();
  if (!claimed(turnLock, turn)) {
    const other = look(turnLock);
    if (other !== undefined && isDeadOrStale(other, staleMs)) removeLock(turnLock, other.folder);
    return false;
  }
  try {
    // Only the lock's holder removes it otherwise, and a dead one cannot: what is judged here is
    // what is removed. (A stale holder that was only hung could release it in between.)
    if (look(lock)?.id !== judged.id) return false;
    removeLock(lock, judged.folder);
    return true;
  } finally {
    release(turnLock, turn);
  }
}

function removeLock(path: string, folder: boolean): void {
  try {
    if (folder) rmSync(path, { recursive: true, force: true });
    else unlinkSync(path);
  } catch {
    // Gone already.
  }
}

/**
 * Releases our own claim only: if ours was taken over (we hung past staleness), the new holder's
 * stays. Checked and removed synchronously, with nothing between the two, in one step.
 */
export function release(lock: string, claim: Claim): void {
  if (look(lock)?.claim?.nonce !== claim.nonce) return;
  removeLock(lock, false);
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
