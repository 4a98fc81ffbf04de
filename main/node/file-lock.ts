import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import lockfile from 'proper-lockfile';
import { TokenTrayError } from '../common/errors.js';

export interface FileLockOptions {
  /** How long to wait for another process to finish. A refresh can take up to its HTTP timeout. */
  waitMs?: number;
  /** A lock whose holder stopped touching it for this long is taken over (the holder crashed). */
  staleMs?: number;
}

/**
 * Runs `fn` while holding a lock that other processes honour (an atomic `mkdir`, kept fresh by the
 * holder, via proper-lockfile). Two TokenTray processes, such as two CLIs or the CLI and the app,
 * never refresh the same account at once.
 */
export async function withFileLock<T>(
  lockPath: string,
  fn: () => Promise<T>,
  options: FileLockOptions = {},
): Promise<T> {
  const waitMs = options.waitMs ?? 45_000;
  const staleMs = options.staleMs ?? 20_000;
  await mkdir(dirname(lockPath), { recursive: true, mode: 0o700 });
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(lockPath, {
      realpath: false,
      stale: staleMs,
      update: Math.floor(staleMs / 4),
      retries: { retries: Math.ceil(waitMs / 50), factor: 1, minTimeout: 50, maxTimeout: 50 },
      // The default throws from a timer, which would kill the process mid-refresh. The work in
      // progress is still correct to finish: the keychain write is what makes it visible.
      onCompromised: () => undefined,
    });
  } catch (err) {
    if ((err as { code?: string }).code === 'ELOCKED') {
      throw new TokenTrayError(
        'lock_timeout',
        `Another TokenTray process held ${lockPath} for over ${Math.round(waitMs / 1000)} s.`,
        {
          hint: 'Try again in a moment. If no other TokenTray is running, the lock clears by itself within 20 s.',
          cause: err,
        },
      );
    }
    throw err;
  }
  try {
    return await fn();
  } finally {
    await release().catch(() => undefined);
  }
}
