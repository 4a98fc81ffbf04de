import type { AccessTokenRecord, Account, ClientAuthMethod } from '../../common/account.js';
import { provePastedToken } from '../engine/account-registry.js';
import { engineParts, type TokenEngine } from '../engine/token-engine.js';
import { draftAccount } from './account-draft.js';

export interface NewAccount {
  name: string;
  label?: string;
  /** One of the two: the token endpoint itself, or an issuer to discover it from. */
  tokenEndpoint?: string;
  issuer?: string;
  clientId: string;
  clientAuth?: ClientAuthMethod;
  scopes: string[];
  clientSecret?: string;
  refreshToken: string;
}

/** Adds an account from a pasted refresh token (the classic way), proving it with one refresh. */
export async function addAccount(
  engine: TokenEngine,
  input: NewAccount,
): Promise<{ account: Account; token: AccessTokenRecord }> {
  const { account, clientSecret } = await draftAccount(engine, {
    name: input.name,
    provider: input.issuer === undefined ? 'custom' : 'oidc',
    method: 'paste',
    clientId: input.clientId,
    scopes: input.scopes,
    refreshToken: input.refreshToken,
    ...(input.label === undefined ? {} : { label: input.label }),
    ...(input.issuer === undefined ? {} : { issuer: input.issuer }),
    ...(input.tokenEndpoint === undefined ? {} : { tokenEndpoint: input.tokenEndpoint }),
    ...(input.clientSecret === undefined ? {} : { clientSecret: input.clientSecret }),
    ...(input.clientAuth === undefined ? {} : { clientAuth: input.clientAuth }),
  });
  await engineParts(engine).vault.probe();
  return provePastedToken(engine, account, clientSecret, input.refreshToken.trim());
}
