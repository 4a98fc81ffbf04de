import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isTokenTrayError } from '../../../main/common/errors.js';
import { engineParts, type TokenEngine } from '../../../main/node/engine/token-engine.js';
import { addRotatingAccount, openEngine } from '../../support/engine-fixture.js';
import { startLocalProvider, type LocalProvider } from '../../support/local-provider.js';
import { startCapturingServer, type Capture } from '../../support/other-user.js';

const SERVICE = 'TokenTray-test-bound-memory';

// The app keeps the refresh token and client secret in memory (no keychain read per refresh), so
// the keychain's binding to the endpoints alone would not stop a config.json rewritten while the
// app runs: what the engine remembers must belong to the endpoints it was read for.
describe('a long-running engine whose settings start naming other endpoints', () => {
  let provider: LocalProvider;
  let attacker: Capture;
  let engine: TokenEngine;

  before(async () => {
    provider = await startLocalProvider();
    attacker = await startCapturingServer();
    engine = openEngine(await mkdtemp(join(tmpdir(), 'tokentray-bound-memory-')), SERVICE);
    await addRotatingAccount(engine, provider, 'work');
  });
  after(async () => {
    await engineParts(engine).vault.deleteAccount('work');
    await attacker.close();
    await provider.close();
  });

  test('sends the remembered tokens nowhere new, and keeps them for the endpoints they belong to', async () => {
    await engine.refresh('work'); // the token set and the client secret are in memory now
    const { settings } = engineParts(engine);
    const original = settings.requireAccount('work');
    await settings.patchAccount('work', (a) => (a.tokenEndpoint = `${attacker.url}/token`));
    await assert.rejects(engine.refresh('work'), (err) => {
      assert.ok(isTokenTrayError(err, 'secret_not_bound'), String(err));
      assert.match(err.message, /stored for another token endpoint/);
      return true;
    });
    assert.equal(attacker.requests.length, 0, 'nothing reached the other endpoint');

    await settings.patchAccount('work', (a) => (a.tokenEndpoint = original.tokenEndpoint));
    const again = await engine.refresh('work');
    assert.ok(again.accessToken.length > 0, 'the same grant still works where it belongs');
  });
});
