import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isTokenTrayError } from '../../../main/common/errors.js';
import { loadKeytar, type KeychainBackend } from '../../../main/node/keychain/keychain-backend.js';
import { engineParts } from '../../../main/node/engine/token-engine.js';
import { locksDir } from '../../../main/node/paths.js';
import { addAccount } from '../../../main/node/sign-in/add-pasted-account.js';
import {
  addRotatingAccount,
  KeychainWithFailingWrites,
  openEngine,
} from '../../support/engine-fixture.js';
import { isActive } from '../../support/introspect.js';
import { testService } from '../../support/keychain-inspect.js';
import { startLocalProvider, type LocalProvider } from '../../support/local-provider.js';
import { waitFor } from '../../support/wait-for.js';

// The custody of tokens when the stores around the engine misbehave: a keychain write that is
// slow or refused, a ledger folder that vanished. Real oidc-provider, real keychain, real files;
// the faults are injected at the keytar boundary and on disk.

const SERVICE = testService(import.meta.url);

/** The real keychain, except that writes wait while `gate` is set: a slow keychain (a prompt). */
class KeychainWithSlowWrites implements KeychainBackend {
  gate: Promise<void> | undefined;
  constructor(private readonly real: KeychainBackend) {}
  getPassword(service: string, account: string) {
    return this.real.getPassword(service, account);
  }
  async setPassword(service: string, account: string, password: string) {
    await this.gate;
    return this.real.setPassword(service, account, password);
  }
  deletePassword(service: string, account: string) {
    return this.real.deletePassword(service, account);
  }
  findCredentials(service: string) {
    return this.real.findCredentials(service);
  }
}

describe('token custody under store faults', () => {
  let provider: LocalProvider;
  before(async () => {
    provider = await startLocalProvider();
  });
  after(() => provider.close());

  const freshDir = () => mkdtemp(join(tmpdir(), 'tokentray-custody-'));

  test('a token is handed out before its slow keychain write lands, but the account lock is held until it has', async () => {
    const slow = new KeychainWithSlowWrites(await loadKeytar());
    const dir = await freshDir();
    const engine = openEngine(dir, SERVICE, { backend: async () => slow });
    // A provider that does not rotate: the write after the refresh is only a cache.
    const { clientId, clientSecret } = provider.clients.googleLike;
    await addAccount(engine, {
      name: 'slow',
      tokenEndpoint: provider.tokenEndpoint,
      clientId,
      clientSecret,
      scopes: ['openid'],
      refreshToken: await provider.mintRefreshToken(clientId),
    });
    let open: () => void = () => undefined;
    slow.gate = new Promise((resolve) => (open = resolve));
    const record = await engine.refresh('slow');
    assert.ok(await isActive(provider, record.accessToken), 'the caller got a live token at once');
    const lock = `${join(locksDir(dir), 'account-slow')}.lock`;
    assert.ok(existsSync(lock), 'the lock is still held while the keychain write is pending');
    open();
    await waitFor('the lock to be released once the write landed', () => !existsSync(lock));
    const stored = await engineParts(openEngine(dir, SERVICE)).vault.getAccessToken('slow');
    assert.equal(stored?.accessToken, record.accessToken, 'the write that landed is that token');
  });

  test('a rotated token the keychain refused is saved first and judged by the need, not rotated again', async () => {
    const keychain = new KeychainWithFailingWrites(await loadKeytar());
    const engine = openEngine(await freshDir(), SERVICE, {
      backend: async () => keychain,
      saveAttempts: 1,
    });
    await addRotatingAccount(engine, provider, 'held');
    keychain.failWrites = /^held\//;
    const askedAt = Date.now();
    await assert.rejects(engine.refresh('held'), (err) =>
      isTokenTrayError(err, 'keychain_write_failed'),
    );
    provider.resetCounts();

    // The background's question: is a token issued before `askedAt` due? The one in memory (from
    // the rotation) is not, though the stored one is: nothing is presented, with writes still down.
    const due = (r: { issuedAt: number } | undefined) => r === undefined || r.issuedAt < askedAt;
    const held = await engine.refreshIfDue('held', due);
    assert.ok(held.issuedAt >= askedAt, 'the rotated set answers');
    assert.equal(provider.counts().total, 0, 'no token was presented again');

    // The keychain is back: the next attempt saves the held set before anything else.
    keychain.failWrites = undefined;
    await engine.refreshIfDue('held', due);
    assert.equal(provider.counts().total, 0, 'saving it needed no request');
    const stored = await engineParts(engine).vault.get('held', 'refresh_token');
    assert.equal(stored, await engine.currentRefreshToken('held'), 'the keychain has the new one');
  });

  test('a ledger folder removed while the engine runs is made again: refreshes go on', async () => {
    const dir = await freshDir();
    const engine = openEngine(dir, SERVICE);
    await addRotatingAccount(engine, provider, 'ledger');
    rmSync(join(dir, 'state'), { recursive: true, force: true });
    const record = await engine.refresh('ledger');
    assert.ok(await isActive(provider, record.accessToken));
    assert.ok(existsSync(join(dir, 'state')), 'the ledger is written again');
  });
});
