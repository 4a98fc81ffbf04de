import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TokenTrayError, isTokenTrayError } from '../../../main/common/errors.js';
import { settleInterruptedOperations } from '../../../main/node/engine/account-registry.js';
import { engineParts, type TokenEngine } from '../../../main/node/engine/token-engine.js';
import { addAccount } from '../../../main/node/sign-in/add-pasted-account.js';
import { loadKeytar } from '../../../main/node/keychain/keychain-backend.js';
import { KeychainWithFailingWrites, openEngine } from '../../support/engine-fixture.js';
import { startLocalProvider, type LocalProvider } from '../../support/local-provider.js';

const SERVICE = 'TokenTray-test-add-order';

// Reliability finding 1: a pasted refresh token is spent only once everything needed to keep its
// successor is in hand, and a failure after it was spent is blamed on what failed.
describe('adding a pasted refresh token against a rotating server', () => {
  let provider: LocalProvider;
  let engine: TokenEngine;
  let keychain: KeychainWithFailingWrites;

  before(async () => {
    provider = await startLocalProvider();
    keychain = new KeychainWithFailingWrites(await loadKeytar());
    engine = openEngine(await mkdtemp(join(tmpdir(), 'tokentray-add-order-')), SERVICE, {
      backend: () => Promise.resolve(keychain),
    });
  });
  after(async () => {
    keychain.failWrites = undefined;
    for (const name of await engineParts(engine).vault.accountNames())
      await engineParts(engine).vault.deleteAccount(name);
    await provider.close();
  });

  const add = async (name: string) => {
    const { clientId, clientSecret } = provider.clients.rotating;
    return addAccount(engine, {
      name,
      tokenEndpoint: provider.tokenEndpoint,
      clientId,
      clientSecret,
      scopes: [],
      refreshToken: await provider.mintRefreshToken(clientId),
    });
  };

  test('a keychain that refuses the client secret stops the add before the token is spent', async () => {
    keychain.failWrites = /^locked\/client_secret$/;
    provider.resetCounts();
    await assert.rejects(add('locked'), (err) => isTokenTrayError(err, 'keychain_unavailable'));
    keychain.failWrites = undefined;
    assert.equal(provider.counts().total, 0, 'the pasted token was not sent');
    assert.deepEqual(await engineParts(engine).vault.accountNames(), []);
  });

  test('settings that cannot be written after the refresh: the successor is kept, and the blame is right', async () => {
    const mutate = engineParts(engine).settings.mutate.bind(engineParts(engine).settings);
    engineParts(engine).settings.mutate = () =>
      Promise.reject(
        new TokenTrayError(
          'lock_timeout',
          'TokenTray process 1 has been working on the settings file.',
        ),
      );
    provider.resetCounts();
    try {
      await assert.rejects(add('stuck'), (err) => {
        assert.ok(isTokenTrayError(err, 'lock_timeout'), String(err));
        assert.match(err.message, /refresh token is safe in the OS keychain/);
        assert.match(err.message, /settings file/);
        assert.doesNotMatch(err.message, /keychain would not/);
        return true;
      });
    } finally {
      engineParts(engine).settings.mutate = mutate;
    }
    assert.equal(provider.counts().total, 1);
    assert.equal(engineParts(engine).settings.account('stuck'), undefined);
    await settleInterruptedOperations(engine);
    assert.ok(engineParts(engine).settings.account('stuck'), 'the next start finished the add');
    const token = await engine.refresh('stuck');
    assert.ok(token.accessToken.length > 0, 'the kept refresh token is the live one');
  });
});
