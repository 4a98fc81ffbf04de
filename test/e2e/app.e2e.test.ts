import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import type { ElectronApplication, Page } from 'playwright-core';
import type { TokenTrayApi } from '../../main/common/ipc-api.js';
import { freshHome, tokentray } from '../support/cli-runner.js';
import { isActive } from '../support/introspect.js';
import { keychainOf, testService } from '../support/keychain-inspect.js';
import { startLocalProvider, type LocalProvider } from '../support/local-provider.js';
import { directLaunchArgs, launch as launchTarget, target, waitFor } from './e2e-launch.js';

const SERVICE = testService(import.meta.url);
const { vault } = keychainOf(SERVICE);

// The Electron app itself, driven by Playwright's _electron. It needs the Electron binary, which
// is downloaded from GitHub and cannot be had on machines without that access: there the suite
// prints one SKIPPED line, and everything else in `npm test` still runs. On Linux it also needs a
// display (xvfb-run) and, as everywhere in npm test, the private keyring.

/** What main/electron/e2e-hooks.ts exposes when TOKENTRAY_E2E=1 (tests may not import the glue). */
interface E2eHooks {
  tray(): { state: string; toolTip: string; title: string; menu: string[] };
  clickTray(): Promise<void>;
  openAccounts(): void;
  openSettings(): void;
}
type HookName = 'openAccounts' | 'openSettings' | 'clickTray';

/** Adds an account through the CLI, as a user would before the app ever ran. */
async function addWithCli(provider: LocalProvider, home: string, name: string): Promise<void> {
  const { clientId, clientSecret } = provider.clients.rotating;
  const added = await tokentray(
    ['add', name, '--token-endpoint', provider.tokenEndpoint, '--client-id', clientId],
    home,
    {
      TOKENTRAY_KEYCHAIN_SERVICE: SERVICE,
      TOKENTRAY_CLIENT_SECRET: clientSecret,
      TOKENTRAY_REFRESH_TOKEN: await provider.mintRefreshToken(clientId),
    },
  );
  assert.equal(added.code, 0, added.stderr);
}

/** The app on this file's own keychain service. */
function launch(home: string): Promise<ElectronApplication> {
  return launchTarget(home, { TOKENTRAY_KEYCHAIN_SERVICE: SERVICE });
}

