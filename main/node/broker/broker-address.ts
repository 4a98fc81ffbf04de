import { lstatSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

/**
 * Where the broker listens. The app and the CLI compute it alike from the data folder, so no file
 * has to say where it is.
 *
 * - Unix: `<dataDir>/broker/broker.sock`. Access control is the folder: it is ours and 0700, so no
 *   other user can reach the socket inside, whatever the socket's own mode (which macOS ignores).
 * - When that path is too long for a socket address (sun_path holds 104 bytes on macOS and 108 on
 *   Linux, and Node silently truncates longer paths), a folder named from a hash of the user id and
 *   the data folder in `XDG_RUNTIME_DIR` (already per user) or else in the temporary folder.
 * - Windows: a named pipe, in one namespace for every user of the machine. Its name carries a
 *   random value kept in the data folder (under %APPDATA%, which only this user can read), so
 *   another user (on a Remote Desktop server, say) cannot guess it and create the pipe first to
 *   answer this user's `tokentray token`. Node's pipe server gets Windows' default security
 *   descriptor: full control for this user, SYSTEM and administrators; others may read at most,
 *   and a client must open the pipe for writing to send a request. libuv offers no way to set
 *   PIPE_REJECT_REMOTE_CLIENTS; a remote client would need the same secret name.
 */
export type BrokerAddress =
  { kind: 'unix'; dir: string; path: string } | { kind: 'pipe'; path: string };

/** Below both platforms' limits, less the terminating NUL. */
export const MAX_SOCKET_PATH_BYTES = 100;

export async function brokerAddress(
  dataDir: string,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): Promise<BrokerAddress> {
  dataDir = resolve(dataDir);
  if (platform === 'win32') {
    // Windows paths are case-insensitive: C:\Users\A and c:\users\a are one folder, and one pipe.
    const hash = await shortHash(`${windowsUser(env)}\0${dataDir.toLowerCase()}`);
    const secret = await pipeSecret(join(dataDir, 'broker'));
    return { kind: 'pipe', path: `\\\\.\\pipe\\tokentray-${hash}-${secret}` };
  }
  const dir = join(dataDir, 'broker');
  const path = join(dir, 'broker.sock');
  if (Buffer.byteLength(path) <= MAX_SOCKET_PATH_BYTES) return { kind: 'unix', dir, path };
  const hash = await shortHash(`${process.getuid?.() ?? ''}\0${dataDir}`);
  const runtime = env.XDG_RUNTIME_DIR;
  let base = runtime !== undefined && isAbsolute(runtime) ? runtime : tmpdir();
  if (Buffer.byteLength(join(base, `tokentray-${hash}`, 'broker.sock')) > MAX_SOCKET_PATH_BYTES)
    base = '/tmp'; // 39 bytes in all
  const short = join(base, `tokentray-${hash}`);
  return { kind: 'unix', dir: short, path: join(short, 'broker.sock') };
}

/**
 * True when `dir` is a real folder (not a symlink), owned by this user and closed to everyone else.
 * The client checks before connecting, so a folder another user planted in a shared temporary
 * folder is never trusted to hand out tokens. Synchronous on purpose: on the CLI's fast path an
 * asynchronous stat would start libuv's thread pool for this one call, which costs more than it.
 */
export function isPrivateDir(dir: string): boolean {
  try {
    const st = lstatSync(dir, { throwIfNoEntry: false });
    if (st === undefined) return false;
    return st.isDirectory() && st.uid === process.getuid?.() && (st.mode & 0o077) === 0;
  } catch {
    return false;
  }
}

/** The file in the data folder that holds the random part of the pipe's name. */
export const PIPE_SECRET_FILE = 'pipe-name';

/**
 * The random part of the pipe name: read from `dir`, or made there by whichever of the app and
 * the CLI comes first (an exclusive create, so two first-comers agree on one value). 128 bits:
 * what guessing it is up against.
 */
async function pipeSecret(dir: string): Promise<string> {
  // Windows only: the CLI's fast path elsewhere does without loading node:fs/promises.
  const { mkdir, readFile, writeFile } = process.getBuiltinModule('node:fs/promises');
  const file = join(dir, PIPE_SECRET_FILE);
  const valid = (text: string): string | undefined =>
    /^[0-9a-f]{32}$/.test(text.trim()) ? text.trim() : undefined;
  const existing = await readFile(file, 'utf8').then(valid, () => undefined);
  if (existing !== undefined) return existing;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const fresh = Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(16))).toString('hex');
  try {
    await writeFile(file, `${fresh}\n`, { flag: 'wx', mode: 0o600 });
    return fresh;
  } catch {
    // The other side made it meanwhile (or the file is damaged: then replace it).
    const theirs = await readFile(file, 'utf8').then(valid, () => undefined);
    if (theirs !== undefined) return theirs;
    await writeFile(file, `${fresh}\n`, { mode: 0o600 });
    return fresh;
  }
}

/** 16 hex digits of SHA-256: a name, not a secret. Web Crypto avoids loading node:crypto. */
async function shortHash(text: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Buffer.from(digest).toString('hex').slice(0, 16);
}

function windowsUser(env: NodeJS.ProcessEnv): string {
  try {
    return userInfo().username.toLowerCase();
  } catch {
    return (env.USERNAME ?? '').toLowerCase();
  }
}
