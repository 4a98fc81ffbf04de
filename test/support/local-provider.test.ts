// The test server must behave like a real provider, or tests built on it prove nothing. These
// drive it with oauth4webapi, the certified client library, exactly as a client would.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as oauth from 'oauth4webapi';
import { startLocalProvider } from './local-provider.js';
import type { LocalProvider } from './local-provider.js';

const insecure = { [oauth.allowInsecureRequests]: true } as const;

describe('local-provider', () => {
  let provider: LocalProvider;
  let as: oauth.AuthorizationServer;

  before(async () => {
    provider = await startLocalProvider();
    const issuer = new URL(provider.issuer);
    as = await oauth.processDiscoveryResponse(
      issuer,
      await oauth.discoveryRequest(issuer, insecure),
    );
  });
  after(() => provider.close());

  type ClientName = keyof LocalProvider['clients'];

  function credentials(name: ClientName): { client: oauth.Client; auth: oauth.ClientAuth } {
    switch (name) {
      case 'rotating':
        return {
          client: { client_id: provider.clients.rotating.clientId },
          auth: oauth.ClientSecretBasic(provider.clients.rotating.clientSecret),
        };
      case 'googleLike':
        return {
          client: { client_id: provider.clients.googleLike.clientId },
          auth: oauth.ClientSecretPost(provider.clients.googleLike.clientSecret),
        };
      case 'publicClient':
        return {
          client: { client_id: provider.clients.publicClient.clientId },
          auth: oauth.None(),
        };
    }
  }

  async function refresh(
    name: ClientName,
    refreshToken: string,
  ): Promise<oauth.TokenEndpointResponse> {
    const { client, auth } = credentials(name);
    const response = await oauth.refreshTokenGrantRequest(as, client, auth, refreshToken, insecure);
    return oauth.processRefreshTokenResponse(as, client, response);
  }

  function isOAuthError(code: string) {
    return (err: unknown): boolean => {
      assert.ok(
        err instanceof oauth.ResponseBodyError,
        `expected an OAuth error response, got ${String(err)}`,
      );
      assert.equal(err.error, code);
      return true;
    };
  }

  test('discovery advertises the endpoints the harness reports', () => {
    assert.equal(as.token_endpoint, provider.tokenEndpoint);
    assert.equal(as.revocation_endpoint, provider.revocationEndpoint);
    assert.equal(as.introspection_endpoint, provider.introspectionEndpoint);
  });

  test('(a) a minted refresh token for "rotating" refreshes and comes back rotated', async () => {
    const minted = await provider.mintRefreshToken(provider.clients.rotating.clientId);
    const tokens = await refresh('rotating', minted);
    assert.equal(tokens.token_type, 'bearer');
    assert.ok(tokens.access_token);
    assert.equal(tokens.expires_in, 3600);
    assert.ok(tokens.refresh_token);
    assert.notEqual(tokens.refresh_token, minted);
  });

  test('(b) reusing a spent refresh token fails and revokes the whole grant', async () => {
    const spent = await provider.mintRefreshToken(provider.clients.rotating.clientId);
    const rotated = (await refresh('rotating', spent)).refresh_token;
    assert.ok(rotated);

    await assert.rejects(refresh('rotating', spent), isOAuthError('invalid_grant'));
    // Reuse is treated as theft: the legitimate holder of the new token is cut off too.
    await assert.rejects(refresh('rotating', rotated), isOAuthError('invalid_grant'));
  });

  test('(c) "googleLike" authenticates with client_secret_post and does not rotate', async () => {
    const minted = await provider.mintRefreshToken(provider.clients.googleLike.clientId);
    const first = await refresh('googleLike', minted);
    assert.equal(first.refresh_token, minted);
    const second = await refresh('googleLike', minted);
    assert.equal(second.refresh_token, minted);
    assert.notEqual(second.access_token, first.access_token);
  });

  test('"publicClient" refreshes without a secret and rotates', async () => {
    const minted = await provider.mintRefreshToken(provider.clients.publicClient.clientId);
    const tokens = await refresh('publicClient', minted);
    assert.ok(tokens.refresh_token);
    assert.notEqual(tokens.refresh_token, minted);
  });

  test('(d) counts() counts every token request, failures included', async () => {
    provider.resetCounts();
    assert.deepEqual(provider.counts(), { success: 0, error: 0, total: 0 });

    const minted = await provider.mintRefreshToken(provider.clients.rotating.clientId);
    await refresh('rotating', minted);
    await assert.rejects(
      refresh('rotating', 'no-such-refresh-token'),
      isOAuthError('invalid_grant'),
    );
    const wrongSecret = oauth.ClientSecretBasic('not-the-secret');
    const client = { client_id: provider.clients.rotating.clientId };
    const response = await oauth.refreshTokenGrantRequest(
      as,
      client,
      wrongSecret,
      minted,
      insecure,
    );
    await assert.rejects(
      oauth.processRefreshTokenResponse(as, client, response),
      (err: unknown) => {
        // A failed client_secret_basic gets 401 with a WWW-Authenticate challenge (RFC 6749 §5.2),
        // which oauth4webapi reports as a challenge rather than a body error.
        assert.ok(err instanceof oauth.WWWAuthenticateChallengeError);
        assert.equal(err.status, 401);
        assert.equal(err.cause[0]?.parameters.error, 'invalid_client');
        return true;
      },
    );
    // Not form-encoded at all: rejected before any grant logic runs, and still counted.
    await fetch(provider.tokenEndpoint, {
      method: 'POST',
      body: 'garbage',
      headers: { 'content-type': 'text/plain' },
    });

    assert.deepEqual(provider.counts(), { success: 1, error: 3, total: 4 });
  });

  test('(e) revokeGrantOf makes refresh fail with invalid_grant', async () => {
    const minted = await provider.mintRefreshToken(provider.clients.rotating.clientId);
    const rotated = (await refresh('rotating', minted)).refresh_token;
    assert.ok(rotated);

    await provider.revokeGrantOf(rotated);
    await assert.rejects(refresh('rotating', rotated), isOAuthError('invalid_grant'));
  });
});
