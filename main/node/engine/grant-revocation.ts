import type { Account } from '../../common/account.js';
import type { RemoveOutcome } from '../../common/ipc-contract.js';
import { formatError } from '../../common/redact.js';
import { engineParts } from './engine-parts.js';
import type { TokenEngine } from './token-engine.js';

/** RFC 7009 §2: revoke the refresh token (and so the grant), or a machine account's access token. */
export async function revokeGrant(engine: TokenEngine, account: Account): Promise<RemoveOutcome> {
  if (account.revocationEndpoint === undefined) return { revocation: 'unsupported' };
  try {
    const machine = account.grant === 'client_credentials';
    const token = machine
      ? (await engineParts(engine).vault.getAccessToken(account.name))?.accessToken
      : await engine.currentRefreshToken(account.name);
    if (token === undefined) return { revocation: 'skipped' };
    const secret =
      account.clientAuth === 'none'
        ? undefined
        : await engineParts(engine).vault.get(account.name, 'client_secret');
    await engineParts(engine).client.revoke(
      account,
      secret,
      token,
      machine ? 'access_token' : 'refresh_token',
    );
    return { revocation: 'revoked' };
  } catch (err) {
    return {
      revocation: 'failed',
      warning: `The provider could not be told to revoke access: ${formatError(err)}`,
    };
  }
}
