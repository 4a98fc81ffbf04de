import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { isValidAccountName, type Account } from '../../common/account.js';
import { TokenTrayError } from '../../common/errors.js';
import { journalDir } from '../paths.js';
import { isProcessIdentity, selfIdentity, type ProcessIdentity } from '../process-identity.js';

/**
 * Adding or removing an account touches two stores, the keychain and the settings file, and no
 * transaction spans both. So before either is touched, the operation is written down here, one
 * file per account name; it is deleted once both stores agree. A process killed half-way leaves
 * its intent behind, and the next add, remove or list of that name finishes or undoes it (see
 * ./interrupted-operations.ts). While a removal's intent exists the account is never served.
 */
export type Intent =
  | { op: 'add'; account: Account; holder: ProcessIdentity }
  | { op: 'remove'; name: string; createdAt?: string; revoke: boolean; holder: ProcessIdentity };

const intentPath = (dataDir: string, name: string): string =>
  join(journalDir(dataDir), `${name}.json`);

/** Written whole or not at all (a temporary file renamed into place), and flushed first. */
export async function writeIntent(
  dataDir: string,
  intent: { op: 'add'; account: Account } | Omit<Extract<Intent, { op: 'remove' }>, 'holder'>,
): Promise<void> {
  const name = intent.op === 'add' ? intent.account.name : intent.name;
  await mkdir(journalDir(dataDir), { recursive: true, mode: 0o700 });
  const path = intentPath(dataDir, name);
  const temporary = `${path}.${process.pid}.tmp`;
  const file = await open(temporary, 'w', 0o600);
  try {
    await file.writeFile(JSON.stringify({ ...intent, holder: selfIdentity() }));
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(temporary, path);
}

export function readIntent(dataDir: string, name: string): Intent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(intentPath(dataDir, name), 'utf8'));
  } catch {
    return undefined; // none (or unreadable: then the settle step deletes it)
  }
  const v = value as Partial<Intent> | null;
  if (typeof v !== 'object' || v === null || !isProcessIdentity(v.holder)) return undefined;
  if (v.op === 'add' && typeof v.account === 'object' && v.account?.name === name)
    return v as Intent;
  if (v.op === 'remove' && v.name === name) return v as Intent;
  return undefined;
}

export async function clearIntent(dataDir: string, name: string): Promise<void> {
  await unlink(intentPath(dataDir, name)).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
}

/** The names with an operation written down (under way, or interrupted). */
export function namesWithIntents(dataDir: string): string[] {
  try {
    return readdirSync(journalDir(dataDir))
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -'.json'.length))
      .filter((name) => isValidAccountName(name));
  } catch {
    return [];
  }
}

/** Removal is decided: from the moment it is written down, no token of the account goes out. */
export function isBeingRemoved(dataDir: string, name: string): boolean {
  return readIntent(dataDir, name)?.op === 'remove';
}

export function assertNotBeingRemoved(dataDir: string, name: string): void {
  if (!isBeingRemoved(dataDir, name)) return;
  throw new TokenTrayError(
    'no_such_account',
    `Account "${name}" is being removed, so TokenTray no longer hands out its tokens.`,
    {
      hint: `If no removal is running (it was interrupted), run \`tokentray remove ${name}\` to finish it.`,
    },
  );
}
