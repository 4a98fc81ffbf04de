import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { readFile, rename, rm, stat, utimes } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { TokenTrayError } from '../common/errors.js';
import {
  isCertainlyDead,
  isProcessIdentity,
  selfIdentity,
  type ProcessIdentity,
} from './process-identity.js';

export interface FileLockOptions {
  /** How long to wait for another process to finish. A refresh can take up to its HTTP timeout. */
  waitMs?: number;
  /**
   * A lock its holder stopped touching for this long is taken over: the holder is gone, or hung,
   * on a host we cannot ask (a shared home folder). On this host a dead holder is seen at once.
   */
  staleMs?: number;
}

/** Who holds a lock; `nonce` tells this claim from a later one by a reused pid or the same pid. */
interface Claim {
  holder: ProcessIdentity;
  nonce: string;
}

/** Inside the lock folder of an older version: who held it. */
const HOLDER_FILE = 'holder.json';
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
    const claim: Claim = {
      holder: selfIdentity(),
      nonce: Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(9))).toString(
        'base64url',
      ),
    };
    if (claimed(lock, claim)) return claim;
    const other = await readClaim(lock);
    const age = await ageOf(lock);
    if (age === undefined) continue; // released meanwhile
    if ((other !== undefined && isCertainlyDead(other.holder)) || age > staleMs) {
      await takeOver(lock, other?.nonce);
      continue;
    }
    if (Date.now() >= deadline) throw lockTimeout(lockPath, waitMs, other);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/**
 * Creates the lock file with our claim in it, synchronously, from the exclusive create to the
 * write: a lock without a claim can only be taken over once stale, so a kill must not find time
 * to land in between. A write that fails takes its empty file away again.
 */
function claimed(lock: string, claim: Claim): boolean {
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

/**
 * Moves the dead claim aside, then checks that what moved is the claim judged dead. If another
 * waiter took the lock over first and a live claim was moved by mistake, it is put back.
 */
async function takeOver(lock: string, nonce: string | undefined): Promise<void> {
  const aside = `${lock}.stale-${process.pid}-${Date.now()}`;
  try {
    await rename(lock, aside);
  } catch {
    return; // someone else moved or released it
  }
  if ((await readClaim(aside))?.nonce === nonce) {
    await rm(aside, { recursive: true, force: true });
    return;
  }
  await rename(aside, lock).catch(() => rm(aside, { recursive: true, force: true }));
}

/**
 * Releases our own claim only: if ours was taken over (we hung past staleness), the new holder's
 * stays. Checked and removed synchronously, with nothing between the two, in one step.
 */
function release(lock: string, claim: Claim): void {
  if (readClaimNow(lock)?.nonce !== claim.nonce) return;
  try {
    unlinkSync(lock);
  } catch {
    // Gone already: taken over and released meanwhile.
  }
}

/** The claim in a lock file, or in an older version's lock folder. */
async function readClaim(lock: string): Promise<Claim | undefined> {
  try {
    return toClaim(await readFile(lock, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EISDIR') return undefined;
  }
  try {
    return toClaim(await readFile(join(lock, HOLDER_FILE), 'utf8'));
  } catch {
    return undefined; // not written yet, or a lock of an older version: staleness decides
  }
}

/** Our own claim, read back at release: always a file. */
function readClaimNow(lock: string): Claim | undefined {
  try {
    return toClaim(readFileSync(lock, 'utf8'));
  } catch {
    return undefined;
  }
}

function toClaim(text: string): Claim | undefined {
  const value = JSON.parse(text) as Partial<Claim> | null;
  return isProcessIdentity(value?.holder) && typeof value?.nonce === 'string'
    ? { holder: value.holder, nonce: value.nonce }
    : undefined;
}

async function ageOf(lock: string): Promise<number | undefined> {
  try {
    return Date.now() - (await stat(lock)).mtimeMs;
  } catch {
    return undefined;
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
