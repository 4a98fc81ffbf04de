import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isTokenTrayError } from '../../../main/common/errors.js';
import { engineParts, type TokenEngine } from '../../../main/node/engine/token-engine.js';
import { addAccount } from '../../../main/node/sign-in/add-pasted-account.js';
import { MAX_SECRET_BYTES } from '../../../main/node/keychain/secret-vault.js';
import { startBadTokenEndpoint } from '../../support/bad-token-endpoint.js';
import { openEngine } from '../../support/engine-fixture.js';

const SERVICE = 'TokenTray-test-oversized';

// Reliability finding 5: a refresh token over TokenTray's own 64 KiB limit is blamed on that
// limit, not on the keychain, and it is not retried, since its size cannot change.
describe('a refresh token larger than TokenTray keeps', () => {
  let server: Awaited<ReturnType<typeof startBadTokenEndpoint>>;
  let engine: TokenEngine;
  let writes = 0;

  before(async () => {
    server = await startBadTokenEndpoint();
    engine = openEngine(await mkdtemp(join(tmpdir(), 'tokentray-oversized-')), SERVICE);
    // Every refresh-token write goes through setTokens (one entry holds the token set).
    const { vault } = engineParts(engine);
    const setTokens = vault.setTokens.bind(vault);
    vault.setTokens = (name, tokens, ...rest) => {
      if (tokens.refreshToken !== undefined) writes++;
      return setTokens(name, tokens, ...rest);
    };
    await addAccount(engine, {
      name: 'acct',
      tokenEndpoint: server.currentUrl,
      clientId: 'client-1',
      clientSecret: 'oversized-client-secret',
      scopes: [],
      refreshToken: 'oversized-test-refresh-token',
    });
  });
  after(async () => {
    await engineParts(engine).vault.deleteAccount('acct');
    await server.close();
  });

  test('a pasted one is refused before it is sent', async () => {
    const before = server.requests();
    await assert.rejects(
      addAccount(engine, {
        name: 'pasted',
        tokenEndpoint: server.url('ok'),
        clientId: 'client-1',
        scopes: [],
        refreshToken: 'r'.repeat(MAX_SECRET_BYTES + 1),
      }),
      (err) =>
        isTokenTrayError(err, 'secret_too_large') && /TokenTray's own limit/.test(err.message),
    );
    assert.equal(server.requests(), before, 'nothing was sent');
  });

  test('a rotated one is blamed on the limit, tried once, and the account asks to sign in', async () => {
    server.setCurrent('rotated-huge');
    writes = 0;
    await assert.rejects(engine.refresh('acct'), (err) => {
      assert.ok(isTokenTrayError(err, 'sign_in_required'), String(err));
      assert.match(err.message, /too large to keep/);
      assert.match(err.message, /TokenTray's own limit, not the OS keychain's/);
      assert.doesNotMatch(err.hint ?? '', /keychain/);
      return true;
    });
    assert.equal(writes, 1, 'a size error is not retried');
    assert.match(
      engineParts(engine).settings.requireAccount('acct').signInRequired?.reason ?? '',
      /too large/,
    );
  });
});
