import { engineParts } from '../../../main/node/engine/token-engine.js';
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isTokenTrayError } from '../../../main/common/errors.js';
import { BackgroundRefresher } from '../../../main/node/engine/background-refresher.js';
import { loadKeytar } from '../../../main/node/keychain/keychain-backend.js';
import { addRotatingAccount, openEngine } from '../../support/engine-fixture.js';
import { isActive } from '../../support/introspect.js';
import { startLocalProvider, type LocalProvider } from '../../support/local-provider.js';

const SERVICE = 'TokenTray-test-refresh-rules';

// The engine's rules for when to refresh and what to hand out, against the real oidc-provider.
describe('refresh rules against a rotating server', () => {
  let provider: LocalProvider;
  let dir: string;

  before(async () => {
    provider = await startLocalProvider();
    dir = await mkdtemp(join(tmpdir(), 'tokentray-rules-'));
  });
  after(() => provider.close());

  test('an answer lost after the server rotated: one prompt retry, then sign-in-required, never a loop', async () => {
    const engine = openEngine(dir, SERVICE);
    await addRotatingAccount(engine, provider, 'lost');
    provider.resetCounts();
    provider.loseTokenAnswers(1, 'after');

    await assert.rejects(engine.refresh('lost'), (err) => {
      assert.ok(isTokenTrayError(err, 'sign_in_required'), String(err));
      assert.match(err.message, /lost/);
      assert.match(err.message, /RFC 9700/);
      return true;
    });
    // The first request rotated the token (its answer was lost); the one retry presented the
    // same, now spent, token and the server revoked the grant on reuse.
    assert.deepEqual(provider.counts(), { success: 1, error: 1, total: 2 });
    assert.equal((await engine.status('lost')).status, 'sign-in-required');

    // The spent token is never sent again, by this process or another.
    await assert.rejects(engine.refresh('lost'), (err) =>
      isTokenTrayError(err, 'sign_in_required'),
    );
    await assert.rejects(openEngine(dir, SERVICE).getToken('lost', { minTtl: 86_400 }), (err) =>
      isTokenTrayError(err, 'sign_in_required'),
    );
    assert.equal(provider.counts().total, 2);
  });

  test('a request lost before the server saw it: the one prompt retry gets the token', async () => {
    const engine = openEngine(dir, SERVICE);
    await addRotatingAccount(engine, provider, 'dropped');
    provider.resetCounts();
    provider.loseTokenAnswers(1, 'before');

    const record = await engine.refresh('dropped');
    assert.deepEqual(provider.counts(), { success: 1, error: 0, total: 1 });
    assert.ok(await isActive(provider, record.accessToken));
    assert.equal((await engine.status('dropped')).status, 'fresh');
    // The retry's rotated token was kept: the next refresh works.
    assert.ok(
      await isActive(provider, (await openEngine(dir, SERVICE).refresh('dropped')).accessToken),
    );
    assert.equal(provider.counts().error, 0);
  });
});

describe('two processes sharing one rotating account', () => {
  let provider: LocalProvider;
  let dir: string;

  before(async () => {
    provider = await startLocalProvider();
    dir = await mkdtemp(join(tmpdir(), 'tokentray-shared-'));
  });
  after(() => provider.close());

  test('a long-running engine reads the keychain only after another process rotated, and never presents a spent token', async () => {
    const reads = { n: 0 };
    const real = await loadKeytar();
    const app = openEngine(dir, SERVICE, {
      backend: async () => ({
        getPassword: (s: string, a: string) => (reads.n++, real.getPassword(s, a)),
        setPassword: (s: string, a: string, p: string) => real.setPassword(s, a, p),
        deletePassword: (s: string, a: string) => real.deletePassword(s, a),
        findCredentials: (s: string) => real.findCredentials(s),
      }),
    });
    await addRotatingAccount(app, provider, 'shared');
    await app.refresh('shared');
    provider.resetCounts();

    reads.n = 0;
    await app.refresh('shared');
    assert.equal(reads.n, 0, 'nothing changed elsewhere: memory is current');

    // Another process (the CLI) rotates the refresh token twice.
    const cli = openEngine(dir, SERVICE);
    await cli.refresh('shared');
    await cli.refresh('shared');

    reads.n = 0;
    const record = await app.refresh('shared');
    assert.equal(reads.n, 1, 'one read of the token set, because the generation moved');
    assert.ok(await isActive(provider, record.accessToken));
    assert.deepEqual(provider.counts(), { success: 4, error: 0, total: 4 });
  });
});

