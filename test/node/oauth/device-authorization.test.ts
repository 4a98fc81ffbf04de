import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { TokenTrayError } from '../../../main/common/errors.js';
import {
  pollForDeviceToken,
  requestDeviceAuthorization,
  type DeviceAuthorization,
} from '../../../main/node/oauth/device-authorization.js';
import { ManualClock } from '../../support/manual-clock.js';
import {
  AS_ORIGIN,
  formOf,
  json,
  mockAccount,
  mockedClient,
} from '../../support/mock-endpoints.js';
import { waitFor } from '../../support/wait-for.js';

// Device Authorization (RFC 8628): the request/process pair and the polling rules, on a manual
// clock. Each endpoint answers through undici's MockAgent; the happy paths against the real
// oidc-provider are in test/cli/sign-in-flows.test.ts and test/node/sign-in/.

const publicAccount = mockAccount({ clientAuth: 'none' });

describe('device authorization (RFC 8628)', () => {
  let clock: ManualClock;
  let mock: ReturnType<typeof mockedClient>;
  let polls = 0;
  beforeEach(() => {
    polls = 0;
    clock = new ManualClock();
    mock = mockedClient(() => clock.now());
  });
  afterEach(() => mock.close());

  const device = (overrides: Partial<DeviceAuthorization> = {}): DeviceAuthorization => ({
    deviceCode: 'dc-1',
    userCode: 'ABCD-EFGH',
    verificationUri: `${AS_ORIGIN}/activate`,
    expiresAt: clock.now() + 600_000,
    interval: 1,
    ...overrides,
  });

  /** The next device poll gets `status` and `body`; `polls` counts the polls answered. */
  const nextPoll = (status: number, body: unknown) =>
    mock.pool.intercept({ path: '/token', method: 'POST' }).reply(() => {
      polls++;
      return { statusCode: status, data: JSON.stringify(body), responseOptions: json };
    });

  /** Waits until the poller sleeps `ms` (and nothing shorter), then lets that time pass. */
  const waitsThenPolls = async (ms: number) => {
    await waitFor(`the poller to wait ${ms} ms`, () => clock.nextTimerIn() === ms);
    const before = polls;
    clock.advance(ms - 1);
    assert.equal(polls, before, `no poll before ${ms} ms`);
    clock.advance(1);
  };

  test('the request carries the client and scope; Google’s verification_url and a missing interval are read as RFC 8628 says', async () => {
    let sent: URLSearchParams | undefined;
    mock.pool.intercept({ path: '/device', method: 'POST' }).reply((request) => {
      sent = formOf(request.body);
      return {
        statusCode: 200,
        data: JSON.stringify({
          device_code: 'dc',
          user_code: 'UC',
          verification_url: `${AS_ORIGIN}/activate`,
          expires_in: 900,
        }),
        responseOptions: json,
      };
    });
    const got = await requestDeviceAuthorization(mock.client, publicAccount, undefined);
    assert.equal(sent?.get('client_id'), 'client-1');
    assert.equal(sent?.get('scope'), 'api:read');
    assert.equal(got.verificationUri, `${AS_ORIGIN}/activate`);
    assert.equal(got.interval, 5, 'no interval means 5 s (§3.2)');
    assert.equal(got.expiresAt, clock.now() + 900_000);
  });

  test('a verification URI that is not https, or no device endpoint at all, is refused', async () => {
    mock.pool.intercept({ path: '/device', method: 'POST' }).reply(
      200,
      JSON.stringify({
        device_code: 'dc',
        user_code: 'UC',
        verification_uri: 'http://phish.example/activate',
        expires_in: 900,
      }),
      json,
    );
    await assert.rejects(requestDeviceAuthorization(mock.client, publicAccount, undefined), {
      message: /verification URI/,
    });
    await assert.rejects(
      requestDeviceAuthorization(
        mock.client,
        mockAccount({ clientAuth: 'none', deviceAuthorizationEndpoint: undefined }),
        undefined,
      ),
      { code: 'invalid_input', message: /does not offer device sign-in/ },
    );
  });

  test('polling: pending waits an interval, slow_down adds 5 s for good, a network error backs off, then the tokens', async () => {
    const sent: URLSearchParams[] = [];
    const signal = new AbortController().signal;
    const done = pollForDeviceToken(mock.client, publicAccount, undefined, device(), signal, clock);
    nextPoll(400, { error: 'authorization_pending' });
    await waitsThenPolls(1_000);
    await waitFor('the first poll', () => polls === 1);
    nextPoll(400, { error: 'slow_down' });
    await waitsThenPolls(1_000);
    await waitFor('the slow_down answer', () => polls === 2);
    mock.pool
      .intercept({ path: '/token', method: 'POST' })
      .replyWithError(Object.assign(new Error('reset'), { code: 'ECONNRESET' }));
    await waitsThenPolls(6_000);
    mock.pool.intercept({ path: '/token', method: 'POST' }).reply((request) => {
      sent.push(formOf(request.body));
      return {
        statusCode: 200,
        data: JSON.stringify({
          access_token: 'at',
          token_type: 'Bearer',
          expires_in: 60,
          refresh_token: 'rt',
        }),
        responseOptions: json,
      };
    });
    await waitsThenPolls(12_000); // (1 + 5) s, doubled after the network error
    const grant = await done;
    assert.equal(grant.refreshToken, 'rt');
    assert.equal(grant.record.expiresAt, clock.now() + 60_000);
    assert.equal(sent[0]?.get('grant_type'), 'urn:ietf:params:oauth:grant-type:device_code');
    assert.equal(sent[0]?.get('device_code'), 'dc-1');
    mock.done();
  });

  test('GitHub answers authorization_pending with HTTP 200: it still means wait', async () => {
    const signal = new AbortController().signal;
    const done = pollForDeviceToken(mock.client, publicAccount, undefined, device(), signal, clock);
    nextPoll(200, { error: 'authorization_pending' });
    await waitsThenPolls(1_000);
    nextPoll(200, { access_token: 'at', token_type: 'bearer', refresh_token: 'rt' });
    await waitsThenPolls(1_000);
    assert.equal((await done).record.accessToken, 'at');
  });

  test('access_denied, expired_token and a refused grant each end the flow with their own error', async () => {
    const cases: [unknown, string, RegExp][] = [
      [{ error: 'access_denied' }, 'access_denied', /declined on the device page/],
      [{ error: 'expired_token' }, 'sign_in_timeout', /device code expired/],
      [{ error: 'invalid_grant' }, 'sign_in_failed', /refused to finish the sign-in/],
      [{ error: 'invalid_client' }, 'invalid_client', /rejected the request/],
    ];
    for (const [body, code, message] of cases) {
      const signal = new AbortController().signal;
      const done = pollForDeviceToken(
        mock.client,
        publicAccount,
        undefined,
        device(),
        signal,
        clock,
      );
      done.catch(() => undefined);
      nextPoll(400, body);
      await waitsThenPolls(1_000);
      await assert.rejects(done, { code, message }, code);
    }
  });

  test('a code that expires on the clock ends the flow without another poll; cancel ends it at once', async () => {
    const signal = new AbortController().signal;
    const expiring = pollForDeviceToken(
      mock.client,
      publicAccount,
      undefined,
      device({ expiresAt: clock.now() + 1_500 }),
      signal,
      clock,
    );
    expiring.catch(() => undefined);
    nextPoll(400, { error: 'authorization_pending' });
    await waitsThenPolls(1_000);
    await waitsThenPolls(1_000);
    await assert.rejects(expiring, { code: 'sign_in_timeout' });
    assert.equal(polls, 1, 'the expired code was not presented');

    const controller = new AbortController();
    const cancelled = pollForDeviceToken(
      mock.client,
      publicAccount,
      undefined,
      device(),
      controller.signal,
      clock,
    );
    await waitFor('the poller to wait', () => clock.pendingTimers === 1);
    controller.abort(new TokenTrayError('cancelled', 'Sign-in cancelled.'));
    await assert.rejects(cancelled, { code: 'cancelled' });
    assert.equal(clock.pendingTimers, 0, 'its timer is gone');
  });
});
