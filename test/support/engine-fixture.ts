import Conf from 'conf';
import type { AccessTokenRecord } from '../../main/common/account.js';
import { addAccount } from '../../main/node/sign-in/add-pasted-account.js';
import {
  TokenEngine,
  type TokenEngineDeps,
  engineParts,
} from '../../main/node/engine/token-engine.js';
import { loadKeytar, type KeychainBackend } from '../../main/node/keychain/keychain-backend.js';
import { SecretVault } from '../../main/node/keychain/secret-vault.js';
import { TokenClient } from '../../main/node/oauth/token-client.js';
import type { SettingsData } from '../../main/node/settings/settings-schema.js';
import { SettingsStore } from '../../main/node/settings/settings-store.js';
import { TokenLedger } from '../../main/node/settings/token-ledger.js';
import type { LocalProvider } from './local-provider.js';

/** An engine as the CLI builds it (conf, keytar, undici), on a data folder and keychain service of the test's. */
export function openEngine(
  dataDir: string,
  service: string,
  overrides: Partial<TokenEngineDeps> & { backend?: () => Promise<KeychainBackend> } = {},
): TokenEngine {
  const settings = SettingsStore.open(
    dataDir,
    (o) => new Conf<SettingsData>(o as ConstructorParameters<typeof Conf<SettingsData>>[0]),
    () => undefined,
  );
  return new TokenEngine({
    settings,
    vault: new SecretVault(overrides.backend ?? loadKeytar, service),
    client: new TokenClient(),
    ...overrides,
  });
}

/**
 * Fault injection around the real keychain: passes every call through to keytar, except that
 * while `failWrites` matches an entry, writing it fails the way a locked keychain does.
 */
export class KeychainWithFailingWrites implements KeychainBackend {
  failWrites: RegExp | undefined;
  constructor(private readonly real: KeychainBackend) {}
  getPassword(service: string, account: string) {
    return this.real.getPassword(service, account);
  }
  async setPassword(service: string, account: string, password: string) {
    if (this.failWrites?.test(account))
      throw new Error('Cannot create an item in a locked collection');
    return this.real.setPassword(service, account, password);
  }
  deletePassword(service: string, account: string) {
    return this.real.deletePassword(service, account);
  }
  findCredentials(service: string) {
    return this.real.findCredentials(service);
  }
}

/**
 * Adds an account of the provider's rotating client the way `tokentray add` does: a freshly
 * minted refresh token, pasted and proven with one refresh.
 */
export async function addRotatingAccount(
  engine: TokenEngine,
  provider: LocalProvider,
  name: string,
  options: { label?: string; scopes?: string[]; mintScope?: string } = {},
) {
  const { clientId, clientSecret } = provider.clients.rotating;
  return addAccount(engine, {
    name,
    ...(options.label === undefined ? {} : { label: options.label }),
    tokenEndpoint: provider.tokenEndpoint,
    clientId,
    clientSecret,
    scopes: options.scopes ?? ['openid'],
    refreshToken: await provider.mintRefreshToken(
      clientId,
      options.mintScope === undefined ? {} : { scope: options.mintScope },
    ),
  });
}

/**
 * An account `name` in `engine` on the provider's googleLike client: client_secret_post and no
 * rotation, so refreshes through the engine and bare ones are independent and may present the same
 * refresh token.
 */
export async function addGoogleLikeAccount(
  engine: TokenEngine,
  provider: LocalProvider,
  name: string,
) {
  const { clientId, clientSecret } = provider.clients.googleLike;
  const refreshToken = await provider.mintRefreshToken(clientId);
  await addAccount(engine, {
    name,
    tokenEndpoint: provider.tokenEndpoint,
    clientId,
    clientAuth: 'client_secret_post',
    scopes: [],
    clientSecret,
    refreshToken,
  });
  return { clientId, clientSecret, refreshToken };
}

/**
 * Stores an access token the way another process's refresh does: in the keychain, then in the
 * token ledger. An engine that remembers the old token notices only the ledger moving; it reads
 * no secret for a status.
 */
export async function storeAccessTokenElsewhere(
  engine: TokenEngine,
  name: string,
  record: AccessTokenRecord,
): Promise<void> {
  const { createdAt } = engineParts(engine).settings.requireAccount(name);
  await engineParts(engine).vault.setAccessToken(name, record);
  const ledger = new TokenLedger(engineParts(engine).settings.dataDir);
  ledger.settle(name, createdAt, ledger.advance(name, createdAt), record);
}
