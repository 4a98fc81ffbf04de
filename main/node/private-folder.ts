import { chmodSync, lstatSync, mkdirSync, statSync, type Stats } from 'node:fs';
import { TokenTrayError } from '../common/errors.js';
import { journalDir, locksDir, settingsPath, stateDir } from './paths.js';

/**
 * The data folder decides where secrets are sent (config.json names each account's endpoints), so
 * nobody but this user may write it. It is created 0700. An existing folder, or config.json, that
 * another user owns or that group or others may write is refused rather than repaired: someone may
 * already have changed it, and only the user can tell. Read bits alone (a folder from an older
 * version, made under umask 022) are taken away without asking.
 *
 * The folders inside that steer what TokenTray does (the token ledger in state/, the journal of
 * adds and removes, the locks) fall under the same rule: ours, a real folder, writable by us alone.
 *
 * Windows has no uid or mode bits to check; its per-user profile folder is private already.
 */
export function ensurePrivateDataDir(dir: string): void {
  const uid = process.getuid?.();
  if (uid === undefined) return;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const link = lstatSync(dir);
  // A symlink's owner can point it elsewhere at any time: it must be ours too.
  if (link.isSymbolicLink() && link.uid !== uid)
    throw unsafe(dir, 'is a symlink owned by another user', link);
  const st = statSync(dir);
  if (!st.isDirectory()) throw unsafe(dir, 'is not a folder', st);
  checkOwnedAndUnwritable(dir, st, uid);
  if ((st.mode & 0o077) !== 0) chmodSync(dir, st.mode & 0o700);
  checkSettingsFile(dir, uid);
  for (const inner of [stateDir(dir), journalDir(dir), locksDir(dir)]) checkInnerFolder(inner, uid);
}

/** A folder TokenTray makes inside the data folder, if it is there yet. */
function checkInnerFolder(path: string, uid: number): void {
  let st: Stats;
  try {
    st = lstatSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // made by us, 0700
    throw err;
  }
  if (!st.isDirectory()) throw unsafe(path, 'is not a folder', st);
  checkOwnedAndUnwritable(path, st, uid);
  if ((st.mode & 0o077) !== 0) chmodSync(path, st.mode & 0o700);
}

/**
 * A folder TokenTray keeps only a cache in (the CLI's code cache, ../cli/code-cache.ts), checked
 * by the same rule, for a caller that skips the cache rather than refuses to run: ours, a real
 * folder (not a symlink), and writable by us alone. Missing is not private (the caller makes it).
 */
export function isPrivateFolder(path: string): boolean {
  try {
    const st = lstatSync(path);
    return st.isDirectory() && isOursAlone(st);
  } catch {
    return false;
  }
}

/** The rule of this file as a yes or no, for what is already open (a cache file's fstat). */
export function isOursAlone(st: Stats): boolean {
  const uid = process.getuid?.();
  if (uid === undefined) return true;
  try {
    checkOwnedAndUnwritable('', st, uid);
    return true;
  } catch {
    return false;
  }
}

/** The settings file alone, for the fast path that reads it without opening the store. */
export function isSettingsFileSafe(dir: string): boolean {
  const uid = process.getuid?.();
  if (uid === undefined) return true;
  try {
    const st = statSync(dir);
    checkOwnedAndUnwritable(dir, st, uid);
    checkSettingsFile(dir, uid);
    return true;
  } catch {
    return false;
  }
}

function checkSettingsFile(dir: string, uid: number): void {
  const file = settingsPath(dir);
  let st: Stats;
  try {
    st = lstatSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // created by us, 0600
    throw err;
  }
  if (!st.isFile()) throw unsafe(file, 'is not a plain file', st);
  checkOwnedAndUnwritable(file, st, uid);
}

function checkOwnedAndUnwritable(path: string, st: Stats, uid: number): void {
  if (st.uid !== uid) throw unsafe(path, `belongs to another user (uid ${st.uid})`, st);
  if ((st.mode & 0o022) !== 0)
    throw unsafe(path, `can be written by ${st.mode & 0o002 ? 'any user' : 'its group'}`, st);
}

function unsafe(path: string, why: string, st: Stats): TokenTrayError {
  const mode = (st.mode & 0o777).toString(8).padStart(4, '0');
  return new TokenTrayError(
    'unsafe_data_dir',
    `${path} ${why} (mode ${mode}), and it decides where TokenTray sends your secrets, so TokenTray will not use it.`,
    {
      hint:
        'If you made it so yourself, check that config.json names only endpoints you trust, then make it yours and private ' +
        `(chown $(id -u) ${path}; chmod go-w ${path}; the folder itself 0700). Or set TOKENTRAY_HOME to a folder of your own.`,
    },
  );
}
