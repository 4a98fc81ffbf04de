import { engineParts } from '../../main/node/engine/token-engine.js';
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { IpcResult } from '../../main/common/ipc-contract.js';
import { DesktopFixture } from './desktop-fixture.js';

// What a page can and cannot get from the desktop service through the API the preload exposes:
// the checks the IPC gate runs (shared with it in main/node/desktop/desktop-service-call.ts), seen
// from a page in Chromium.

describe('the desktop service as a page reaches it', () => {
  let desktop: DesktopFixture;

  before(async () => {
    desktop = await DesktopFixture.start();
    await desktop.addPasted('work', { label: 'Work' });
  });
  afterEach(() => desktop.closeWindows());
  after(() => desktop.close());

  test('arguments the contract does not allow are refused before any handler runs', async () => {
    const { page } = await desktop.open('accounts');
    const results = await page.evaluate(async () => {
      const api = window.tokentray as unknown as Record<string, (...a: unknown[]) => unknown>;
      return Promise.all([
        api.copyToken?.('../../etc/passwd'),
        // The named functions that pass their arguments on as given can carry one too many.
        api.setOptions?.({ clipboardClearSeconds: 10 }, 'extra'),
        api.removeAccount?.('work', 'yes'),
        api.setOptions?.({ clipboardClearSeconds: 99_999 }),
        api.setOptions?.({ clipboardClearSeconds: 10, theme: 'dark' }),
      ]);
    });
    for (const result of results as IpcResult<unknown>[]) {
      assert.equal(result.ok, false);
      if (!result.ok) assert.equal(result.error.code, 'invalid_input');
    }
    assert.deepEqual(desktop.clipboard.copied, []);
    assert.ok(engineParts(desktop.engine).settings.account('work'), 'nothing was removed');
    assert.equal(engineParts(desktop.engine).settings.options().clipboardClearSeconds, 60);
  });

  test('a page can only ask to open a sign-in’s own URL, never one of its choosing', async () => {
    const { page } = await desktop.open('settings');
    const [unknownFlow, url] = await page.evaluate(() =>
      Promise.all([
        window.tokentray.openSignInBrowser('AAAAAAAAAAAAAAAAAAAAAA'),
        window.tokentray.openSignInBrowser('https://attacker.example/'),
      ]),
    );
    assert.ok(!unknownFlow.ok && /has ended, or never started/.test(unknownFlow.error.message));
    assert.ok(!url.ok && url.error.code === 'invalid_input');
    assert.deepEqual(desktop.userBrowser.opened, []);
  });

  test('a page from another origin is refused, even where the binding reaches it', async () => {
    const { page } = await desktop.open('accounts');
    // The same tab, navigated away: Playwright keeps the binding there, as a compromised
    // navigation would have it. The origin check is what stops it.
    await page.goto(`${desktop.provider.issuer}/.well-known/openid-configuration`);
    const result = await page.evaluate(() => window.tokentray.listAccounts());
    assert.equal(result.ok, false);
    if (!result.ok) assert.match(result.error.message, /not TokenTray/);
  });

  test('failures cross as a stable code and a message for a person, nothing more', async () => {
    const { page } = await desktop.open('accounts');
    const result = await page.evaluate(() => window.tokentray.refresh('nobody'));
    assert.deepEqual(Object.keys(result).sort(), ['error', 'ok']);
    assert.ok(!result.ok);
    assert.deepEqual(Object.keys(result.error).sort(), ['code', 'message']);
    assert.equal(result.error.code, 'no_such_account');
    assert.match(result.error.message, /There is no account named "nobody"/);
  });
});
