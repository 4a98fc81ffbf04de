import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, test } from 'node:test';
import {
  buildAuthorizationRequest,
  exchangeAuthorizationCode,
} from '../../../main/node/oauth/authorization-code.js';
import {
  AS_ORIGIN,
  formOf,
  json,
  mockAccount,
  mockedClient,
} from '../../support/mock-endpoints.js';

// The Authorization Code grant with PKCE (RFC 6749 §4.1, RFC 7636): the request/process pair,
// the token endpoint answered through undici's MockAgent; the happy path against the real
// oidc-provider is in test/cli/sign-in-flows.test.ts.

describe('authorization code with PKCE (RFC 6749 §4.1, RFC 7636)', () => {
  let mock: ReturnType<typeof mockedClient>;
  beforeEach(() => {
    mock = mockedClient();
  });
  afterEach(() => mock.close());

  const redirectUri = 'http://127.0.0.1:4711/callback';
  const account = mockAccount({
    clientAuth: 'none',
    authParams: { access_type: 'offline', prompt: 'consent' },
  });

  test('the request: S256 challenge of a fresh verifier, a fresh state, the provider’s own parameters', async () => {
    const first = await buildAuthorizationRequest(account, redirectUri);
    const second = await buildAuthorizationRequest(account, redirectUri);
    const url = new URL(first.authorizationUrl);
    assert.equal(url.origin + url.pathname, `${AS_ORIGIN}/authorize`);
    const expected = createHash('sha256').update(first.codeVerifier).digest('base64url');
    assert.equal(url.searchParams.get('code_challenge'), expected);
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(url.searchParams.get('state'), first.state);
    assert.equal(url.searchParams.get('redirect_uri'), redirectUri);
    assert.equal(url.searchParams.get('response_type'), 'code');
    assert.equal(url.searchParams.get('access_type'), 'offline');
    assert.ok(first.codeVerifier.length >= 43, 'RFC 7636 §4.1: at least 43 characters');
    assert.notEqual(first.state, second.state);
    assert.notEqual(first.codeVerifier, second.codeVerifier);
    await assert.rejects(
      buildAuthorizationRequest(mockAccount({ authorizationEndpoint: undefined }), redirectUri),
      { code: 'invalid_input' },
    );
  });

  test('the exchange sends the code, the verifier and the same redirect URI', async () => {
    const pending = await buildAuthorizationRequest(account, redirectUri);
    let sent: URLSearchParams | undefined;
    mock.pool.intercept({ path: '/token', method: 'POST' }).reply((request) => {
      sent = formOf(request.body);
      return {
        statusCode: 200,
        data: JSON.stringify({ access_token: 'at', token_type: 'Bearer', refresh_token: 'rt' }),
        responseOptions: json,
      };
    });
    const callback = new URL(`${redirectUri}?code=the-code&state=${pending.state}`);
    const grant = await exchangeAuthorizationCode(
      mock.client,
      account,
      undefined,
      pending,
      callback,
    );
    assert.equal(grant.refreshToken, 'rt');
    assert.equal(sent?.get('grant_type'), 'authorization_code');
    assert.equal(sent?.get('code'), 'the-code');
    assert.equal(sent?.get('code_verifier'), pending.codeVerifier);
    assert.equal(sent?.get('redirect_uri'), redirectUri);
    mock.done();
  });

  test('a wrong or missing state, or an error, is refused before anything is sent', async () => {
    const pending = await buildAuthorizationRequest(account, redirectUri);
    const callbacks: [string, string, RegExp][] = [
      [`code=c&state=forged`, 'sign_in_failed', /state did not match/],
      [`code=c`, 'sign_in_failed', /carried no state/],
      [`error=access_denied&state=${pending.state}`, 'access_denied', /declined/],
    ];
    for (const [query, code, message] of callbacks) {
      await assert.rejects(
        exchangeAuthorizationCode(
          mock.client,
          account,
          undefined,
          pending,
          new URL(`${redirectUri}?${query}`),
        ),
        { code, message },
        query,
      );
    }
    // Net connect is off and nothing was intercepted: a request would have failed differently.
    mock.done();
  });

  test('a code the server refuses is a failed sign-in, not an account needing one', async () => {
    const pending = await buildAuthorizationRequest(account, redirectUri);
    mock.pool
      .intercept({ path: '/token', method: 'POST' })
      .reply(400, JSON.stringify({ error: 'invalid_grant', error_description: 'code used' }), json);
    await assert.rejects(
      exchangeAuthorizationCode(
        mock.client,
        account,
        undefined,
        pending,
        new URL(`${redirectUri}?code=c&state=${pending.state}`),
      ),
      { code: 'sign_in_failed', message: /invalid_grant: code used/ },
    );
  });
});
