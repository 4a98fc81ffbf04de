import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { readFile, rename, rm, rmdir, stat, unlink, utimes } from 'node:fs/promises';
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

const HOLDER_FILE = 'holder.json';
const POLL_MS = 25;

/**
 * Runs `fn` while holding a lock that other processes honour: an atomic `mkdir` of `<path>.lock`
 * (the layout proper-lockfile used, so older versions still exclude us), with a file inside naming
 * the holder's pid and start time, and the folder's mtime kept fresh while the holder lives.
 *
 * A later caller takes the lock over at once when its holder is certainly dead (same host, pid gone
 * or reused), or once it is stale. Every caller waits at least until a stale lock would be taken
 * over, so a crashed holder can delay a caller but never make it fail.
 */
export async function withFileLock<T>(
  lockPath: string,
  fn: () => Promise<T>,
  options: FileLockOptions = {},
): Promise<T> {
  const staleMs = options.staleMs ?? 20_000;
  const waitMs = Math.max(options.waitMs ?? 45_000, staleMs + 5_000);
  const dir = `${lockPath}.lock`;
  const claim = await acquire(dir, lockPath, waitMs, staleMs);
  // Kept fresh by the holder so no waiter takes it as stale. A timer, so it runs during `fn`.
  const fresh = setInterval(
    () => {
      const now = new Date();
      void utimes(dir, now, now).catch(() => undefined);
    },
    Math.max(10, Math.floor(staleMs / 4)),
  );
  fresh.unref();
  try {
    return await fn();
  } finally {
    clearInterval(fresh);
    await release(dir, claim);
  }
}

async function acquire(dir: string, lockPath: string, waitMs: number, staleMs: number) {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const claim: Claim = {
      holder: selfIdentity(),
      nonce: Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(9))).toString(
        'base64url',
      ),
    };
    if (claimed(dir, claim)) return claim;
    const other = await readClaim(dir);
    const age = await ageOf(dir);
    if (age === undefined) continue; // released meanwhile
    if ((other !== undefined && isCertainlyDead(other.holder)) || age > staleMs) {
      await takeOver(dir, other?.nonce);
      continue;
    }
    if (Date.now() >= deadline) throw lockTimeout(lockPath, waitMs, other);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/**
 * Makes the lock folder and writes our claim into it. Both synchronously, back to back: a lock
 * folder without a claim can only be taken over once stale, so a kill must not find time to land
 * between the two (with two awaits it did, and the next call waited out the staleness).
 */
function claimed(dir: string, claim: Claim): boolean {
  try {
    makeLockFolder(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    // 'wx': never over another claim.
    writeFileSync(join(dir, HOLDER_FILE), JSON.stringify(claim), { mode: 0o600, flag: 'wx' });
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOENT') return false; // taken over meanwhile
    throw err;
  }
}

/**
 * The lock folder, and the folder of locks only when it is missing: it exists on every call but
 * the first, and making sure of it first cost each lock a round trip.
 */
function makeLockFolder(dir: string): void {
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    mkdirSync(dirname(dir), { recursive: true, mode: 0o700 });
    mkdirSync(dir, { mode: 0o700 });
  }
}

/**
 * Moves the dead claim aside, then checks that what moved is the claim judged dead. If another
 * waiter took the lock over first and a live claim was moved by mistake, it is put back.
 */
async function takeOver(dir: string, nonce: string | undefined): Promise<void> {
  const aside = `${dir}.stale-${process.pid}-${Date.now()}`;
  try {
    await rename(dir, aside);
  } catch {
    return; // someone else moved or released it
  }
  if ((await readClaim(aside))?.nonce === nonce) {
    await rm(aside, { recursive: true, force: true });
    return;
  }
  await rename(aside, dir).catch(() => rm(aside, { recursive: true, force: true }));
}

async function release(dir: string, claim: Claim): Promise<void> {
  // Only our own claim: if ours was taken over (we hung past staleness), the new holder's stays.
  // Read synchronously: no await between the check and the rename below.
  if (readClaimNow(dir)?.nonce !== claim.nonce) return;
  // Released in one step, by renaming the folder away; emptying it first would leave a folder
  // without a claim to whoever is killed in between, and the next caller would wait it out.
  const away = `${dir}.released-${claim.nonce}`;
  try {
    renameSync(dir, away);
  } catch {
    return;
  }
  // What is left is our claim alone: two unlinks, where a recursive rm first asks what is inside.
  try {
    await unlink(join(away, HOLDER_FILE));
    await rmdir(away);
  } catch {
    await rm(away, { recursive: true, force: true });
  }
}

async function readClaim(dir: string): Promise<Claim | undefined> {
  try {
    return toClaim(await readFile(join(dir, HOLDER_FILE), 'utf8'));
  } catch {
    return undefined; // not written yet, or a lock of an older version: staleness decides
  }
}

function readClaimNow(dir: string): Claim | undefined {
  try {
    return toClaim(readFileSync(join(dir, HOLDER_FILE), 'utf8'));
  } catch {
    return undefined;
  }
}

function toClaim(text: string): Claim | undefined {
  const value = JSON.parse(text) as Partial<Claim>;
  return isProcessIdentity(value.holder) && typeof value.nonce === 'string'
    ? { holder: value.holder, nonce: value.nonce }
    : undefined;
}

async function ageOf(dir: string): Promise<number | undefined> {
  try {
    return Date.now() - (await stat(dir)).mtimeMs;
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