describe('tokens that live less than the default --min-ttl', () => {
  let provider: LocalProvider;
  let dir: string;

  before(async () => {
    provider = await startLocalProvider({ accessTokenTtlSeconds: 40 });
    dir = await mkdtemp(join(tmpdir(), 'tokentray-short-'));
  });
  after(() => provider.close());

  test('the default asks for at most half the life: the cached token serves, with no refresh', async () => {
    const engine = openEngine(dir, SERVICE);
    const { token } = await addRotatingAccount(engine, provider, 'short');
    provider.resetCounts();
    const other = openEngine(dir, SERVICE); // another process, from the keychain
    for (let i = 0; i < 3; i++)
      assert.equal((await other.getToken('short')).accessToken, token.accessToken);
    assert.equal(provider.counts().total, 0, 'no refresh for a 40 s token with 20+ s left');
  });

  test('an explicit --min-ttl the provider cannot meet fails, giving the lifetime', async () => {
    const engine = openEngine(dir, SERVICE);
    await addRotatingAccount(engine, provider, 'strict');
    await assert.rejects(engine.getToken('strict', { minTtl: 60 }), (err) => {
      assert.ok(isTokenTrayError(err, 'invalid_input'), String(err));
      assert.equal(err.exitCode, 2);
      assert.match(err.message, /live 40 s, less than the 60 s asked for/);
      return true;
    });
  });
});

describe('a still-valid token when the token endpoint is down', () => {
  test('without --min-ttl it is handed out with a warning; with one it cannot meet, the error stands', async () => {
    const provider = await startLocalProvider();
    const dir = await mkdtemp(join(tmpdir(), 'tokentray-down-'));
    const engine = openEngine(dir, SERVICE, {
      retry: { retries: 1, baseMs: 10, capMs: 10, maxWaitMs: 100 },
    });
    await addRotatingAccount(engine, provider, 'down');
    const stored = await engineParts(engine).vault.getAccessToken('down');
    assert.ok(stored);
    // An hour's token with 30 s left: under the default minimum of 60 s, so it wants a refresh.
    const thirtyLeft = {
      ...stored,
      issuedAt: Date.now() - 3_570_000,
      expiresAt: Date.now() + 30_000,
    };
    await engineParts(engine).vault.setAccessToken('down', thirtyLeft);
    await provider.close();

    const warnings: string[] = [];
    const other = openEngine(dir, SERVICE, {
      retry: { retries: 1, baseMs: 10, capMs: 10, maxWaitMs: 100 },
    });
    const record = await other.getToken('down', { onWarning: (m) => warnings.push(m) });
    assert.equal(record.accessToken, thirtyLeft.accessToken);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /Could not reach the token endpoint at 127\.0\.0\.1:\d+/);
    assert.match(warnings[0] ?? '', /still valid for \d+ s/);

    await assert.rejects(other.getToken('down', { minTtl: 60 }), (err) =>
      isTokenTrayError(err, 'transient'),
    );
  });
});

describe('a provider whose refresh ends the previous access token (GitHub)', () => {
  let provider: LocalProvider;
  let dir: string;

  before(async () => {
    provider = await startLocalProvider();
    dir = await mkdtemp(join(tmpdir(), 'tokentray-late-'));
  });
  after(() => provider.close());

  test('the background refreshes it only close to the end; others at 80% of the life', async () => {
    const engine = openEngine(dir, SERVICE);
    const { token: early } = await addRotatingAccount(engine, provider, 'usual');
    const { token: late } = await addRotatingAccount(engine, provider, 'github-like');
    // The local provider behaves like GitHub here: it rotates the refresh token. What differs is
    // what the preset says of the provider.
    await engineParts(engine).settings.patchAccount('github-like', (a) => (a.provider = 'github'));
    const refresher = new BackgroundRefresher(engine);
    try {
      await refresher.start();
      const life = late.expiresAt - late.issuedAt;
      assert.equal(
        refresher.dueAt('github-like'),
        late.expiresAt - Math.min(2 * 60_000, life / 10),
      );
      assert.equal(
        refresher.dueAt('usual'),
        early.issuedAt + (early.expiresAt - early.issuedAt) * 0.8,
      );
    } finally {
      refresher.stop();
    }
    assert.equal(engine.refreshKillsPrevious('github-like'), true);
    assert.equal(engine.refreshKillsPrevious('usual'), false);
    // The status follows the same plan: fresh until close to the end.
    assert.equal((await engine.status('github-like')).status, 'fresh');
  });
});
