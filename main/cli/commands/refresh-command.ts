import { TokenTrayError } from '../../common/errors.js';
import { previousTokensEndedNotice } from '../../common/provider-traits.js';
import { askBrokerToRefresh } from '../../node/broker/broker-client.js';
import { keychainService } from '../../node/keychain/secret-vault.js';
import { resolveDataDir } from '../../node/paths.js';
import { peekAccount } from '../../node/settings/settings-peek.js';
import { openCliEngine } from '../cli-context.js';
import { describeLifetime } from './describe-lifetime.js';

/**
 * `tokentray refresh <name>`: a refresh now, whatever the cached token's age. While the app runs it
 * refreshes (it alone does); otherwise this process does, under the account's lock.
 */
export async function refreshCommand(args: string[]): Promise<void> {
  const [name, extra] = args;
  if (name === undefined || extra !== undefined || name.startsWith('-'))
    throw new TokenTrayError('usage', 'Usage: tokentray refresh <name>');
  const answer = await askBrokerToRefresh(resolveDataDir(), { name, service: keychainService() });
  if (answer?.ok === false) throw answer.error;
  const expiresAt = answer?.value.expiresAt ?? (await openCliEngine().refresh(name)).expiresAt;
  const ended = previousTokensEndedNotice(peekAccount(resolveDataDir(), name)?.provider);
  process.stderr.write(
    `Refreshed "${name}". The new token is valid for ${describeLifetime(expiresAt - Date.now())}.\n` +
      (ended === undefined ? '' : `tokentray: note: ${ended}\n`),
  );
}
