import { engineParts } from '../../main/node/engine/token-engine.js';
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { isActive } from '../support/introspect.js';
import { DesktopFixture } from './desktop-fixture.js';
import { assertNoSecretReached, waitUntil } from './page-checks.js';

// The settings window's accounts and options sections (renderer/settings), in Chromium, on the
// real engine, provider and keychain. Adding accounts is in add-account.test.ts.

describe('settings window: accounts and options', () => {
  let desktop: DesktopFixture;

  before(async () => {
    desktop = await DesktopFixture.start();
    await desktop.addPasted('work', { label: 'Work', viaIssuer: true });
    await desktop.addPasted('staging', { label: 'Staging', viaIssuer: true });
  });
  afterEach(() => desktop.closeWindows());
  after(() => desktop.close());

  const accountsList = (page: Page) => page.getByRole('list', { name: 'Accounts' });
  const stored = () => engineParts(desktop.engine).settings.read();

  test('options show what is stored, and each change is saved at once', async () => {
    const { page, sent } = await desktop.open('settings');
    const clear = page.getByLabel('Clear a copied token from the clipboard after');
    const refreshAt = page.getByLabel('Refresh a token once this share of its life has passed');
    const launch = page.getByRole('checkbox', { name: 'Start TokenTray when you log in' });
    const updates = page.getByRole('checkbox', { name: /install updates automatically/ });
    await page.waitForFunction(
      () => (document.getElementById('clipboard-clear') as HTMLInputElement).value !== '',
    );
    assert.equal(await clear.inputValue(), '60');
    assert.equal(await refreshAt.inputValue(), '80');
    assert.ok(await launch.isChecked(), 'launch at login is on once an account exists');
    assert.ok(await updates.isChecked());

    await clear.fill('30');
    await clear.press('Tab');
    await page.getByRole('status').getByText('Options saved.').waitFor();
    assert.equal(stored().options.clipboardClearSeconds, 30);

    await refreshAt.fill('70');
    await refreshAt.press('Tab');
    await waitUntil(
      'refreshAtFraction 0.7 to be stored',
      () => stored().options.refreshAtFraction === 0.7,
    );

    await launch.uncheck();
    await waitUntil(
      'launchAtLogin off to be stored',
      () => stored().options.launchAtLogin === false,
    );
    // The app is told, to apply it to the OS.
    await waitUntil('the app to be told', () => desktop.applied.at(-1)?.launchAtLogin === false);
    await updates.uncheck();
    await waitUntil('autoUpdate off to be stored', () => stored().options.autoUpdate === false);
    // The page shows the saved options once their answer reaches it, which resets the field and
    // the notices: the value typed next must come after that.
    await waitUntil('the saved options to be sent to the page', () =>
      sent.some((answer) => answer.includes('"autoUpdate":false')),
    );

    await clear.fill('5000');
    await clear.press('Tab');
    await page
      .getByRole('alert')
      .getByText('Enter a whole number of seconds from 0 to 3600.')
      .waitFor();
    assert.equal(await clear.getAttribute('aria-invalid'), 'true');
    assert.equal(stored().options.clipboardClearSeconds, 30, 'a refused value is not saved');
  });

  test('edits the label and scopes; Escape leaves them as they were', async () => {
    const accounts = await desktop.open('accounts');
    await accounts.page.getByRole('listitem', { name: 'Staging' }).waitFor();
    const { page } = await desktop.open('settings');
    await page.getByRole('button', { name: 'Edit Staging' }).click();
    const label = page.getByRole('textbox', { name: 'Label' }).first();
    assert.ok(
      await label.evaluate((input) => input === document.activeElement),
      'focus goes to the form',
    );
    await label.fill('Thrown away');
    await label.press('Escape');
    assert.equal(stored().accounts.staging?.label, 'Staging');
    const edit = page.getByRole('button', { name: 'Edit Staging' });
    assert.ok(await edit.evaluate((b) => b === document.activeElement), 'focus returns to Edit');

    await edit.click();
    await page.getByRole('form', { name: 'Edit Staging' }).getByLabel('Label').fill('Staging API');
    await page
      .getByRole('form', { name: 'Edit Staging' })
      .getByLabel('Scopes')
      .fill('openid offline_access');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').getByText('Saved Staging API.').waitFor();
    assert.equal(stored().accounts.staging?.label, 'Staging API');
    assert.deepEqual(stored().accounts.staging?.scopes, ['openid', 'offline_access']);
    await accountsList(page).getByText('Scopes: openid offline_access', { exact: true }).waitFor();
    // The open accounts window hears of it, without reloading.
    await accounts.page.getByRole('listitem', { name: 'Staging API' }).waitFor();
  });

  test('makes another account the default', async () => {
    const { page } = await desktop.open('settings');
    assert.equal(stored().defaultAccount, 'work');
    await page.getByRole('radio', { name: 'Default account: Staging API' }).check();
    await page.getByRole('status').getByText('Staging API is now the default account.').waitFor();
    assert.equal(stored().defaultAccount, 'staging');
  });

  test('removes an account after confirmation, revoking it at the provider', async () => {
    const window = await desktop.open('settings');
    const { page } = window;
    const refreshToken = await engineParts(desktop.engine).vault.get('staging', 'refresh_token');
    assert.ok(refreshToken && (await isActive(desktop.provider, refreshToken)));
    const secrets = await desktop.secrets();

    await page.getByRole('button', { name: 'Remove Staging API' }).click();
    const dialog = page.getByRole('dialog', { name: 'Remove Staging API?' });
    await dialog.waitFor();
    const cancel = dialog.getByRole('button', { name: 'Cancel' });
    assert.ok(
      await cancel.evaluate((b) => b === document.activeElement),
      'Cancel, the safe choice, has focus',
    );
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    assert.ok(stored().accounts.staging, 'kept when the user changed their mind');

    await page.getByRole('button', { name: 'Remove Staging API' }).click();
    assert.ok(
      await dialog.getByRole('checkbox', { name: 'Also revoke at the provider' }).isChecked(),
    );
    await dialog.getByRole('button', { name: 'Remove' }).click();
    await page
      .getByRole('status')
      .getByText('Removed Staging API, and revoked it at the provider.')
      .waitFor();
    assert.equal(stored().accounts.staging, undefined);
    assert.equal(
      await engineParts(desktop.engine).vault.get('staging', 'refresh_token'),
      undefined,
    );
    assert.equal(await isActive(desktop.provider, refreshToken), false, 'revoked at the server');
    assert.ok(
      await page
        .getByRole('heading', { name: 'Accounts' })
        .evaluate((h) => h === document.activeElement),
      'focus goes back to the list’s heading',
    );
    await assertNoSecretReached(window, secrets);
  });

  test('removes without revoking when the box is cleared', async () => {
    await desktop.addPasted('keep-grant', { label: 'Keep grant', viaIssuer: true });
    const refreshToken = await engineParts(desktop.engine).vault.get('keep-grant', 'refresh_token');
    assert.ok(refreshToken);
    const { page } = await desktop.open('settings');
    await page.getByRole('button', { name: 'Remove Keep grant' }).click();
    await page.getByRole('checkbox', { name: 'Also revoke at the provider' }).uncheck();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
    await page
      .getByRole('status')
      .getByText('It was not revoked at the provider.', { exact: false })
      .waitFor();
    assert.equal(stored().accounts['keep-grant'], undefined);
    assert.ok(await isActive(desktop.provider, refreshToken), 'the grant lives on at the provider');
  });

  test('warns when revocation failed, and removes the account all the same', async () => {
    await desktop.addPasted('unreachable', { label: 'Unreachable', viaIssuer: true });
    // A revocation endpoint nothing listens on: the provider cannot be told.
    await engineParts(desktop.engine).settings.patchAccount('unreachable', (account) => {
      account.revocationEndpoint = 'http://127.0.0.1:9/revoke';
    });
    const { page } = await desktop.open('settings');
    await page.getByRole('button', { name: 'Remove Unreachable' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
    await page
      .getByRole('alert')
      .getByText(/Removed Unreachable, but revoking it at the provider failed/)
      .waitFor();
    assert.equal(stored().accounts.unreachable, undefined);
    await accountsList(page).getByRole('listitem').first().waitFor();
    assert.equal(await page.getByRole('button', { name: 'Remove Unreachable' }).count(), 0);
  });
});
