import { join } from 'node:path';
import {
  CLIENT_AUTH_METHODS,
  validateAccountName,
  type AccessTokenRecord,
  type Account,
  type ClientAuthMethod,
} from '../../common/account.js';
import { TokenTrayError } from '../../common/errors.js';
import { withFileLock } from '../file-lock.js';
import { checkEndpointUrl } from '../oauth/endpoint-policy.js';
import { locksDir } from '../paths.js';
import type { TokenEngine } from './token-engine.js';

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

/**
 * Adds an account and proves it with one refresh (RFC 6749 §6) before keeping anything. If the
 * refresh fails, nothing is stored. If it succeeds, the (possibly rotated) refresh token goes to the
 * keychain before the account appears in the settings.
 */
export async function addAccount(
  engine: TokenEngine,
  input: NewAccount,
): Promise<{ account: Account; token: AccessTokenRecord }> {
  const name = validateAccountName(input.name);
  if (engine.settings.account(name) !== undefined) {
    throw new TokenTrayError('account_exists', `An account named "${name}" already exists.`, {
      hint: `Pick another name, or run \`tokentray remove ${name}\` first.`,
    });
  }
  if (input.clientId.trim() === '')
    throw new TokenTrayError('invalid_input', 'The client id is empty.', {
      hint: 'Pass it with --client-id.',
    });
  if (input.refreshToken.trim() === '') {
    throw new TokenTrayError('invalid_input', 'The refresh token is empty.', {
      hint: 'Set TOKENTRAY_REFRESH_TOKEN, or paste it at the prompt.',
    });
  }
  if (input.clientAuth !== undefined && !CLIENT_AUTH_METHODS.includes(input.clientAuth)) {
    throw new TokenTrayError(
      'invalid_input',
      `Unknown client authentication method "${input.clientAuth}".`,
      { hint: `Use one of: ${CLIENT_AUTH_METHODS.join(', ')}.` },
    );
  }
  if (input.issuer === undefined && input.tokenEndpoint === undefined) {
    throw new TokenTrayError('usage', 'Give either --token-endpoint or --issuer.', {
      hint: 'For Google: --token-endpoint https://oauth2.googleapis.com/token (or --issuer https://accounts.google.com).',
    });
  }
  checkEndpointUrl(
    input.issuer ?? input.tokenEndpoint ?? '',
    input.issuer === undefined ? 'token endpoint' : 'issuer',
  );
  // The refresh below may rotate, and so spend, the pasted token: be sure we can keep its successor.
  await engine.vault.probe();

  let endpoints: Pick<Account, 'tokenEndpoint' | 'issuer' | 'revocationEndpoint'>;
  let supported: string[] | undefined;
  if (input.issuer !== undefined) {
    const found = await engine.client.discover(input.issuer);
    endpoints = {
      tokenEndpoint: found.tokenEndpoint,
      issuer: found.issuer,
      ...(found.revocationEndpoint === undefined
        ? {}
        : { revocationEndpoint: found.revocationEndpoint }),
    };
    supported = found.authMethods;
  } else {
    endpoints = {
      tokenEndpoint: checkEndpointUrl(input.tokenEndpoint ?? '', 'token endpoint').href,
    };
  }

  const secret = input.clientSecret === '' ? undefined : input.clientSecret;
  const account: Account = {
    name,
    label: input.label ?? name,
    ...endpoints,
    clientId: input.clientId.trim(),
    clientAuth: input.clientAuth ?? chooseAuthMethod(secret, supported),
    scopes: input.scopes,
    createdAt: new Date(engine.clock.now()).toISOString(),
  };

  return withFileLock(join(locksDir(engine.settings.dataDir), `account-${name}`), async () => {
    const outcome = await engine.client.refresh(account, secret, input.refreshToken.trim());
    try {
      await engine.vault.set(
        name,
        'refresh_token',
        outcome.rotatedRefreshToken ?? input.refreshToken.trim(),
      );
      if (secret !== undefined && account.clientAuth !== 'none')
        await engine.vault.set(name, 'client_secret', secret);
      await engine.vault.setAccessToken(name, outcome.record);
      await engine.settings.mutate((data) => {
        data.accounts[name] = account;
        data.defaultAccount ??= name;
      });
    } catch (err) {
      await engine.vault.deleteAccount(name).catch(() => undefined);
      throw err;
    }
    return { account, token: outcome.record };
  });
}

/** Deletes the account from the settings and every keychain entry it has. */
export async function removeAccount(engine: TokenEngine, name: string): Promise<void> {
  engine.settings.requireAccount(name);
  await withFileLock(join(locksDir(engine.settings.dataDir), `account-${name}`), async () => {
    await engine.vault.deleteAccount(name);
    await engine.settings.mutate((data) => {
      data.accounts = Object.fromEntries(
        Object.entries(data.accounts).filter(([key]) => key !== name),
      );
      if (data.defaultAccount === name) {
        const next = Object.keys(data.accounts).sort()[0];
        if (next === undefined) delete data.defaultAccount;
        else data.defaultAccount = next;
      }
    });
  });
  engine.forget(name);
}

/** RFC 6749 §2.3.1: servers MUST support basic, so prefer it unless discovery says otherwise. */
function chooseAuthMethod(
  secret: string | undefined,
  supported: string[] | undefined,
): ClientAuthMethod {
  if (secret === undefined) return 'none';
  if (supported === undefined || supported.includes('client_secret_basic'))
    return 'client_secret_basic';
  return supported.includes('client_secret_post') ? 'client_secret_post' : 'client_secret_basic';
}
