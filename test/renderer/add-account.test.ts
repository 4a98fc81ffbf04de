import { engineParts } from '../../main/node/engine/token-engine.js';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { DesktopFixture } from './desktop-fixture.js';
import { assertNoSecretReached, pressTabUntil } from './page-checks.js';
import { enterDeviceCode, logInAndConsent } from './user-browser.js';

// Adding accounts in the settings window, by every method, against the real oidc-provider: its
// login and consent pages are driven in a second Chromium context, the user's browser.

describe('settings window: adding accounts', () => {
  let desktop: DesktopFixture;

  before(async () => {
    // A 1 s device polling interval (oidc-provider's default is 5 s), so device sign-in doesn't idle.
    desktop = await DesktopFixture.start({ deviceIntervalSeconds: 1 });
  });
  afterEach(() => desktop.closeWindows());
  after(() => desktop.close());

  const stored = (name: string) => engineParts(desktop.engine).settings.account(name);
  const field = (page: Page, name: string) => page.getByLabel(name, { exact: true });
  const form = (page: Page) => page.getByRole('region', { name: 'Add an account' });
  const added = (page: Page, label: string) =>
    page.getByRole('status').getByText(`Added ${label}.`).waitFor({ timeout: 15_000 });
  // The status line may be announced a moment before the list is reloaded and focus moves.
  const focusedIsRow = (page: Page, label: string) =>
    page
      .getByRole('listitem', { name: label })
      .and(page.locator(':focus'))
      .waitFor({ timeout: 5_000 })
      .then(
        () => true,
        () => false,
      );

  async function fillOpenId(page: Page, name: string, method: string): Promise<void> {
    await field(page, 'Provider').selectOption({ label: 'Any OpenID provider' });
    await page.getByRole('radio', { name: method }).check();
    await field(page, 'Account name').fill(name);
    await field(page, 'Issuer URL').fill(desktop.provider.issuer);
    await field(page, 'Client ID').fill(desktop.provider.clients.publicClient.clientId);
    await field(page, 'Scopes').fill('openid offline_access api:read');
  }

  test('says what is missing, on the field itself', async () => {
    const { page } = await desktop.open('settings');
    await page.getByRole('button', { name: 'Sign in with the browser' }).click();
    await form(page)
      .getByRole('alert')
      .getByText(/Enter an account name/)
      .waitFor();
    const name = field(page, 'Account name');
    assert.equal(await name.getAttribute('aria-invalid'), 'true');
    assert.ok(await name.evaluate((input) => input === document.activeElement));
  });

  test('by keyboard only: a pasted refresh token, on custom endpoints', async () => {
    const window = await desktop.open('settings');
    const { page } = window;
    const { clientId, clientSecret } = desktop.provider.clients.rotating;
    const refreshToken = await desktop.provider.mintRefreshToken(clientId);
    await page.getByRole('option', { name: 'Custom OAuth 2.0' }).waitFor({ state: 'attached' });

    await pressTabUntil(page, 'Provider');
    // A closed <select> picks by typing, as on every desktop: "C" is Custom OAuth 2.0 alone (one
    // key, so a slow machine cannot split a longer word into two searches).
    await page.keyboard.press('C');
    assert.equal(await field(page, 'Provider').inputValue(), 'custom');
    await page.keyboard.press('Tab'); // into the radio group, on its checked choice
    await page.keyboard.press('ArrowDown'); // Device code
    await page.keyboard.press('ArrowDown'); // Paste a refresh token
    await pressTabUntil(page, 'Account name');
    await page.keyboard.type('pasted');
    await pressTabUntil(page, 'Label (optional)');
    await page.keyboard.type('Pasted by keyboard');
    await pressTabUntil(page, 'Token endpoint');
    await page.keyboard.type(desktop.provider.tokenEndpoint);
    await pressTabUntil(page, 'Revocation endpoint (optional)');
    await page.keyboard.type(desktop.provider.revocationEndpoint);
    await pressTabUntil(page, 'Client ID');
    await page.keyboard.type(clientId);
    await pressTabUntil(page, 'Client secret (optional)');
    await page.keyboard.type(clientSecret);
    await pressTabUntil(page, 'Refresh token');
    await page.keyboard.type(refreshToken);
    await pressTabUntil(page, 'Scopes');
    await page.keyboard.type('openid offline_access api:read');
    await pressTabUntil(page, 'Add account');
    await page.keyboard.press('Enter');

    await added(page, 'Pasted by keyboard');
    assert.ok(await focusedIsRow(page, 'Pasted by keyboard'), 'focus moves to the new account');
    assert.equal(stored('pasted')?.tokenEndpoint, desktop.provider.tokenEndpoint);
    assert.ok(await engineParts(desktop.engine).vault.get('pasted', 'refresh_token'));
    assert.equal(await field(page, 'Client secret (optional)').inputValue(), '');
    assert.equal(await field(page, 'Refresh token').inputValue(), '');
    await assertNoSecretReached(window, [refreshToken, clientSecret, ...(await desktop.secrets())]);
  });

  test('a refused refresh token: a clear error, the secrets emptied, nothing stored', async () => {
    const { page } = await desktop.open('settings');
    await field(page, 'Provider').selectOption({ label: 'Custom OAuth 2.0' });
    await page.getByRole('radio', { name: 'Paste a refresh token' }).check();
    await field(page, 'Account name').fill('refused');
    await field(page, 'Token endpoint').fill(desktop.provider.tokenEndpoint);
    await field(page, 'Client ID').fill(desktop.provider.clients.rotating.clientId);
    await field(page, 'Client secret (optional)').fill(
      desktop.provider.clients.rotating.clientSecret,
    );
    await field(page, 'Refresh token').fill('no-such-refresh-token');
    await page.getByRole('button', { name: 'Add account' }).click();
    const alert = form(page).getByRole('alert');
    await alert.getByText(/refresh token/).waitFor();
    assert.match(await alert.innerText(), /The secret fields were emptied/);
    assert.equal(await field(page, 'Refresh token').inputValue(), '');
    assert.equal(stored('refused'), undefined);
  });

  test('a machine account by client credentials', async () => {
    const { page } = await desktop.open('settings');
    await field(page, 'Provider').selectOption({ label: 'Custom OAuth 2.0' });
    await page.getByRole('radio', { name: 'Client credentials' }).check();
    await field(page, 'Account name').fill('machine');
    await field(page, 'Label (optional)').fill('Deploy bot');
    await field(page, 'Token endpoint').fill(desktop.provider.tokenEndpoint);
    await field(page, 'Client ID').fill(desktop.provider.clients.rotating.clientId);
    await field(page, 'Client secret').fill(desktop.provider.clients.rotating.clientSecret);
    await field(page, 'Scopes').fill('');
    await page.getByRole('button', { name: 'Add account' }).click();
    await added(page, 'Deploy bot');
    assert.equal(stored('machine')?.grant, 'client_credentials');
    assert.ok((await desktop.engine.getToken('machine')).accessToken);
  });

  test('by browser sign-in, with "Open browser again"', async () => {
    const window = await desktop.open('settings');
    const { page } = window;
    await fillOpenId(page, 'browser', 'Sign in with the browser');
    await page.getByRole('button', { name: 'Sign in with the browser' }).click();
    const panel = page.getByRole('region', { name: 'Sign-in in progress' });
    await panel.getByText('Waiting for you to finish signing in, in your browser…').waitFor();
    assert.ok(await field(page, 'Account name').isDisabled(), 'the form waits too');
    const first = await desktop.userBrowser.nextPage();

    await panel.getByRole('button', { name: 'Open browser again' }).click();
    const again = await desktop.userBrowser.nextPage();
    assert.equal(desktop.userBrowser.opened.length, 2);
    assert.equal(desktop.userBrowser.opened[1], desktop.userBrowser.opened[0], 'the same flow');
    assert.ok(first.url().startsWith(desktop.provider.issuer));

    await logInAndConsent(again);
    await added(page, 'browser');
    assert.ok(await focusedIsRow(page, 'browser'), 'focus moves to the new account');
    assert.ok(await desktop.engine.getToken('browser'));
    assert.equal(await panel.count(), 0, 'the progress panel is gone');
    await assertNoSecretReached(window, await desktop.secrets());
  });

  test('Cancel stops a browser sign-in and stores nothing', async () => {
    const { page } = await desktop.open('settings');
    await fillOpenId(page, 'cancelled', 'Sign in with the browser');
    await page.getByRole('button', { name: 'Sign in with the browser' }).click();
    await desktop.userBrowser.nextPage();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('status').getByText('Sign-in cancelled. Nothing was stored.').waitFor();
    assert.equal(stored('cancelled'), undefined);
    const submit = page.getByRole('button', { name: 'Sign in with the browser' });
    assert.ok(await submit.evaluate((b) => b === document.activeElement), 'focus back on the form');
  });

  test('Advanced > Redirect port: checked on the field, then used for the redirect URI', async () => {
    const { page } = await desktop.open('settings');
    await fillOpenId(page, 'fixed-port', 'Sign in with the browser');
    await page.getByText('Advanced', { exact: true }).click();
    const port = field(page, 'Redirect port');
    await port.fill('80');
    await page.getByRole('button', { name: 'Sign in with the browser' }).click();
    await form(page)
      .getByRole('alert')
      .getByText(/redirect port from 1024 to 65535/)
      .waitFor();
    assert.equal(await port.getAttribute('aria-invalid'), 'true');

    const free = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port: p } = probe.address() as AddressInfo;
        probe.close(() => resolve(p));
      });
    });
    await port.fill(String(free));
    await page.getByRole('button', { name: 'Sign in with the browser' }).click();
    await desktop.userBrowser.nextPage();
    const opened = new URL(desktop.userBrowser.opened.at(-1) ?? '');
    assert.equal(opened.searchParams.get('redirect_uri'), `http://127.0.0.1:${free}/callback`);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('status').getByText('Sign-in cancelled. Nothing was stored.').waitFor();
  });

  test('by device code: the code is shown, entered on the provider’s page, and the account added', async () => {
    const window = await desktop.open('settings');
    const { page } = window;
    await fillOpenId(page, 'device', 'Device code');
    await page.getByRole('button', { name: 'Get a sign-in code' }).click();
    const panel = page.getByRole('region', { name: 'Device sign-in in progress' });
    const code = await panel.locator('output').innerText();
    assert.match(code, /^[A-Z]{4}-[A-Z]{4}$/);
    const url = await panel.locator('.url').innerText();
    assert.ok(url.startsWith(desktop.provider.issuer));
    await panel.getByText(/The code works for \d+:\d\d more\./).waitFor();

    await panel.getByRole('button', { name: 'Open the page' }).click();
    const verification = await desktop.userBrowser.nextPage();
    assert.equal(verification.url(), url, 'the verification page, without the code in it');
    await enterDeviceCode(verification, code);
    await added(page, 'device');
    assert.ok(await desktop.engine.getToken('device'));
    await assertNoSecretReached(window, await desktop.secrets());
  });
});
