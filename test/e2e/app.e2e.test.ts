import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { _electron as electron, type ElectronApplication } from 'playwright-core';
import { freshHome, tokentray } from '../support/cli-runner.js';
import { vault } from '../support/keychain-inspect.js';
import { startLocalProvider, type LocalProvider } from '../support/local-provider.js';

// The Electron app itself, driven by Playwright's _electron. It needs the Electron binary, which
// is downloaded from GitHub and cannot be had on machines without that access: there the suite
// prints one SKIPPED line, and everything else in `npm test` still runs.

function electronBinary(): string | undefined {
  const dir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const binary = join(
    override !== undefined && override !== '' ? override : join(dir, 'dist'),
    readFileSync(pathFile, 'utf8').trim(),
  );
  return existsSync(binary) ? binary : undefined;
}

const binary = electronBinary();
if (binary === undefined) {
  console.log(
    'SKIPPED: Electron e2e suite: no Electron binary in node_modules/electron (run `npx install-electron`, or set ELECTRON_OVERRIDE_DIST_PATH).',
  );
}

describe(
  'the desktop app (Electron e2e)',
  { skip: binary === undefined ? 'no Electron binary installed' : false },
  () => {
    let provider: LocalProvider;
    let home: string;
    let app: ElectronApplication;

    before(async () => {
      provider = await startLocalProvider({ accessTokenTtlSeconds: 4 });
      home = await freshHome();
      const { clientId, clientSecret } = provider.clients.rotating;
      const added = await tokentray(
        ['add', 'e2e', '--token-endpoint', provider.tokenEndpoint, '--client-id', clientId],
        home,
        {
          TOKENTRAY_CLIENT_SECRET: clientSecret,
          TOKENTRAY_REFRESH_TOKEN: await provider.mintRefreshToken(clientId),
        },
      );
      assert.equal(added.code, 0, added.stderr);
      app = await electron.launch({
        executablePath: binary,
        args: ['.'],
        env: { ...process.env, TOKENTRAY_HOME: home },
      });
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

    test('refreshes a short-lived token in the background, rotating safely', async () => {
      const before = await vault.getAccessToken('e2e');
      await new Promise((resolve) => setTimeout(resolve, 6_000));
      const after = await vault.getAccessToken('e2e');
      assert.ok(after !== undefined && before !== undefined && after.expiresAt > before.expiresAt);
      assert.equal(provider.counts().error, 0);
    });
  },
);
