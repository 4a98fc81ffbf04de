import { TokenTrayError } from '../../common/errors.js';
import { removeAccount } from '../../node/engine/account-registry.js';
import { openCliEngine } from '../cli-context.js';

/** `tokentray remove <name>`: the account and all its keychain entries. */
export async function removeCommand(args: string[]): Promise<void> {
  const [name, extra] = args;
  if (name === undefined || extra !== undefined || name.startsWith('-'))
    throw new TokenTrayError('usage', 'Usage: tokentray remove <name>');
  await removeAccount(openCliEngine(), name);
  process.stderr.write(`Removed "${name}" and its keychain entries.\n`);
}
