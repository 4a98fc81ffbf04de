import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { codeCacheDir } from '../node/paths.js';
import { isOursAlone, isPrivateFolder } from '../node/private-folder.js';

/**
 * V8's compiled code of the full CLI (./full-cli-loader.ts), kept between runs so a command does
 * not parse and compile its megabyte of JavaScript at every start. It holds bytecode of our own
 * source only, never a value a command handled (no secret). Whoever can write it runs code in
 * every later `tokentray`, so it lives in the data folder and follows its rule (only this user
 * may write it: ../node/private-folder.ts); a folder or file that breaks the rule is skipped,
 * not refused, since a cache is never needed. Nothing here throws: a cache that cannot be read
 * or written costs one slower start.
 *
 * One file per command, `<data folder>/code-cache/<command>.v8cache`: V8 caches the functions a
 * run compiled, so each command's file holds what that command runs. The file starts with one line
 * naming what it was made from (the key: the bundle's text, Node and V8 versions, the platform)
 * and a SHA-256 of the rest. V8 checks only the source's length and its own version, so a
 * changed bundle of the same length would be taken; and it does not check that the data is whole.
 */
export interface CodeCacheFile {
  /** The cached data made from exactly this key, or undefined. */
  read(): Buffer | undefined;
  /** Replaces the file at once (a new file renamed over it), when the folder is private. */
  write(data: Buffer): void;
}

const MAGIC = 'tokentray-code-cache v1';

/**
 * node:crypto on first use: this file is part of the fast path's bundle, and loading node:crypto
 * costs ~2 ms that a `tokentray token` answered by the app would pay for nothing.
 */
const crypto = () => process.getBuiltinModule('node:crypto');
const sha256 = (...parts: Array<string | Buffer>): string => {
  const hash = crypto().createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
};

/** What a cache must have been made from: this bundle text, on this Node and V8. */
export function codeCacheKey(bundle: Buffer): string {
  const runtime = `${process.version}\0${process.versions.v8}\0${process.platform}\0${process.arch}`;
  return sha256(bundle, '\0', runtime);
}

export function codeCacheFile(dataDir: string, command: string, key: string): CodeCacheFile {
  const dir = codeCacheDir(dataDir);
  const path = join(dir, `${command}.v8cache`);
  return {
    read: () => {
      try {
        if (!isPrivateFolder(dataDir) || !isPrivateFolder(dir)) return undefined;
        return unpack(readOwnFile(path), key);
      } catch {
        return undefined; // missing, or unreadable: compiled from source, and written anew
      }
    },
    write: (data) => {
      // The data folder is the engine's to make, with its checks; a cache never creates it.
      if (!isPrivateFolder(dataDir)) return;
      const temp = join(
        dir,
        `.${command}.${process.pid}.${crypto().randomBytes(4).toString('hex')}.tmp`,
      );
      try {
        mkdirSync(dir, { mode: 0o700 });
      } catch {
        // There already, or not makeable: the check below decides.
      }
      try {
        if (!isPrivateFolder(dir)) return;
        writeFileSync(temp, Buffer.concat([header(key, data), data]), { flag: 'wx', mode: 0o600 });
        renameSync(temp, path);
        removeLeftovers(dir, command);
      } catch {
        rmSync(temp, { force: true });
      }
    },
  };
}

/** A writer killed between its write and its rename is long gone after this. */
const LEFTOVER_AGE_MS = 60_000;

/**
 * Removes the temporary files of writers that were killed before their rename (each half a
 * megabyte, and never read). Only old ones: a young one may be another writer's, mid-write.
 */
function removeLeftovers(dir: string, command: string): void {
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(`.${command}.`) || !name.endsWith('.tmp')) continue;
    const file = join(dir, name);
    try {
      if (Date.now() - lstatSync(file).mtimeMs > LEFTOVER_AGE_MS) rmSync(file, { force: true });
    } catch {
      // Gone already, or not ours to remove: left for the next writer.
    }
  }
}

function header(key: string, data: Buffer): Buffer {
  return Buffer.from(`${MAGIC} ${key} ${sha256(data)}\n`);
}

/** The data after a header that names `key` and the data's own checksum, or undefined. */
function unpack(file: Buffer, key: string): Buffer | undefined {
  const end = file.indexOf(0x0a);
  if (end < 0) return undefined;
  const [magic, version, fileKey, sum] = file.subarray(0, end).toString('latin1').split(' ');
  if (`${magic} ${version}` !== MAGIC || fileKey !== key) return undefined;
  const data = file.subarray(end + 1);
  return sha256(data) === sum ? data : undefined;
}

/**
 * A plain file of ours that only we may write, read without following a symlink (and without
 * waiting: opening a FIFO for reading would block until something writes to it).
 */
function readOwnFile(path: string): Buffer {
  const fd = openSync(
    path,
    constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0),
  );
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || !isOursAlone(st)) throw new Error('not a private file');
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}
