import { join } from 'node:path';
import { withFileLock } from '../file-lock.js';
import { locksDir } from '../paths.js';
import { asOperation } from './interrupted-operations.js';
import { engineParts } from './engine-parts.js';
import type { TokenEngine } from './token-engine.js';

/**
 * Runs an add, remove or grant change of `name` under the account's cross-process lock (the one
 * refreshes take), marked as under way so no settling step in this process takes it for
 * interrupted (./interrupted-operations.ts).
 */
export function withAccountLock<T>(
  engine: TokenEngine,
  name: string,
  work: () => Promise<T>,
): Promise<T> {
  return asOperation(name, () =>
    withFileLock(join(locksDir(engineParts(engine).settings.dataDir), `account-${name}`), work),
  );
}