describe(
  'the desktop app (Electron e2e)',
  { skip: target === undefined ? 'no Electron to run' : false },
  () => {
    describe('tray, windows and clipboard', () => {
      let provider: LocalProvider;
      let home: string;
      let app: ElectronApplication;

      const hook = (name: HookName) =>
        app.evaluate(
          (_electron, n) =>
            (globalThis as unknown as { __tokentrayE2E: E2eHooks }).__tokentrayE2E[n](),
          name,
        );
      const trayShown = () =>
        app.evaluate(() =>
          (globalThis as unknown as { __tokentrayE2E: E2eHooks }).__tokentrayE2E.tray(),
        );
      const clipboardText = () => app.evaluate(({ clipboard }) => clipboard.readText());
      const pageOf = (name: 'accounts' | 'settings'): Page | undefined =>
        app.windows().find((w) => w.url().endsWith(`/renderer/${name}/${name}.html`));
      const open = async (name: 'accounts' | 'settings'): Promise<Page> => {
        await hook(name === 'accounts' ? 'openAccounts' : 'openSettings');
        const page = await waitFor(`the ${name} window`, () => pageOf(name));
        await page.waitForLoadState('domcontentloaded');
        return page;
      };
      const api = (page: Page) => ({
        copyToken: (name: string) =>
          page.evaluate(
            (n) => (window as unknown as { tokentray: TokenTrayApi }).tokentray.copyToken(n),
            name,
          ),
        openSettings: () =>
          page.evaluate(() =>
            (window as unknown as { tokentray: TokenTrayApi }).tokentray.openSettings(),
          ),
      });

      before(async () => {
        provider = await startLocalProvider();
        home = await freshHome();
        await addWithCli(provider, home, 'e2e');
        app = await launch(home);
        await waitFor('the app to start', async () =>
          (await app.evaluate(() => '__tokentrayE2E' in globalThis)) ? true : undefined,
        );
      });
      after(async () => {
        await app?.close();
        await provider?.close();
      });

      test('uses the same data folder as the CLI', async () => {
        assert.equal(
          await app.evaluate(({ app: electronApp }) => electronApp.getPath('userData')),
          home,
        );
      });

      test('starts with a tray icon whose menu lists the account added through the CLI', async () => {
        const tray = await waitFor('the tray to show the account', async () => {
          const shown = await trayShown();
          return shown.menu.includes('e2e (default)') ? shown : undefined;
        });
        assert.match(tray.toolTip, /^TokenTray/);
        assert.notEqual(tray.state, 'attention');
        // macOS adds its "Install Command Line Tool…" item (the other systems' installers do that).
        const tail = ['Open TokenTray', 'Settings…', '---', 'Quit'];
        if (process.platform === 'darwin') tail.splice(2, 0, 'Install Command Line Tool…');
        assert.deepEqual(tray.menu.slice(-tail.length), tail);
      });

      test('a click on the tray copies the default account’s token, and says so', async () => {
        await hook('clickTray');
        const stored = await vault.getAccessToken('e2e');
        assert.equal(await clipboardText(), stored?.accessToken);
        assert.ok(await isActive(provider, stored?.accessToken ?? ''));
        assert.match((await trayShown()).toolTip, /^Copied e2e: clears in 60 s$/);
      });

      test('the accounts window lists the account; its Copy button puts the token on the clipboard', async () => {
        await app.evaluate(({ clipboard }) => clipboard.writeText('something else'));
        const page = await open('accounts');
        await page.getByText('e2e', { exact: true }).first().waitFor();
        await page.getByRole('button', { name: /copy/i }).first().click();
        const stored = await vault.getAccessToken('e2e');
        await waitFor('the token on the clipboard', async () =>
          (await clipboardText()) === stored?.accessToken ? true : undefined,
        );
      });

      test('the gate checks every argument from the page', async () => {
        const page = await open('accounts');
        const refused = await api(page).copyToken('../../etc/passwd');
        assert.equal(refused.ok, false);
        assert.equal(refused.ok ? '' : refused.error.code, 'invalid_input');
      });

      test('Settings… opens the settings window', async () => {
        const page = await open('accounts');
        assert.deepEqual(await api(page).openSettings(), { ok: true, value: null });
        const settings = await waitFor('the settings window', () => pageOf('settings'));
        assert.match(settings.url(), /^file:\/\/.*\/dist\/renderer\/settings\/settings\.html$/);
      });

      test('a second launch leaves at once and brings the first one’s window up', async () => {
        for (const name of ['accounts', 'settings'] as const) await pageOf(name)?.close();
        await waitFor('the windows to close', () =>
          pageOf('accounts') === undefined ? true : undefined,
        );
        const second = spawn(target?.executable ?? '', directLaunchArgs(), {
          env: { ...process.env, TOKENTRAY_HOME: home, TOKENTRAY_KEYCHAIN_SERVICE: SERVICE },
          stdio: 'ignore',
        });
        const code = await new Promise<number | null>((resolve) => second.on('exit', resolve));
        assert.equal(code, 0);
        await waitFor('the first instance to show its window', () => pageOf('accounts'));
      });
    });

    describe('background refresh', () => {
      let provider: LocalProvider;
      let home: string;
      let app: ElectronApplication;

      before(async () => {
        provider = await startLocalProvider({ accessTokenTtlSeconds: 4 });
        home = await freshHome();
        await addWithCli(provider, home, 'e2e-short');
        app = await launch(home);
      });
      after(async () => {
        await app?.close();
        await provider?.close();
      });

      test('refreshes a short-lived token in the background, rotating safely', async () => {
        const before = await vault.getAccessToken('e2e-short');
        assert.ok(before !== undefined);
        const after = await waitFor('the app to store a renewed token', async () => {
          const stored = await vault.getAccessToken('e2e-short');
          return stored !== undefined && stored.expiresAt > before.expiresAt ? stored : undefined;
        });
        assert.ok(after.expiresAt > before.expiresAt);
        assert.equal(provider.counts().error, 0);
      });
    });
  },
);
