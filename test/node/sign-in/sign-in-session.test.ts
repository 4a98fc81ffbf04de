import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { AddAccountRequest } from '../../../main/common/ipc-contract.js';
import type { TokenEngine } from '../../../main/node/engine/token-engine.js';
import { TokenClient } from '../../../main/node/oauth/token-client.js';
import {
  startSignIn,
  startSignInAgain,
  type SignInDeps,
} from '../../../main/node/sign-in/sign-in-session.js';
import { openEngine } from '../../support/engine-fixture.js';
import { isActive } from '../../support/introspect.js';
import { keychainOf, testService } from '../../support/keychain-inspect.js';
import { startLocalProvider, type LocalProvider } from '../../support/local-provider.js';
import { ManualClock } from '../../support/manual-clock.js';
import { waitFor } from '../../support/wait-for.js';

// The sign-in sessions themselves, as the CLI and the app start them, against the real
// oidc-provider and the real keychain; device polling and timeouts run on a manual clock.
const SERVICE = testService(import.meta.url);
const keychain = keychainOf(SERVICE);

describe('sign-in sessions', () => {
  let provider: LocalProvider;
  before(async () => {
    provider = await startLocalProvider({ deviceIntervalSeconds: 1 });
  });
  after(() => provider.close());

  /** A fresh engine on its own data folder, with time on `clock`. */
  const engineOn = async (clock: ManualClock): Promise<TokenEngine> =>
    openEngine(await mkdtemp(join(tmpdir(), 'tokentray-sign-in-')), SERVICE, {
      clock,
      client: new TokenClient({ now: () => clock.now() }),
    });

  const opened: string[] = [];
  const deps = (extra: Partial<SignInDeps> = {}): SignInDeps => ({
    openUrl: (url) => {
      opened.push(url);
      return Promise.resolve();
    },
    ...extra,
  });

  const oidc = (name: string, method: AddAccountRequest['method']): AddAccountRequest => ({
    name,
    provider: 'oidc',
    method,
    issuer: provider.issuer,
    clientId: provider.clients.publicClient.clientId,
    scopes: ['openid', 'offline_access'],
  });

  const nothingStored = async (engine: TokenEngine, name: string) => {
    assert.equal(
      (await engine.statuses()).some((s) => s.name === name),
      false,
      'no account appears',
    );
    assert.deepEqual(
      (await keychain.entries()).filter((e) => e.account.startsWith(`${name}/`)),
      [],
      'no keychain entry is left',
    );
  };

  test('a pasted refresh token is proven with one refresh and stored, rotated', async () => {
    const clock = new ManualClock(Date.now());
    const engine = await engineOn(clock);
    const { clientId, clientSecret } = provider.clients.rotating;
    const pasted = await provider.mintRefreshToken(clientId);
    provider.resetCounts();
    const session = await startSignIn(
      engine,
      {
        name: 'ss-paste',
        provider: 'custom',
        method: 'paste',
        tokenEndpoint: provider.tokenEndpoint,
        clientId,
        clientSecret,
        refreshToken: pasted,
      },
      deps(),
    );
    assert.deepEqual(session.prompt, { kind: 'none' });
    const account = await session.done;
    assert.equal(account.name, 'ss-paste');
    assert.equal(provider.counts().success, 1);
    const stored = await keychain.vault.get('ss-paste', 'refresh_token');
    assert.ok(
      stored !== undefined && stored !== pasted,
      'the rotated token replaced the pasted one',
    );
    assert.ok(await isActive(provider, stored));
  });

  test('client credentials: a machine account, no refresh token, and no sign-in again', async () => {
    const engine = await engineOn(new ManualClock(Date.now()));
    const { clientId, clientSecret } = provider.clients.rotating;
    const session = await startSignIn(
      engine,
      {
        name: 'ss-machine',
        provider: 'oidc',
        method: 'client-credentials',
        issuer: provider.issuer,
        clientId,
        clientSecret,
        scopes: ['api:read'],
      },
      deps(),
    );
    await session.done;
    assert.equal(await keychain.vault.get('ss-machine', 'refresh_token'), undefined);
    assert.ok(await isActive(provider, (await engine.getToken('ss-machine')).accessToken));
    await assert.rejects(startSignInAgain(engine, 'ss-machine', 'device', deps()), {
      code: 'usage',
      message: /machine account/,
    });
  });

  test('device: the prompt shows the code; cancel() ends the wait, stores nothing, leaves no timer', async () => {
    const clock = new ManualClock(Date.now());
    const engine = await engineOn(clock);
    const session = await startSignIn(engine, oidc('ss-device-cancel', 'device'), deps());
    assert.equal(session.prompt.kind, 'device');
    if (session.prompt.kind !== 'device') return;
    assert.match(session.prompt.userCode, /\S{4,}/);
    assert.ok(session.prompt.verificationUri.startsWith(provider.issuer));
    assert.equal(opened.length, 0, 'without openDeviceUrl nothing is opened');
    const polls = provider.devicePolls().length;
    clock.advance(1_000);
    await waitFor('one poll to be answered', () => provider.devicePolls().length === polls + 1);
    await waitFor('the next poll to be armed', () => clock.nextTimerIn() === 1_000);
    session.cancel();
    await assert.rejects(session.done, { code: 'cancelled' });
    assert.equal(clock.pendingTimers, 0, 'the poll and the timeout are both cleared');
    await nothingStored(engine, 'ss-device-cancel');
  });

  test('device: the timeout (at most the code’s life) ends the flow and stores nothing', async () => {
    const clock = new ManualClock(Date.now());
    const engine = await engineOn(clock);
    const session = await startSignIn(
      engine,
      oidc('ss-device-timeout', 'device'),
      deps({ timeoutMs: 3_000, openDeviceUrl: true }),
    );
    await waitFor('the verification URL to be opened', () =>
      opened.some((u) => u.includes('user_code=')),
    );
    clock.advance(3_000);
    await assert.rejects(session.done, {
      code: 'sign_in_timeout',
      message: /not finished within 0\.1 minutes/,
    });
    await nothingStored(engine, 'ss-device-timeout');
  });

  test('browser: a forged redirect is refused with a warning; cancel closes the listener', async () => {
    const clock = new ManualClock(Date.now());
    const engine = await engineOn(clock);
    const warnings: string[] = [];
    const session = await startSignIn(
      engine,
      oidc('ss-browser', 'browser'),
      deps({ onWarning: (m) => warnings.push(m) }),
    );
    assert.equal(session.prompt.kind, 'browser');
    if (session.prompt.kind !== 'browser') return;
    const url = new URL(session.prompt.authorizationUrl);
    const redirect = new URL(url.searchParams.get('redirect_uri') ?? '');
    assert.equal(redirect.hostname, '127.0.0.1', 'RFC 8252 §7.3: the loopback IP literal');
    assert.equal(clock.nextTimerIn(), 5 * 60_000, 'five minutes by default');
    redirect.search = new URLSearchParams({ code: 'c', state: 'forged' }).toString();
    assert.equal((await fetch(redirect)).status, 400);
    assert.equal(warnings.length, 1);
    session.cancel();
    await assert.rejects(session.done, { code: 'cancelled' });
    await assert.rejects(fetch(redirect), 'the listener is closed');
    assert.equal(clock.pendingTimers, 0);
    await nothingStored(engine, 'ss-browser');
  });

  test('bad input is refused before anything is sent', async () => {
    const engine = await engineOn(new ManualClock(Date.now()));
    provider.resetCounts();
    await assert.rejects(
      startSignIn(engine, { ...oidc('ss-bad', 'browser'), clientId: '   ' }, deps()),
      { code: 'invalid_input', message: /client id is empty/ },
    );
    await assert.rejects(
      startSignIn(
        engine,
        {
          ...oidc('ss-bad', 'paste'),
          provider: 'custom',
          issuer: undefined,
          tokenEndpoint: provider.tokenEndpoint,
          refreshToken: ' ',
        },
        deps(),
      ),
      { code: 'invalid_input', message: /refresh token is empty/ },
    );
    assert.equal(provider.counts().total, 0);
  });
});
