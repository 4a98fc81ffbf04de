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
 * - Windows: a named pipe whose name hashes the user name and the data folder.
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
    return { kind: 'pipe', path: `\\\\.\\pipe\\tokentray-${hash}` };
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
    const st = lstatSync(dir);
    return st.isDirectory() && st.uid === process.getuid?.() && (st.mode & 0o077) === 0;
  } catch {
    return false;
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
