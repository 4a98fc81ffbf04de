import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ElectronApplication, Page } from 'playwright-core';
import { freshHome, tokentray } from '../support/cli-runner.js';
import { startLocalProvider, type LocalProvider } from '../support/local-provider.js';
import { directLaunchArgs, launch, PACKAGED, target, waitFor } from './e2e-launch.js';

// The desktop bugs of issue 12, where only a real Electron can show them: keychain failure at
// start, the tray icon per platform and theme, the concealed clipboard markers, macOS activate
// and the Dock, the login item a user turned off, and the CLI's background start.

interface Hooks {
  tray(): { state: string; toolTip: string; menu: string[]; icon: string; created: number };
  clickTray(): Promise<void>;
  openAccounts(): void;
}

const hooksReady = (app: ElectronApplication) =>
  waitFor(
    'the app to start',
    async () => ((await app.evaluate(() => '__tokentrayE2E' in globalThis)) ? true : undefined),
    30_000,
  );
const trayOf = (app: ElectronApplication) =>
  app.evaluate(() => (globalThis as unknown as { __tokentrayE2E: Hooks }).__tokentrayE2E.tray());
const accountsPage = (app: ElectronApplication): Page | undefined =>
  app.windows().find((w) => w.url().endsWith('/renderer/accounts/accounts.html'));

async function addAccount(provider: LocalProvider, home: string, name: string): Promise<void> {
  const { clientId, clientSecret } = provider.clients.rotating;
  const added = await tokentray(
    ['add', name, '--token-endpoint', provider.tokenEndpoint, '--client-id', clientId],
    home,
    {
      TOKENTRAY_CLIENT_SECRET: clientSecret,
      TOKENTRAY_REFRESH_TOKEN: await provider.mintRefreshToken(clientId),
    },
  );
  assert.equal(added.code, 0, added.stderr);
}

