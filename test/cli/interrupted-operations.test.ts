import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freshHome, tokentray as spawnTokentray } from '../support/cli-runner.js';
import {
  holdLock,
  startStallingRevocation,
  startTokentray as startSpawned,
} from '../support/crash-helpers.js';
import { isActive } from '../support/introspect.js';
import { waitFor } from '../support/wait-for.js';
import { keychainOf, testService } from '../support/keychain-inspect.js';
import { startLocalProvider, type LocalProvider } from '../support/local-provider.js';
import { pastedAdd } from '../support/pasted-add.js';

// Real processes (kill -9, another user), on this file's own keychain service.
const SERVICE = testService(import.meta.url);
const { vault, entries: keychainEntries } = keychainOf(SERVICE);
const withService = (env: NodeJS.ProcessEnv = {}) => ({
  TOKENTRAY_KEYCHAIN_SERVICE: SERVICE,
  ...env,
});
const tokentray = (args: string[], home: string, env?: NodeJS.ProcessEnv) =>
  spawnTokentray(args, home, withService(env));
const startTokentray = (args: string[], home: string, env?: NodeJS.ProcessEnv) =>
  startSpawned(args, home, withService(env));

// Reliability findings 1-3 of the audit, with real kill -9s of real processes: a killed lock
// holder, an add killed after it spent the pasted token, a remove killed after the provider
// revoked. Each time, nothing is half-present, the rotated refresh token is never lost, and a
// revoked token is never handed out.
describe('kill -9 in the middle of add and remove', () => {
  let provider: LocalProvider;
  let home: string;

  before(async () => {
    provider = await startLocalProvider();
    home = await freshHome();
  });
  after(() => provider.close());

  const accountsInSettings = async () =>
    Object.keys(
      (JSON.parse(await readFile(join(home, 'config.json'), 'utf8')) as { accounts: object })
        .accounts,
    );
  const entriesOf = async (name: string) =>
    (await keychainEntries()).filter((e) => e.account.startsWith(`${name}/`)).map((e) => e.account);

  test('a killed process’s settings lock is taken over at once, and add spends the pasted token once', async () => {
    const holder = await holdLock(home, 'settings');
    holder.child.kill('SIGKILL');
    await holder.exited;
    provider.resetCounts();
    const started = Date.now();
    const first = await pastedAdd(provider, 'first');
    const result = await tokentray(first.args, home, first.env);
    const waited = Date.now() - started;
    assert.equal(result.code, 0, result.stderr);
    // A dead holder's lock that was not seen as dead would be taken over only once stale, after
    // 20 s (file-lock.ts): half of that tells the two apart even on a loaded machine, where an
    // add alone has taken 5 s.
    assert.ok(waited < 10_000, `add took ${waited} ms behind a dead holder's lock`);
    assert.equal(provider.counts().total, 1);
  });

  test('an add killed after spending the pasted token keeps its successor, and the next list finishes it', async () => {
    // A live process holds the settings lock, so the add stops right after keeping the new
    // refresh token in the keychain, and is killed there.
    const holder = await holdLock(home, 'settings');
    provider.resetCounts();
    const late = await pastedAdd(provider, 'late');
    const add = startTokentray(late.args, home, late.env);
    await waitFor(
      'the add to keep the new refresh token',
      async () => (await vault.get('late', 'refresh_token')) !== undefined,
      { timeoutMs: 30_000, intervalMs: 20 },
    );
    add.child.kill('SIGKILL');
    assert.equal((await add.exited).signal, 'SIGKILL');
    assert.equal(provider.counts().total, 1, 'the pasted token was spent');
    assert.ok(!(await accountsInSettings()).includes('late'), 'not an account yet');
    holder.child.kill('SIGKILL');
    await holder.exited;

    const list = await tokentray(['list', '--json'], home);
    assert.equal(list.code, 0, list.stderr);
    assert.ok((JSON.parse(list.stdout) as Array<{ name: string }>).some((a) => a.name === 'late'));
    // The successor it kept is the live one: a forced refresh with it works.
    const refresh = await tokentray(['refresh', 'late'], home);
    assert.equal(refresh.code, 0, refresh.stderr);
    await assert.rejects(stat(join(home, 'journal', 'late.json')), 'the intent is gone');
  });

  test('a remove killed after the provider revoked never hands out the revoked token', async () => {
    const stalling = await startStallingRevocation(provider.revocationEndpoint);
    try {
      const gone = await pastedAdd(provider, 'gone', {
        extra: ['--revocation-endpoint', stalling.url],
      });
      const added = await tokentray(gone.args, home, gone.env);
      assert.equal(added.code, 0, added.stderr);
      const token = (await tokentray(['token', 'gone'], home)).stdout.trim();
      assert.ok(await isActive(provider, token));

      const remove = startTokentray(['remove', 'gone'], home);
      await stalling.forwardedAtLeast(1);
      remove.child.kill('SIGKILL');
      await remove.exited;
      assert.equal(await isActive(provider, token), false, 'the provider revoked the grant');
      assert.ok((await entriesOf('gone')).length > 0, 'the cached token is still in the keychain');

      for (const format of ['raw', 'json']) {
        const again = await tokentray(['token', 'gone', '--format', format], home);
        assert.equal(again.code, 3, again.stderr);
        assert.equal(again.stdout, '', 'no token printed');
        assert.match(again.stderr, /is being removed/);
        assert.match(again.stderr, /tokentray remove gone/);
      }
      const finish = await tokentray(['remove', 'gone', '--no-revoke'], home);
      assert.equal(finish.code, 0, finish.stderr);
      assert.deepEqual(await entriesOf('gone'), []);
      assert.ok(!(await accountsInSettings()).includes('gone'));
    } finally {
      await stalling.close();
    }
  });

  test('remove of a name with only keychain entries deletes them; of an unknown name, exit 3', async () => {
    await vault.set('ghost', 'refresh_token', 'left-behind-refresh-token');
    await vault.set('ghost', 'client_secret', 'left-behind-client-secret');
    const removed = await tokentray(['remove', 'ghost'], home);
    assert.equal(removed.code, 0, removed.stderr);
    assert.match(removed.stderr, /interrupted add/);
    assert.deepEqual(await entriesOf('ghost'), []);
    const unknown = await tokentray(['remove', 'ghost'], home);
    assert.equal(unknown.code, 3, unknown.stderr);
  });

  test('no keychain probe entry is left behind', async () => {
    assert.deepEqual(await entriesOf('probe'), []);
  });
});
