import { engineParts } from '../../../main/node/engine/token-engine.js';
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { AccountStatus } from '../../../main/common/account.js';
import { isTokenTrayError } from '../../../main/common/errors.js';
import { addAccount } from '../../../main/node/sign-in/add-pasted-account.js';
import { BackgroundRefresher } from '../../../main/node/engine/background-refresher.js';
import { TokenClient } from '../../../main/node/oauth/token-client.js';
import { loadKeytar } from '../../../main/node/keychain/keychain-backend.js';
import {
  addRotatingAccount,
  KeychainWithFailingWrites,
  openEngine,
} from '../../support/engine-fixture.js';
import { isActive } from '../../support/introspect.js';
import { ManualClock } from '../../support/manual-clock.js';
import { within } from '../../support/wait-for.js';
import { startLocalProvider, type LocalProvider } from '../../support/local-provider.js';

const SERVICE = 'TokenTray-test-engine';

describe('token engine against a rotating server', () => {
  let provider: LocalProvider;
  let dir: string;

  before(async () => {
    provider = await startLocalProvider();
    dir = await mkdtemp(join(tmpdir(), 'tokentray-engine-'));
  });
  after(() => provider.close());

  const addTo = (engine: ReturnType<typeof openEngine>, name: string) =>
    addRotatingAccount(engine, provider, name, {
      scopes: ['openid', 'offline_access'],
      mintScope: 'openid offline_access',
    });

  test('1000 concurrent getToken calls on an expired account send exactly one request', async () => {
    const engine = openEngine(dir, SERVICE);
    await addTo(engine, 'flight');
    const stale = await engineParts(engine).vault.getAccessToken('flight');
    assert.ok(stale);
    await engineParts(engine).vault.setAccessToken('flight', {
      ...stale,
      expiresAt: Date.now() - 1,
    });
    const fresh = openEngine(dir, SERVICE); // a new process: nothing cached in memory
    provider.resetCounts();
    const statuses: AccountStatus[] = [];
    fresh.onStatus((r) => statuses.push(r.status));
    const tokens = await Promise.all(Array.from({ length: 1000 }, () => fresh.getToken('flight')));
    assert.equal(provider.counts().total, 1);
    assert.equal(new Set(tokens.map((t) => t.accessToken)).size, 1);
    assert.ok(await isActive(provider, tokens[0]?.accessToken ?? ''));
    assert.deepEqual(statuses, ['refreshing', 'fresh']);
  });

  test('expiry counts from when the request was sent', async () => {
    const engine = openEngine(dir, SERVICE);
    await addTo(engine, 'timing');
    const sentAfter = Date.now();
    const record = await engine.refresh('timing');
    assert.ok(record.issuedAt >= sentAfter && record.issuedAt <= Date.now());
    assert.equal(record.expiresAt - record.issuedAt, 3600 * 1000);
  });

  test('a rotated refresh token the keychain will not take is kept, never re-sent spent, and saved later', async () => {
    const keychain = new KeychainWithFailingWrites(await loadKeytar());
    const engine = openEngine(dir, SERVICE, { backend: async () => keychain, saveAttempts: 2 });
    await addTo(engine, 'locked');
    const spent = await engineParts(engine).vault.get('locked', 'refresh_token');

    keychain.failWrites = /^locked\/refresh_token$/;
    provider.resetCounts();
    await assert.rejects(engine.refresh('locked'), (err) =>
      isTokenTrayError(err, 'keychain_write_failed'),
    );
    assert.equal(provider.counts().success, 1, 'the server rotated the token');
    assert.equal(
      await engineParts(engine).vault.get('locked', 'refresh_token'),
      spent,
      'the keychain still holds the spent one',
    );

    // Another process must not present the spent token: the account is marked.
    const other = openEngine(dir, SERVICE);
    await assert.rejects(other.refresh('locked'), (err) =>
      isTokenTrayError(err, 'sign_in_required'),
    );
    assert.equal(provider.counts().total, 1, 'the spent token was not sent again');
    assert.equal((await other.status('locked')).status, 'sign-in-required');

    // The keychain recovers: the engine that holds the new token saves it and carries on.
    keychain.failWrites = undefined;
    assert.equal(await engine.retryUnsaved('locked'), true);
    assert.notEqual(await engineParts(engine).vault.get('locked', 'refresh_token'), spent);
    const record = await openEngine(dir, SERVICE).refresh('locked');
    assert.ok(await isActive(provider, record.accessToken));
    assert.equal(provider.counts().error, 0, 'no reuse was ever detected by the server');
  });

  test('the background refresher renews a short-lived token before it expires, on one timer', async () => {
    const shortLived = await startLocalProvider({ accessTokenTtlSeconds: 3 });
    try {
      // Time on a manual clock, tokens counted on it too: the test moves to the planned refresh.
      const clock = new ManualClock(Date.now());
      const engine = openEngine(await mkdtemp(join(tmpdir(), 'tokentray-bg-')), SERVICE, {
        clock,
        client: new TokenClient({ now: () => clock.now() }),
      });
      const { clientId, clientSecret } = shortLived.clients.rotating;
      const { token: first } = await addAccount(engine, {
        name: 'short',
        tokenEndpoint: shortLived.tokenEndpoint,
        clientId,
        clientSecret,
        scopes: [],
        refreshToken: await shortLived.mintRefreshToken(clientId),
      });
      const refresher = new BackgroundRefresher(engine);
      await refresher.start();
      const due = refresher.dueAt('short');
      assert.ok(
        due !== undefined && due > first.issuedAt && due < first.expiresAt,
        'planned before expiry',
      );
      const renewal = within(
        'the background refresher to renew the token',
        new Promise<number>((resolve) => {
          engine.onStatus((r) => {
            if (
              r.status === 'fresh' &&
              r.expiresAt !== null &&
              Date.parse(r.expiresAt) > first.expiresAt
            )
              resolve(clock.now());
          });
        }),
      );
      assert.equal(clock.pendingTimers, 1, 'one timer for the one account');
      clock.advance(due - clock.now());
      const renewed = await renewal;
      refresher.stop();
      assert.ok(renewed < first.expiresAt, 'renewed while the old token was still valid');
      assert.equal(shortLived.counts().error, 0);
    } finally {
      await shortLived.close();
    }
  });
});