describe('desktop behaviour (Electron e2e)', { skip: target === undefined }, () => {
  let provider: LocalProvider;
  before(async () => {
    provider = await startLocalProvider();
  });
  after(() => provider?.close());

  test(
    'no keychain at start: the app stays up, in attention, and its window says what to do',
    { skip: process.platform !== 'linux' && 'only Linux can take the keychain away here' },
    async () => {
      const home = await freshHome();
      await addAccount(provider, home, 'work');
      // No session bus: libsecret cannot reach any Secret Service.
      const app = await launch(home, { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' });
      try {
        await hooksReady(app);
        const tray = await trayOf(app);
        assert.equal(tray.state, 'attention');
        assert.match(tray.toolTip, /keychain is not available/);
        const page = await waitFor('the accounts window', () => accountsPage(app));
        await page
          .getByText(/keychain/i)
          .first()
          .waitFor();
      } finally {
        await app.close();
      }
    },
  );

  describe('with an account', () => {
    let home: string;
    let app: ElectronApplication;
    before(async () => {
      home = await freshHome();
      await addAccount(provider, home, 'work');
      // Linux: a desktop whose panel follows the theme, so the theme decides the icon.
      app = await launch(home, { XDG_CURRENT_DESKTOP: 'KDE' });
      await hooksReady(app);
    });
    after(() => app?.close());

    test(
      'Linux with no StatusNotifier host (xvfb, like plain GNOME): after a bounded wait, the window is the app',
      { skip: process.platform !== 'linux' },
      async () => {
        await waitFor('the accounts window', () => accountsPage(app), 20_000);
        assert.equal((await trayOf(app)).created, 1, 'no host came, so no second tray');
      },
    );

    test('the tray icon is the platform’s: a template on macOS, a light or dark glyph elsewhere', async () => {
      const { icon } = await trayOf(app);
      if (process.platform === 'darwin') assert.match(icon, /Template\.png$/);
      else assert.match(icon, /-on-(dark|light)\.png$/);
    });

    test(
      'Linux: the icon follows the theme when it changes',
      { skip: process.platform !== 'linux' },
      async () => {
        await app.evaluate(({ nativeTheme }) => (nativeTheme.themeSource = 'light'));
        await waitFor('the light-panel icon', async () =>
          /-on-light\.png$/.test((await trayOf(app)).icon) ? true : undefined,
        );
        await app.evaluate(({ nativeTheme }) => (nativeTheme.themeSource = 'dark'));
        await waitFor('the dark-panel icon', async () =>
          /-on-dark\.png$/.test((await trayOf(app)).icon) ? true : undefined,
        );
      },
    );

    test('a tray copy carries the concealed markers, each one really on the clipboard', async () => {
      await app.evaluate(() =>
        (globalThis as unknown as { __tokentrayE2E: Hooks }).__tokentrayE2E.clickTray(),
      );
      const formats: Record<string, string[]> = {
        darwin: ['org.nspasteboard.ConcealedType'],
        win32: [
          'ExcludeClipboardContentFromMonitorProcessing',
          'CanIncludeInClipboardHistory',
          'CanUploadToCloudClipboard',
        ],
        linux: ['x-kde-passwordManagerHint'],
      };
      for (const format of formats[process.platform] ?? []) {
        const held = await app.evaluate(
          ({ clipboard }, f) => clipboard.has(`electron application/osclipboard;format="${f}"`),
          format,
        );
        assert.equal(held, true, format);
      }
    });

    test(
      'macOS: opening the app again (activate) opens the accounts window',
      {
        skip: process.platform !== 'darwin',
      },
      async () => {
        await accountsPage(app)?.close();
        await app.evaluate(({ app: electronApp }) => electronApp.emit('activate', {}, false));
        await waitFor('the accounts window', () => accountsPage(app));
      },
    );

    test(
      'macOS: the Dock icon goes when the window closes, however soon',
      {
        skip: process.platform !== 'darwin',
      },
      async () => {
        await app.evaluate(() =>
          (globalThis as unknown as { __tokentrayE2E: Hooks }).__tokentrayE2E.openAccounts(),
        );
        const page = await waitFor('the accounts window', () => accountsPage(app));
        await page.close();
        await waitFor(
          'the Dock icon to hide',
          async () =>
            (await app.evaluate(({ app: a }) => a.dock?.isVisible())) === false ? true : undefined,
          5_000,
        );
      },
    );

    test('a background start (the CLI’s) of a running app opens no window', async () => {
      await accountsPage(app)?.close();
      const second = spawn(target?.executable ?? '', directLaunchArgs(['--background']), {
        env: { ...process.env, TOKENTRAY_HOME: home },
        stdio: 'ignore',
      });
      assert.equal(await new Promise((resolve) => second.on('exit', resolve)), 0);
      // Then a plain second launch does open it: the window would have shown by now.
      const plain = spawn(target?.executable ?? '', directLaunchArgs(), {
        env: { ...process.env, TOKENTRAY_HOME: home },
        stdio: 'ignore',
      });
      await new Promise((resolve) => plain.on('exit', resolve));
      await waitFor('the window from the plain launch', () => accountsPage(app));
      assert.equal(app.windows().filter((w) => w.url().includes('accounts')).length, 1);
    });
  });

  test(
    'the login item is turned on once, and stays off after the user turned it off',
    { skip: !PACKAGED && 'only a packaged app registers a login item' },
    async () => {
      const home = await freshHome();
      await addAccount(provider, home, 'work');
      const config = await mkdtemp(join(tmpdir(), 'tokentray-xdg-'));
      const env = { XDG_CONFIG_HOME: config };
      const autostart = join(config, 'autostart', 'tokentray.desktop');
      const isOn = (app: ElectronApplication) =>
        process.platform === 'linux'
          ? existsSync(autostart)
          : app.evaluate(({ app: a }) => a.getLoginItemSettings().openAtLogin);

      const first = await launch(home, env);
      await hooksReady(first);
      await waitFor('the login item', async () => ((await isOn(first)) ? true : undefined));
      // The user switches it off in the OS's own settings.
      if (process.platform === 'linux') rmSync(autostart);
      else await first.evaluate(({ app: a }) => a.setLoginItemSettings({ openAtLogin: false }));
      await first.close();

      const again = await launch(home, env);
      try {
        await hooksReady(again);
        assert.equal(await isOn(again), false);
      } finally {
        await again.close();
      }
    },
  );
});
