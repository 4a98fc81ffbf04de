import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freshHome, spawnedTokentray } from '../support/cli-runner.js';
import { keychainOf, testService } from '../support/keychain-inspect.js';
import { startLocalProvider, type LocalProvider } from '../support/local-provider.js';
import { pastedAdd } from '../support/pasted-add.js';

const SERVICE = testService(import.meta.url);
const { vault } = keychainOf(SERVICE);
/** A real `tokentray` process on this file's keychain service: the fast path is part of the rule. */
const run = spawnedTokentray(SERVICE);

// What `tokentray token` does without --min-ttl, against the real oidc-provider, each command in
// a new process: a default never makes it fail, and a still-valid token beats an error.
describe('tokentray token without --min-ttl', () => {
  const add = async (provider: LocalProvider, home: string, name: string) => {
    const { args, env } = await pastedAdd(provider, name);
    return run(args, home, env);
  };

  describe('a provider of 40-second tokens', () => {
    let provider: LocalProvider;
    let home: string;
    before(async () => {
      provider = await startLocalProvider({ accessTokenTtlSeconds: 40 });
      home = await freshHome();
      assert.equal((await add(provider, home, 'short')).code, 0);
    });
    after(() => provider.close());

    test('prints the cached token, refreshing nothing, call after call', async () => {
      provider.resetCounts();
      const first = await run(['token', 'short'], home);
      const second = await run(['token', 'short'], home);
      assert.equal(first.code, 0, first.stderr);
      assert.equal(second.code, 0, second.stderr);
      assert.equal(first.stdout, second.stdout);
      assert.equal(provider.counts().total, 0);
    });

    test('an explicit --min-ttl it cannot meet exits 2 and gives the lifetime', async () => {
      const result = await run(['token', 'short', '--min-ttl', '60'], home);
      assert.equal(result.code, 2, result.stderr);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, /live 40 s, less than the 60 s asked for/);
    });
  });

  describe('a token endpoint that is down', () => {
    let provider: LocalProvider;
    let home: string;
    let token: string;
    before(async () => {
      provider = await startLocalProvider();
      home = await freshHome();
      assert.equal((await add(provider, home, 'down')).code, 0);
      const record = await vault.getAccessToken('down');
      assert.ok(record);
      token = record.accessToken;
      // An hour's token with 30 s left: the default asks for a minute, so it wants a refresh.
      await vault.setAccessToken('down', {
        ...record,
        issuedAt: Date.now() - 3_570_000,
        expiresAt: Date.now() + 30_000,
      });
      await provider.close();
    });
    after(() => run(['remove', 'down', '--no-revoke'], home));

    test('prints the still-valid token and warns on stderr (exit 0)', async () => {
      const result = await run(['token', 'down'], home);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, `${token}\n`);
      assert.match(
        result.stderr,
        /warning: Could not reach the token endpoint at 127\.0\.0\.1:\d+/,
      );
      assert.match(result.stderr, /still valid for \d+ s/);
    });

    test('with an explicit --min-ttl it cannot meet, exits 5 and prints nothing', async () => {
      const result = await run(['token', 'down', '--min-ttl', '60'], home);
      assert.equal(result.code, 5, result.stderr);
      assert.equal(result.stdout, '');
    });
  });

  describe('a provider whose refresh ends the previous access token', () => {
    let provider: LocalProvider;
    let home: string;
    before(async () => {
      provider = await startLocalProvider();
      home = await freshHome();
      assert.equal((await add(provider, home, 'gh')).code, 0);
      // The local provider stands in for GitHub: what differs is what the preset says of it.
      const file = join(home, 'config.json');
      const data = JSON.parse(await readFile(file, 'utf8')) as {
        accounts: Record<string, { provider?: string }>;
      };
      (data.accounts.gh as { provider?: string }).provider = 'github';
      await writeFile(file, JSON.stringify(data));
    });
    after(async () => {
      await run(['remove', 'gh', '--no-revoke'], home);
      await provider.close();
    });

    test('`refresh` says the tokens handed out before no longer work', async () => {
      const result = await run(['refresh', 'gh'], home);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stderr, /Tokens handed out before this refresh no longer work/);
    });
  });
});
