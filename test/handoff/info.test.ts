import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { inProcessTokentray } from '../support/cli-runner.js';
import { startHandoffFixture, type HandoffFixture } from '../support/handoff-fixture.js';
import { testService } from '../support/keychain-inspect.js';

// `tokentray info`, run in-process (inProcessTokentray) on the fixture's folder and keychain.
describe('tokentray info', { timeout: 120_000 }, () => {
  let f: HandoffFixture;
  before(async () => {
    f = await startHandoffFixture(testService(import.meta.url));
    await f.addAccount('work', { scopes: ['openid', 'offline_access', 'profile'] });
    await f.addAccount('gh', { preset: 'github' });
  });
  after(() => f.close());

  const tokentray = inProcessTokentray(testService(import.meta.url));
  const info = (args: string[]) => tokentray(['info', ...args], f.home);

  /** Everything secret this account has: the access token, the refresh token, the client secret. */
  async function secretsOf(name: string): Promise<string[]> {
    const record = await f.keychain.vault.getAccessToken(name);
    const secrets = [
      record?.accessToken,
      await f.keychain.vault.get(name, 'refresh_token'),
      await f.keychain.vault.get(name, 'client_secret'),
    ].filter((s): s is string => s !== undefined);
    assert.ok(secrets.length >= 3, 'there are secrets to look for');
    return secrets;
  }

  test('--json parses, shows the account, the token’s expiry and scopes, and no secret', async () => {
    const r = await info(['work', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const parsed = JSON.parse(r.stdout) as {
      account: { name: string; tokenEndpoint: string; scopesRequested: string[] };
      status: string;
      token: { expiresAt: string; scopes: string[]; jwt: unknown };
      refreshToken: { lastUsedAt: string };
      warnings: string[];
    };
    assert.equal(parsed.account.name, 'work');
    assert.equal(parsed.account.tokenEndpoint, f.provider.tokenEndpoint);
    assert.equal(parsed.status, 'fresh');
    assert.ok(Date.parse(parsed.token.expiresAt) > Date.now());
    assert.ok(parsed.token.scopes.includes('profile'));
    assert.equal(parsed.token.jwt, null, 'oidc-provider’s opaque token has no claims to show');
    assert.ok(Date.parse(parsed.refreshToken.lastUsedAt) <= Date.now());
    for (const secret of await secretsOf('work')) assert.ok(!r.stdout.includes(secret));
    const plain = await info(['work']);
    assert.match(plain.stdout, /status: +fresh/);
    for (const secret of await secretsOf('work')) assert.ok(!plain.stdout.includes(secret));
  });

  test('a JWT access token shows its header and claims, never its signature or the token', async () => {
    // The server's token replaced by a JWT, as an Entra ID or Auth0 token would be.
    const { privateKey } = generateKeyPairSync('ed25519');
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const signingInput = `${b64({ alg: 'EdDSA', typ: 'at+jwt', kid: 'k1' })}.${b64({ sub: 'user-1', aud: 'api://x', scp: 'read write', exp: 2_000_000_000 })}`;
    const signature = sign(null, Buffer.from(signingInput), privateKey).toString('base64url');
    const jwt = `${signingInput}.${signature}`;
    const record = await f.keychain.vault.getAccessToken('work');
    assert.ok(record !== undefined);
    await f.keychain.vault.setAccessToken('work', { ...record, accessToken: jwt });
    const r = await info(['work', '--json']);
    const parsed = JSON.parse(r.stdout) as { token: { jwt: { header: object; payload: object } } };
    assert.deepEqual(parsed.token.jwt.header, { alg: 'EdDSA', typ: 'at+jwt', kid: 'k1' });
    assert.deepEqual(parsed.token.jwt.payload, {
      sub: 'user-1',
      aud: 'api://x',
      scp: 'read write',
      exp: 2_000_000_000,
    });
    for (const out of [r.stdout, (await info(['work'])).stdout]) {
      assert.ok(!out.includes(signature), 'no signature');
      assert.ok(!out.includes(signingInput), 'not the token, nor its signed part');
    }
    await f.keychain.vault.setAccessToken('work', record);
  });

  test('provider-policy warnings: a GitHub refresh kills the previous token', async () => {
    const parsed = JSON.parse((await info(['gh', '--json'])).stdout) as {
      warnings: string[];
      refreshToken: { rotation: string };
    };
    assert.ok(
      parsed.warnings.some((w) => /^GitHub.*: each refresh ends the previous access token/.test(w)),
      parsed.warnings.join('\n'),
    );
    assert.equal(parsed.refreshToken.rotation, 'rotates');
    for (const secret of await secretsOf('gh')) assert.ok(!JSON.stringify(parsed).includes(secret));
    const plain = JSON.parse((await info(['work', '--json'])).stdout) as { warnings: string[] };
    assert.deepEqual(plain.warnings, [], 'a custom provider has none');
  });

  test('the last rotation: none since sign-in, then the time of the refresh that rotated', async () => {
    type Rotation = { refreshToken: { rotation: string; rotatedAt: string | null } };
    const before = JSON.parse((await info(['work', '--json'])).stdout) as Rotation;
    assert.equal(before.refreshToken.rotatedAt, null);
    assert.equal(before.refreshToken.rotation, 'unknown', 'a custom provider, nothing seen yet');
    assert.match((await info(['work'])).stdout, /refresh: +rotation unknown; last used /);
    const askedAt = Date.now();
    const refreshed = await tokentray(['refresh', 'work'], f.home);
    assert.equal(refreshed.code, 0, refreshed.stderr);
    const after = JSON.parse((await info(['work', '--json'])).stdout) as Rotation;
    // The local server rotates: the rotation is seen, and dated by the refresh that made it.
    assert.equal(after.refreshToken.rotation, 'rotates');
    const rotatedAt = Date.parse(after.refreshToken.rotatedAt ?? '');
    assert.ok(
      rotatedAt >= askedAt && rotatedAt <= Date.now(),
      String(after.refreshToken.rotatedAt),
    );
    assert.match(
      (await info(['work'])).stdout,
      new RegExp(`refresh: +rotates; last rotated ${after.refreshToken.rotatedAt ?? ''}`),
    );
  });

  test('an unknown account exits 3', async () => {
    const r = await info(['nobody']);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /nobody/);
  });
});
