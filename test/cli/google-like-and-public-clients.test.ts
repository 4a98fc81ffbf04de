import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freshHome, inProcessTokentray } from '../support/cli-runner.js';
import { keychainOf, testService } from '../support/keychain-inspect.js';
import { startLocalProvider, type LocalProvider } from '../support/local-provider.js';
import { pastedAdd } from '../support/pasted-add.js';

const SERVICE = testService(import.meta.url);
const { vault } = keychainOf(SERVICE);
const tokentray = inProcessTokentray(SERVICE);

// A client configured the way Google's token endpoint behaves (client_secret_post, refresh tokens
// that do not rotate), found by OpenID discovery; and a public client with no secret at all.
describe('other client kinds', () => {
  let provider: LocalProvider;
  let home: string;

  before(async () => {
    provider = await startLocalProvider();
    home = await freshHome();
  });
  after(() => provider.close());

  test('a Google-style client: discovery, client_secret_post, and a refresh token that stays the same', async () => {
    const { args, env } = await pastedAdd(provider, 'google', {
      client: 'googleLike',
      discovery: true,
      scope: 'openid offline_access email',
    });
    const rt = env.TOKENTRAY_REFRESH_TOKEN;
    provider.resetCounts();
    const added = await tokentray(args, home, env);
    assert.equal(added.code, 0, added.stderr);
    const settings = JSON.parse(await readFile(join(home, 'config.json'), 'utf8')) as {
      accounts: Record<string, { tokenEndpoint: string; issuer: string; clientAuth: string }>;
    };
    assert.equal(
      settings.accounts.google?.tokenEndpoint,
      provider.tokenEndpoint,
      'the token endpoint came from discovery',
    );
    assert.equal(settings.accounts.google?.issuer, provider.issuer);
    assert.equal(settings.accounts.google?.clientAuth, 'client_secret_post');

    const first = (await tokentray(['token', 'google'], home)).stdout;
    assert.equal((await tokentray(['refresh', 'google'], home)).code, 0);
    assert.equal((await tokentray(['refresh', 'google'], home)).code, 0);
    assert.notEqual((await tokentray(['token', 'google'], home)).stdout, first);
    assert.equal(
      await vault.get('google', 'refresh_token'),
      rt,
      'a non-rotating server keeps the same refresh token',
    );
    assert.deepEqual(provider.counts(), { success: 3, error: 0, total: 3 });
  });

  test('rejected client credentials are a configuration error that says what to check', async () => {
    const { clientId } = provider.clients.googleLike;
    const result = await tokentray(
      [
        'add',
        'google-wrong',
        '--issuer',
        provider.issuer,
        '--client-id',
        clientId,
        '--auth-method',
        'client_secret_post',
      ],
      home,
      {
        TOKENTRAY_CLIENT_SECRET: 'not-the-right-secret',
        TOKENTRAY_REFRESH_TOKEN: await provider.mintRefreshToken(clientId),
      },
    );
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /client secret/);
    assert.match(result.stderr, /--auth-method/);
    assert.equal((await tokentray(['token', 'google-wrong'], home)).code, 3, 'nothing was kept');
  });

  test('a public client with no secret refreshes and rotates', async () => {
    const { clientId } = provider.clients.publicClient;
    const rt = await provider.mintRefreshToken(clientId);
    const added = await tokentray(
      [
        'add',
        'cli-app',
        '--token-endpoint',
        provider.tokenEndpoint,
        '--client-id',
        clientId,
        '--auth-method',
        'none',
      ],
      home,
      {
        TOKENTRAY_REFRESH_TOKEN: rt,
      },
    );
    assert.equal(added.code, 0, added.stderr);
    assert.equal(await vault.get('cli-app', 'client_secret'), undefined);
    assert.notEqual(await vault.get('cli-app', 'refresh_token'), rt);
    assert.equal((await tokentray(['refresh', 'cli-app'], home)).code, 0);
  });

  test('an issuer without usable discovery metadata fails clearly', async () => {
    const result = await tokentray(
      ['add', 'nodisc', '--issuer', `${provider.issuer}/not-an-issuer`, '--client-id', 'x'],
      home,
      { TOKENTRAY_REFRESH_TOKEN: 'r-123456' },
    );
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /Discovery at .* failed/);
    assert.match(result.stderr, /--token-endpoint/);
  });
});
