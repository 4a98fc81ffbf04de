import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { TokenTrayError } from '../../../main/common/errors.js';
import {
  AS_ORIGIN,
  formOf,
  json,
  mockAccount,
  mockedClient,
} from '../../support/mock-endpoints.js';

// The token endpoint's request/process pairs (RFC 6749 §4.4, §6; RFC 7009 §2) and how each odd
// answer is classified, one endpoint answered by undici's MockAgent per test.
const NOW = Date.UTC(2025, 0, 1);

type Seen = { body: URLSearchParams; headers: Record<string, string> };

describe('TokenClient against a mocked token endpoint', () => {
  let mock: ReturnType<typeof mockedClient>;
  beforeEach(() => {
    mock = mockedClient(() => NOW);
  });
  afterEach(async () => {
    await mock.close();
  });

  /** Answers the next POST to `path` with `status` and `body`, remembering what was sent. */
  const answer = (
    path: string,
    status: number,
    body: unknown,
    headers: Record<string, string> = json.headers,
  ): Seen[] => {
    const seen: Seen[] = [];
    mock.pool.intercept({ path, method: 'POST' }).reply((request) => {
      seen.push({
        body: formOf(request.body),
        headers: Object.fromEntries(
          Object.entries((request.headers ?? {}) as Record<string, string>).map(([k, v]) => [
            k.toLowerCase(),
            v,
          ]),
        ),
      });
      return {
        statusCode: status,
        data: typeof body === 'string' ? body : JSON.stringify(body),
        responseOptions: { headers },
      };
    });
    return seen;
  };

  const refreshError = async (promise: Promise<unknown>): Promise<TokenTrayError> => {
    const error = await promise.then(
      () => assert.fail('the refresh should have failed'),
      (err: unknown) => err,
    );
    assert.ok(error instanceof TokenTrayError, String(error));
    return error;
  };

  test('refresh: the request is RFC 6749 §6, and a rotated refresh token comes back as such', async () => {
    const seen = answer('/token', 200, {
      access_token: 'at-1',
      token_type: 'bearer',
      expires_in: 600,
      refresh_token: 'rt-2',
    });
    const outcome = await mock.client.refresh(mockAccount(), 'the-secret', 'rt-1');
    mock.done();
    const [request] = seen;
    assert.ok(request);
    assert.equal(request.body.get('grant_type'), 'refresh_token');
    assert.equal(request.body.get('refresh_token'), 'rt-1');
    assert.equal(request.body.get('scope'), null, 'no scope: the original grant is kept');
    assert.equal(request.body.get('client_secret'), null, 'basic auth keeps it out of the body');
    // RFC 6749 §2.3.1: id and secret are form-encoded, joined by ":", then base64.
    const [scheme, encoded = ''] = (request.headers.authorization ?? '').split(' ');
    assert.equal(scheme, 'Basic');
    const [id = '', secret = ''] = Buffer.from(encoded, 'base64').toString().split(':');
    assert.deepEqual(
      [decodeURIComponent(id), decodeURIComponent(secret)],
      ['client-1', 'the-secret'],
    );
    assert.equal(outcome.rotatedRefreshToken, 'rt-2');
    assert.deepEqual(outcome.record, {
      accessToken: 'at-1',
      tokenType: 'Bearer',
      issuedAt: NOW,
      expiresAt: NOW + 600_000,
      scope: 'api:read',
    });
  });

  test('refresh: the same refresh token sent back is no rotation; client_secret_post puts the secret in the body', async () => {
    const seen = answer('/token', 200, {
      access_token: 'at-1',
      token_type: 'Bearer',
      refresh_token: 'rt-1',
      scope: 'api:read api:write',
    });
    const outcome = await mock.client.refresh(
      mockAccount({ clientAuth: 'client_secret_post' }),
      'the-secret',
      'rt-1',
    );
    assert.equal(outcome.rotatedRefreshToken, undefined);
    assert.equal(outcome.record.scope, 'api:read api:write', 'the granted scope wins');
    assert.equal(outcome.record.expiresAt, NOW + 15 * 60_000, 'no expires_in: 15 minutes assumed');
    assert.equal(seen[0]?.body.get('client_secret'), 'the-secret');
    assert.equal(seen[0]?.body.get('client_id'), 'client-1');
    assert.equal(seen[0]?.headers.authorization, undefined);
  });

  test('invalid_grant (HTTP 400) means sign in again, naming the endpoint', async () => {
    answer('/token', 400, { error: 'invalid_grant', error_description: 'grant revoked' });
    const error = await refreshError(mock.client.refresh(mockAccount(), 's', 'rt'));
    assert.equal(error.code, 'sign_in_required');
    assert.equal(error.oauthError, 'invalid_grant');
    assert.match(error.message, /as\.tokentray\.test no longer accepts/);
    assert.match(error.message, /grant revoked/);
  });

  test('GitHub-style: an error with HTTP 200 reads as the error it is', async () => {
    answer('/token', 200, { error: 'bad_refresh_token', error_description: 'expired' });
    const error = await refreshError(mock.client.refresh(mockAccount(), 's', 'rt'));
    assert.equal(error.code, 'sign_in_required');
    assert.equal(error.oauthError, 'bad_refresh_token');
  });

  test('invalid_client and unauthorized_client are configuration errors that say what to check', async () => {
    for (const code of ['invalid_client', 'unauthorized_client']) {
      answer('/token', 400, { error: code });
      const error = await refreshError(mock.client.refresh(mockAccount(), 's', 'rt'));
      assert.equal(error.code, 'invalid_client', code);
      assert.match(error.hint ?? '', /client secret/, code);
    }
    answer('/token', 400, { error: 'invalid_scope' });
    const scope = await refreshError(mock.client.refresh(mockAccount(), 's', 'rt'));
    assert.equal(scope.code, 'invalid_client');
    assert.match(scope.hint ?? '', /scopes/);
  });

  test('401 with a WWW-Authenticate challenge: the client credentials were refused', async () => {
    answer('/token', 401, '', { 'www-authenticate': 'Basic realm="token"' });
    const error = await refreshError(mock.client.refresh(mockAccount(), 's', 'rt'));
    assert.equal(error.code, 'invalid_client');
    assert.match(error.message, /refused the client's credentials \(HTTP 401\)/);
  });

  test('503 with Retry-After, 429, and a JSON server_error are transient, with the delay asked for', async () => {
    answer(
      '/token',
      503,
      { error: 'temporarily_unavailable' },
      { ...json.headers, 'retry-after': '7' },
    );
    const unavailable = await refreshError(mock.client.refresh(mockAccount(), 's', 'rt'));
    assert.equal(unavailable.code, 'transient');
    assert.equal(unavailable.retryAfterMs, 7_000);
    assert.match(unavailable.hint ?? '', /retry after 7 s/);

    answer('/token', 429, 'slow down', { 'content-type': 'text/plain', 'retry-after': '2' });
    const limited = await refreshError(mock.client.refresh(mockAccount(), 's', 'rt'));
    assert.equal(limited.code, 'transient');
    assert.match(limited.message, /rate-limiting requests: it answered HTTP 429/);
    assert.equal(limited.retryAfterMs, 2_000);

    answer('/token', 400, { error: 'server_error' });
    assert.equal(
      (await refreshError(mock.client.refresh(mockAccount(), 's', 'rt'))).code,
      'transient',
    );
  });

  test('a connection that fails is transient and says why; nothing about the request leaks', async () => {
    mock.pool
      .intercept({ path: '/token', method: 'POST' })
      .replyWithError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    const error = await refreshError(mock.client.refresh(mockAccount(), 'the-secret', 'rt-secret'));
    assert.equal(error.code, 'transient');
    assert.match(error.message, /^Could not reach the token endpoint at as\.tokentray\.test: /);
    assert.doesNotMatch(`${error.message} ${error.hint ?? ''}`, /the-secret|rt-secret/);
  });

  test('bodies that are not token responses are bad responses, never kept', async () => {
    const cases: [unknown, Record<string, string>, RegExp][] = [
      ['<html>login</html>', { 'content-type': 'text/html' }, /not JSON/],
      [{ token_type: 'Bearer' }, json.headers, /no access_token/],
      [{ access_token: 'a', token_type: 'Bearer', expires_in: -5 }, json.headers, /expires_in/],
      [{ access_token: 'a', expires_in: 60 }, json.headers, /token_type/],
    ];
    for (const [body, headers, says] of cases) {
      answer('/token', 200, body, headers);
      const error = await refreshError(mock.client.refresh(mockAccount(), 's', 'rt'));
      assert.equal(error.code, 'bad_response', String(says));
      assert.match(error.message, says);
    }
  });

  test('client credentials (RFC 6749 §4.4) asks for the account scopes and has no refresh token', async () => {
    const seen = answer('/token', 200, {
      access_token: 'm2m',
      token_type: 'Bearer',
      expires_in: 60,
    });
    const outcome = await mock.client.clientCredentials(mockAccount(), 'the-secret');
    assert.equal(seen[0]?.body.get('grant_type'), 'client_credentials');
    assert.equal(seen[0]?.body.get('scope'), 'api:read');
    assert.equal(outcome.rotatedRefreshToken, undefined);
    assert.equal(outcome.record.expiresAt, NOW + 60_000);
  });

  test('a confidential account with no stored secret is refused before anything is sent', async () => {
    const error = await refreshError(mock.client.refresh(mockAccount(), undefined, 'rt'));
    assert.equal(error.code, 'invalid_input');
    assert.match(error.hint ?? '', /TOKENTRAY_CLIENT_SECRET/);
  });

  test('revocation (RFC 7009 §2.1) sends the token with its hint; a 503 is transient', async () => {
    const seen = answer('/revoke', 200, '');
    await mock.client.revoke(mockAccount(), 's', 'rt-1', 'refresh_token');
    assert.equal(seen[0]?.body.get('token'), 'rt-1');
    assert.equal(seen[0]?.body.get('token_type_hint'), 'refresh_token');
    answer('/revoke', 503, '', { 'content-type': 'text/plain' });
    const error = await refreshError(
      mock.client.revoke(mockAccount(), 's', 'rt-1', 'refresh_token'),
    );
    assert.equal(error.code, 'transient');
    await mock.client.revoke(
      mockAccount({ revocationEndpoint: undefined }),
      's',
      'rt',
      'refresh_token',
    );
    mock.done();
  });

  test('discovery whose issuer does not match the one asked for is refused (RFC 8414 §3.3)', async () => {
    mock.pool
      .intercept({ path: '/.well-known/openid-configuration', method: 'GET' })
      .reply(
        200,
        JSON.stringify({ issuer: 'https://elsewhere.test', token_endpoint: `${AS_ORIGIN}/token` }),
        json,
      );
    await assert.rejects(mock.client.discover(AS_ORIGIN), {
      code: 'discovery_failed',
      message: /no valid OpenID or OAuth metadata/,
    });
    mock.pool
      .intercept({ path: '/.well-known/openid-configuration', method: 'GET' })
      .reply(503, 'down', { headers: { 'content-type': 'text/plain' } });
    await assert.rejects(mock.client.discover(AS_ORIGIN), { code: 'transient' });
  });
});
