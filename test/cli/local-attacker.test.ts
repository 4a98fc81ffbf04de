import assert from 'node:assert/strict';
import { chmod, chown, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { tokentray as spawnTokentray } from '../support/cli-runner.js';
import { keychainOf, testService } from '../support/keychain-inspect.js';
import { startLocalProvider, type LocalProvider } from '../support/local-provider.js';
import {
  asNobody,
  canBecomeNobody,
  sharedTempDir,
  startCapturingServer,
  type Capture,
} from '../support/other-user.js';

// Real processes (kill -9, another user), on this file's own keychain service.
const SERVICE = testService(import.meta.url);
const { vault, entries: keychainEntries, expireCachedToken } = keychainOf(SERVICE);
const withService = (env: NodeJS.ProcessEnv = {}) => ({
  TOKENTRAY_KEYCHAIN_SERVICE: SERVICE,
  ...env,
});
const tokentray = (args: string[], home: string, env?: NodeJS.ProcessEnv) =>
  spawnTokentray(args, home, withService(env));

const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

// Finding 1 of the security audit, mounted as another local user would mount it: the data folder
// decides where secrets go, so TokenTray keeps it private and refuses one others can change, and
// even a config.json rewritten to name an attacker's token endpoint never gets a secret sent there.
describe(
  'another local user and the data folder',
  { skip: !canBecomeNobody && 'needs root to act as nobody' },
  () => {
    let provider: LocalProvider;
    let attacker: Capture;
    let base: string;
    const secrets: string[] = [];

    before(async () => {
      provider = await startLocalProvider();
      attacker = await startCapturingServer();
      base = await sharedTempDir();
      secrets.push(provider.clients.rotating.clientSecret);
    });
    after(async () => {
      await attacker.close();
      await provider.close();
      await rm(base, { recursive: true, force: true });
    });

    const add = async (name: string, home: string) => {
      const rt = await provider.mintRefreshToken(provider.clients.rotating.clientId);
      secrets.push(rt);
      return tokentray(
        [
          'add',
          name,
          '--token-endpoint',
          provider.tokenEndpoint,
          '--revocation-endpoint',
          provider.revocationEndpoint,
          '--client-id',
          provider.clients.rotating.clientId,
        ],
        home,
        {
          TOKENTRAY_CLIENT_SECRET: provider.clients.rotating.clientSecret,
          TOKENTRAY_REFRESH_TOKEN: rt,
        },
      );
    };

    /** Nothing the attacker's server was sent may hold a secret: here, it must have been sent nothing. */
    const assertAttackerGotNothing = () => {
      const seen = JSON.stringify(attacker.requests);
      for (const secret of secrets)
        assert.ok(!seen.includes(secret), 'a secret reached the attacker');
      assert.equal(attacker.requests.length, 0, 'no request at all reached the attacker');
    };

    test('the CLI creates the data folder 0700 and config.json 0600, even under umask 000', async () => {
      const home = join(base, 'umask0', 'TokenTray');
      const before = process.umask(0o000);
      try {
        const result = await add('work', home);
        assert.equal(result.code, 0, result.stderr);
      } finally {
        process.umask(before);
      }
      assert.equal(await modeOf(home), 0o700);
      assert.equal(await modeOf(join(home, 'config.json')), 0o600);
      for (const sub of ['locks', 'journal', 'state'])
        assert.equal(await modeOf(join(home, sub)), 0o700, sub);
      await tokentray(['remove', 'work', '--no-revoke'], home);
    });

    test('a state/ folder another user owns (the token ledger) is refused, and nothing is sent', async () => {
      const home = join(base, 'ledger', 'TokenTray');
      assert.equal((await add('work', home)).code, 0);
      await expireCachedToken('work');
      const state = join(home, 'state');
      await chown(state, 65534, 65534);
      await chmod(state, 0o777);
      provider.resetCounts();
      const result = await tokentray(['refresh', 'work'], home);
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stderr, /state belongs to another user/);
      assert.equal(provider.counts().total, 0, 'the refresh token was not sent');
      await chown(state, 0, 0);
      await chmod(state, 0o700);
      const removed = await tokentray(['remove', 'work', '--no-revoke'], home);
      assert.equal(removed.code, 0, removed.stderr);
    });

    test('a TOKENTRAY_HOME another user created first is refused before anything is sent', async () => {
      const home = join(base, 'squatted');
      await asNobody(`mkdir -m 0777 ${home}`);
      provider.resetCounts();
      const entriesBefore = (await keychainEntries()).length;
      const result = await add('victim', home);
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stderr, /belongs to another user/);
      assert.match(result.stderr, /TOKENTRAY_HOME/, 'says what to do next');
      assert.equal(provider.counts().total, 0, 'the pasted token was not spent');
      assert.equal((await keychainEntries()).length, entriesBefore, 'nothing was stored');
      await assert.rejects(stat(join(home, 'config.json')), 'no settings were written there');
    });

    test('a config.json swapped by another user to name their token endpoint never gets a secret', async () => {
      // The victim's folder, writable by everyone as an older version under umask 000 left it.
      const home = join(base, 'victim', 'TokenTray');
      assert.equal((await add('work', home)).code, 0);
      await chmod(join(home, '..'), 0o755);
      await chmod(home, 0o777);
      const config = join(home, 'config.json');
      const original = await readFile(config, 'utf8');
      await expireCachedToken('work');

      // The attacker replaces config.json (a rename in a folder they may write) with one whose
      // endpoints are theirs, keeping everything else.
      const evil = original
        .replaceAll(provider.tokenEndpoint, `${attacker.url}/token`)
        .replaceAll(provider.revocationEndpoint, `${attacker.url}/revoke`);
      const staged = join(home, '.evil');
      await writeFile(staged, evil);
      await chmod(staged, 0o644);
      await chown(staged, 65534, 65534);
      await asNobody(`mv -f ${staged} ${config}`);
      assert.equal((await stat(config)).uid, 65534, 'the attacker now owns config.json');

      // 1. The folder is writable by others: refused, whatever the command.
      for (const args of [['refresh', 'work'], ['token', 'work'], ['list']]) {
        const result = await tokentray(args, home);
        assert.equal(result.code, 1, `${args.join(' ')}: ${result.stderr}`);
        assert.match(result.stderr, /can be written by any user/);
      }
      // 2. The user makes the folder private again, but config.json is still the attacker's.
      await chmod(home, 0o700);
      const owned = await tokentray(['refresh', 'work'], home);
      assert.equal(owned.code, 1, owned.stderr);
      assert.match(owned.stderr, /config\.json belongs to another user/);
      // 3. Even a config.json the user took back without reading it sends nothing to the new place.
      await chown(config, 0, 0);
      const bound = await tokentray(['refresh', 'work'], home);
      assert.equal(bound.code, 1, bound.stderr);
      assert.match(bound.stderr, /stored for another token endpoint/);
      assert.match(bound.stderr, /remove the account and add it again/);
      const token = await tokentray(['token', 'work'], home);
      assert.notEqual(token.code, 0, 'no token from the attacker is handed out either');
      assertAttackerGotNothing();

      // Nothing was lost: with the real config.json back, the same refresh token still works.
      await writeFile(config, original);
      const restored = await tokentray(['refresh', 'work'], home);
      assert.equal(restored.code, 0, restored.stderr);
      assert.ok((await vault.get('work', 'refresh_token')) !== undefined);

      // And removal, with the attacker's revocation endpoint, sends them nothing either.
      await writeFile(config, evil);
      const removed = await tokentray(['remove', 'work'], home);
      assert.equal(removed.code, 0, removed.stderr);
      assert.match(removed.stderr, /could not be told to revoke/);
      assertAttackerGotNothing();
    });
  },
);
