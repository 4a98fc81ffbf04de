import assert from 'node:assert/strict';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isTokenTrayError } from '../../../main/common/errors.js';
import { loadKeytar, type KeychainBackend } from '../../../main/node/keychain/keychain-backend.js';
import { engineParts } from '../../../main/node/engine/token-engine.js';
import { TokenClient } from '../../../main/node/oauth/token-client.js';
import { locksDir } from '../../../main/node/paths.js';
import { addAccount } from '../../../main/node/sign-in/add-pasted-account.js';
import { TokenLedger } from '../../../main/node/settings/token-ledger.js';
import {
  addGoogleLikeAccount,
  addRotatingAccount,
  KeychainWithFailingWrites,
  openEngine,
} from '../../support/engine-fixture.js';
import { startBadTokenEndpoint } from '../../support/bad-token-endpoint.js';
import { isActive } from '../../support/introspect.js';
import { testService } from '../../support/keychain-inspect.js';
import { startLocalProvider, type LocalProvider } from '../../support/local-provider.js';
import { ManualClock } from '../../support/manual-clock.js';
import { waitFor } from '../../support/wait-for.js';

// The custody of tokens when the stores around the engine misbehave: a keychain write that is
// slow or refused, a ledger folder that vanished. Real oidc-provider, real keychain, real files;
// the faults are injected at the keytar boundary and on disk.

const SERVICE = testService(import.meta.url);

/** The real keychain, except that writes wait while `gate` is set: a slow keychain (a prompt). */
class KeychainWithSlowWrites implements KeychainBackend {
  gate: Promise<void> | undefined;
  /** Writes held at the gate now. */
  held = 0;
  constructor(private readonly real: KeychainBackend) {}
  getPassword(service: string, account: string) {
    return this.real.getPassword(service, account);
  }
  async setPassword(service: string, account: string, password: string) {
    this.held++;
    await this.gate;
    this.held--;
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
    await addGoogleLikeAccount(engine, provider, 'slow');
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

  test('a refresh that keeps its refresh token, after one that did: no process is told to doubt its memory, and the ledger moves once the keychain has the new token', async () => {
    const slow = new KeychainWithSlowWrites(await loadKeytar());
    const dir = await freshDir();
    const engine = openEngine(dir, SERVICE, { backend: async () => slow });
    await addGoogleLikeAccount(engine, provider, 'kept');
    await engine.refresh('kept');
    const { createdAt } = engineParts(engine).settings.requireAccount('kept');
    // The first refresh after the sign-in is marked (nothing was known); it leaves word that it kept.
    await waitFor('the ledger to say the refresh kept its refresh token', () => {
      const entry = new TokenLedger(dir).read('kept', createdAt);
      return entry?.kept === true && entry.pending === undefined;
    });
    const before = new TokenLedger(dir).read('kept', createdAt);
    let open: () => void = () => undefined;
    slow.gate = new Promise((resolve) => (open = resolve));
    const record = await engine.refresh('kept');
    await waitFor('the cache write to reach the keychain', () => slow.held === 1);
    const during = new TokenLedger(dir).read('kept', createdAt);
    assert.equal(during?.pending, undefined, 'the refresh token never changed: nothing pending');
    assert.equal(during?.generation, before?.generation, 'not moved before the keychain has it');
    open();
    await waitFor('the ledger to move on', () => {
      const entry = new TokenLedger(dir).read('kept', createdAt);
      return entry !== undefined && entry.generation !== before?.generation;
    });
    const after = new TokenLedger(dir).read('kept', createdAt);
    assert.equal(after?.issuedAt, record.issuedAt, 'the ledger has the new token’s times');
    // Another process sees the move and takes the stored token: the one handed out here.
    const other = openEngine(dir, SERVICE);
    assert.equal((await other.getToken('kept')).accessToken, record.accessToken);
  });

  test('a server that rotates where the last refresh kept the token: marked pending before the rotated token’s keychain write, and no process presents the spent one', async () => {
    const slow = new KeychainWithSlowWrites(await loadKeytar());
    const dir = await freshDir();
    const engine = openEngine(dir, SERVICE, { backend: async () => slow });
    await addRotatingAccount(engine, provider, 'turned');
    // A process that already holds the account's tokens in memory.
    const other = openEngine(dir, SERVICE);
    await other.load();
    // The ledger as a refresh that kept its refresh token leaves it (the server rotated none
    // then): this engine expects the next refresh to keep it too, and marks nothing before it.
    const { createdAt } = engineParts(engine).settings.requireAccount('turned');
    const ledger = new TokenLedger(dir);
    const entry = ledger.read('turned', createdAt);
    const stored = await engineParts(engine).vault.getAccessToken('turned');
    assert.ok(entry !== undefined && stored !== undefined);
    ledger.settle('turned', createdAt, entry.generation, stored, 'kept');
    let open: () => void = () => undefined;
    slow.gate = new Promise((resolve) => (open = resolve));
    const refreshing = engine.refresh('turned');
    await waitFor('the rotated token’s keychain write to begin', () => slow.held === 1);
    assert.equal(
      new TokenLedger(dir).read('turned', createdAt)?.pending,
      true,
      'killed now, other processes would read the keychain, not trust their spent token',
    );
    open();
    const record = await refreshing;
    assert.ok(await isActive(provider, record.accessToken));
    // The other process reads the rotated token before it presents one: the grant lives on.
    const next = await other.refresh('turned');
    assert.ok(await isActive(provider, next.accessToken), 'the grant was not revoked for reuse');
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
  test('a retry after the account lock was taken over (this process stood still past staleness) presents nothing', async () => {
    const server = await startBadTokenEndpoint();
    try {
      const clock = new ManualClock(Date.now());
      const dir = await freshDir();
      const engine = openEngine(dir, SERVICE, {
        clock,
        client: new TokenClient({ now: () => clock.now() }),
        retry: { retries: 1, baseMs: 1_000, capMs: 1_000, maxWaitMs: 5_000 },
      });
      server.setCurrent('ok');
      await addAccount(engine, {
        name: 'paused',
        tokenEndpoint: server.currentUrl,
        clientId: 'client-1',
        scopes: [],
        clientSecret: 'paused-client-secret',
        refreshToken: 'paused-refresh-token-0001',
      });
      server.setCurrent('server-error');
      const asked = server.requests();
      clock.advance(1_000); // a forced refresh replaces a token issued before it was asked for
      const refreshing = engine.refresh('paused');
      refreshing.catch(() => undefined);
      await waitFor('the retry delay after an HTTP 503', () => clock.pendingTimers > 0);
      assert.equal(server.requests(), asked + 1);
      // While it waits, another host's process takes the account lock over.
      const lock = `${join(locksDir(dir), 'account-paused')}.lock`;
      const other = { holder: { host: 'elsewhere', pid: 1 }, nonce: 'theirs' };
      writeFileSync(lock, JSON.stringify(other));
      server.setCurrent('ok');
      clock.advance(clock.nextTimerIn() ?? 0);
      await assert.rejects(refreshing, (err) => isTokenTrayError(err, 'lock_lost'));
      assert.equal(server.requests(), asked + 1, 'the refresh token was not presented again');
      assert.ok(existsSync(lock), 'the other holder’s lock is left to it');
    } finally {
      await server.close();
    }
  });
});
