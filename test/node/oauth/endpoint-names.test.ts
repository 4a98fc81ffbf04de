import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { describe, test } from 'node:test';
import type { Account } from '../../../main/common/account.js';
import { isTokenTrayError } from '../../../main/common/errors.js';
import { TokenClient } from '../../../main/node/oauth/token-client.js';
import { listenOnLoopback } from '../../support/loopback.js';

/** A loopback port that refuses connections: one we listened on and closed again. */
async function closedPort(): Promise<string> {
  const server = createServer();
  const url = await listenOnLoopback(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return url;
}

// Messages name the endpoint that was really involved, in the case the sentence needs.
describe('endpoint names in error messages', () => {
  test('a revocation endpoint that is down is called the revocation endpoint, mid-sentence', async () => {
    const origin = await closedPort();
    const account: Account = {
      name: 'names',
      label: 'names',
      tokenEndpoint: `${origin}/token`,
      revocationEndpoint: `${origin}/revoke`,
      clientId: 'c',
      clientAuth: 'none',
      scopes: [],
      createdAt: new Date().toISOString(),
    };
    const client = new TokenClient();
    await assert.rejects(client.revoke(account, undefined, 'rt', 'refresh_token'), (err) => {
      assert.ok(isTokenTrayError(err, 'transient'), String(err));
      assert.match(err.message, /^Could not reach the revocation endpoint at 127\.0\.0\.1:\d+: /);
      return true;
    });
    await assert.rejects(client.refresh(account, undefined, 'rt'), (err) => {
      assert.ok(isTokenTrayError(err, 'transient'), String(err));
      assert.match(err.message, /^Could not reach the token endpoint at 127\.0\.0\.1:\d+: /);
      return true;
    });
    await assert.rejects(client.discover(origin), (err) => {
      assert.ok(isTokenTrayError(err, 'transient'), String(err));
      assert.match(err.message, /^Could not reach the discovery document at 127\.0\.0\.1:\d+: /);
      return true;
    });
  });
});
