import { parseArgs } from 'node:util';
import { TokenTrayError } from '../../common/errors.js';
import { removeAccount } from '../../node/engine/account-registry.js';
import type { CliContext } from '../cli-context.js';

/** `tokentray remove <name> [--no-revoke]`: revoke at the provider, then delete everything local. */
export async function removeCommand(args: string[], context: CliContext): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { 'no-revoke': { type: 'boolean', default: false } },
  });
  const [name, extra] = positionals;
  if (name === undefined || extra !== undefined)
    throw new TokenTrayError('usage', 'Usage: tokentray remove <name> [--no-revoke]');
  const outcome = await removeAccount(context.engine(), name, { revoke: !values['no-revoke'] });
  if (outcome.warning !== undefined)
    context.stderr.write(`tokentray: warning: ${outcome.warning}\n`);
  const revoked = {
    revoked: ' Access was revoked at the provider.',
    skipped: '',
    unsupported:
      ' The provider offers no revocation endpoint; revoke access in its account settings if you need to.',
    failed: '',
  }[outcome.revocation];
  context.stderr.write(`Removed "${name}" and its keychain entries.${revoked}\n`);
}
