import { TokenTrayError } from '../../common/errors.js';
import { previousTokensEndedNotice } from '../../common/provider-traits.js';
import { peekAccount } from '../../node/settings/settings-peek.js';
import { forceRefresh } from '../acquire-token.js';
import type { CliContext } from '../cli-context.js';
import { describeLifetime } from './describe-lifetime.js';

/**
 * `tokentray refresh <name>`: a refresh now, whatever the cached token's age. While the app runs it
 * refreshes (it alone does); otherwise this process does, under the account's lock.
 */
export async function refreshCommand(args: string[], context: CliContext): Promise<void> {
  const [name, extra] = args;
  if (name === undefined || extra !== undefined || name.startsWith('-'))
    throw new TokenTrayError('usage', 'Usage: tokentray refresh <name>');
  const expiresAt = await forceRefresh(context, name);
  const ended = previousTokensEndedNotice(peekAccount(context.dataDir, name)?.provider);
  context.stderr.write(
    `Refreshed "${name}". The new token is valid for ${describeLifetime(expiresAt - context.clock.now())}.\n` +
      (ended === undefined ? '' : `tokentray: note: ${ended}\n`),
  );
}
