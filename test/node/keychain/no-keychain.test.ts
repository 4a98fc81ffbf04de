import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { SettingsData } from '../../../main/node/settings/settings-schema.js';
import { freshHome, tokentray, type CliResult } from '../../support/cli-runner.js';
import { filesContaining } from '../../support/secret-scan.js';

// The CLI on a machine with no D-Bus session, as on a headless server or in WSL: libsecret
// cannot reach any Secret Service. Two ways that happens: the bus address is set but empty, or
// it is unset and there is neither a bus socket in XDG_RUNTIME_DIR nor an X display to
// autolaunch one. Either way the keychain must fail loudly, and nothing may fall back to files.
const REFRESH_TOKEN = '1//0gNoKeychainRefreshToken-3f9a7c21e8';
// Should a keychain ever be reached by mistake, it is not the one other test files inspect.
const SERVICE = 'TokenTray-test-no-keychain';

let emptyRuntimeDir: string;

const withoutBus = {
  'empty bus address': (): NodeJS.ProcessEnv => ({
    DBUS_SESSION_BUS_ADDRESS: '',
    DISPLAY: '',
    WAYLAND_DISPLAY: '',
    XDG_RUNTIME_DIR: emptyRuntimeDir,
    TOKENTRAY_KEYCHAIN_SERVICE: SERVICE,
  }),
  // spawn() leaves out variables whose value is undefined: this one is unset in the child.
  'no bus address, nothing to autolaunch': (): NodeJS.ProcessEnv => ({
    DBUS_SESSION_BUS_ADDRESS: undefined,
    DISPLAY: '',
    WAYLAND_DISPLAY: '',
    XDG_RUNTIME_DIR: emptyRuntimeDir,
    TOKENTRAY_KEYCHAIN_SERVICE: SERVICE,
  }),
};

function assertClearKeychainFailure(result: CliResult): void {
  assert.equal(result.code, 1, `exit code\n${result.stderr}`);
  assert.match(result.stderr, /keychain is not reachable/i, result.stderr);
  assert.match(result.stderr, /D-Bus/, result.stderr);
  assert.match(result.stderr, /dbus-run-session|desktop session/, 'says what to do');
  assert.doesNotMatch(result.stderr, /^\s+at /m, 'no stack trace');
  assert.doesNotMatch(result.stderr, /Unexpected/, 'not reported as an internal error');
  assert.equal(result.stdout, '');
}

const settingsFile = (home: string) => join(home, 'config.json');

// D-Bus and libsecret are Linux's; macOS and Windows keychains have no such way to be absent.
describe('the CLI without a reachable keychain', { skip: process.platform !== 'linux' }, () => {
  // Inside the suite: a hook at the top of a file would run for every file sharing its process.
  before(async () => {
    emptyRuntimeDir = await mkdtemp(join(tmpdir(), 'tokentray-no-bus-'));
  });
  for (const [situation, env] of Object.entries(withoutBus)) {
    describe(situation, () => {
      it('add fails clearly, leaks no secret and keeps no account', async () => {
        const home = await freshHome();
        const result = await tokentray(
          ['add', 'x', '--token-endpoint', 'http://127.0.0.1:9/token', '--client-id', 'c'],
          home,
          { ...env(), TOKENTRAY_REFRESH_TOKEN: REFRESH_TOKEN },
        );

        assertClearKeychainFailure(result);
        assert.ok(!result.stderr.includes(REFRESH_TOKEN), 'stderr shows the refresh token');
        if (existsSync(settingsFile(home))) {
          const data = JSON.parse(await readFile(settingsFile(home), 'utf8')) as SettingsData;
          assert.deepEqual(data.accounts ?? {}, {}, 'an account was saved without its secret');
          assert.equal(data.defaultAccount, undefined);
        }
        assert.deepEqual(await filesContaining(home, [REFRESH_TOKEN]), [], 'secret in a file');
      });

      it('token of an existing account fails clearly and loses nothing from the settings', async () => {
        const home = await freshHome();
        const data: SettingsData = {
          accounts: {
            work: {
              name: 'work',
              label: 'Work API',
              tokenEndpoint: 'http://127.0.0.1:9/token',
              clientId: 'client-1',
              clientAuth: 'none',
              scopes: ['openid', 'offline_access'],
              createdAt: '2025-01-01T00:00:00.000Z',
            },
          },
          defaultAccount: 'work',
          options: {
            clipboardClearSeconds: 60,
            refreshAtFraction: 0.8,
            launchAtLogin: false,
            autoUpdate: true,
          },
        };
        const original = JSON.stringify(data, undefined, '\t');
        await writeFile(settingsFile(home), original, { mode: 0o600 });

        const result = await tokentray(['token', 'work'], home, env());

        assertClearKeychainFailure(result);
        assert.equal(await readFile(settingsFile(home), 'utf8'), original);
      });
    });
  }
});
