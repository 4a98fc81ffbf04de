import { engineParts } from '../../main/node/engine/token-engine.js';
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { storeAccessTokenElsewhere } from '../support/engine-fixture.js';
import { DesktopFixture } from './desktop-fixture.js';
import {
  assertNoSecretReached,
  eventually,
  pressTabUntil,
  secondsShown,
  waitUntil,
} from './page-checks.js';
import { logInAndConsent } from './user-browser.js';

// The accounts window (renderer/accounts), in Chromium, on the real engine, provider and keychain.
// Tokens live 120 s here, so the countdown shows m:ss and visibly moves.

describe('accounts window', () => {
  let desktop: DesktopFixture;

  before(async () => {
    desktop = await DesktopFixture.start({ accessTokenTtlSeconds: 120 });
  });
  afterEach(() => desktop.closeWindows());
  after(() => desktop.close());

  const row = (page: Page, label: string): Locator =>
    page.getByRole('list', { name: 'Accounts' }).getByRole('listitem', { name: label });

  test('with no accounts, "Add account" opens the settings window', async () => {
    const { page } = await desktop.open('accounts');
    await page.getByRole('heading', { name: 'No accounts yet' }).waitFor();
    await page.getByRole('button', { name: 'Add account' }).click();
    await waitUntil('the settings window to open', () => desktop.settingsOpened.length === 1);
  });

  test('lists each account with its label, provider, status and time left', async () => {
    await desktop.addPasted('work', { label: 'Work', viaIssuer: true });
    await desktop.addPasted('staging', { label: 'Staging' });
    const { page } = await desktop.open('accounts');
    const work = row(page, 'Work');
    const staging = row(page, 'Staging');
    await work.waitFor();
    assert.equal(
      await page.getByRole('list', { name: 'Accounts' }).getByRole('listitem').count(),
      2,
    );
    assert.match(await work.innerText(), /Any OpenID provider/);
    assert.match(await work.innerText(), /Default/, 'the first account added is the default');
    assert.match(await staging.innerText(), /Custom OAuth 2\.0/);
    for (const account of [work, staging]) {
      await account.getByText('Fresh', { exact: true }).waitFor();
      assert.match(await account.innerText(), /Expires in [01]:\d\d\b/);
    }
  });

  test('the countdown ticks while the window is visible, and only then', async () => {
    // The page's timers and Date run on Playwright's clock: the test moves time, it never waits.
    const { page } = await desktop.open('accounts', { fakeClock: true });
    const countdown = row(page, 'Work').locator('time');
    await countdown.waitFor();
    const expiresAt =
      (await engineParts(desktop.engine).vault.getAccessToken('work'))?.expiresAt ?? 0;
    const first = secondsShown(await countdown.innerText());
    assert.ok(Math.abs(first - (expiresAt - Date.now()) / 1000) <= 2, `shows ${first} s left`);
    await page.clock.runFor(3_000);
    const second = secondsShown(await countdown.innerText());
    // It shows the last second's tick: 3 s later it has moved on by 2 to 4 seconds.
    assert.ok(first - second >= 2 && first - second <= 4, `moved from ${first} to ${second}`);

    // Chromium has no switch for a hidden page: tell the page what the OS tells it when its
    // window is hidden, with the same property and event.
    await setVisibility(page, 'hidden');
    const hidden = await countdown.innerText();
    await page.clock.runFor(2_200);
    assert.equal(await countdown.innerText(), hidden, 'a hidden window does not tick');
    await setVisibility(page, 'visible');
    const shown = secondsShown(await countdown.innerText());
    assert.ok(secondsShown(hidden) - shown >= 2, 'shown again, it is right at once');
  });

  test('beyond an hour the time left reads h:mm', async () => {
    const record = await engineParts(desktop.engine).vault.getAccessToken('staging');
    assert.ok(record);
    const expiresAt = Date.now() + (2 * 3600 + 5 * 60 + 30) * 1000;
    await storeAccessTokenElsewhere(desktop.engine, 'staging', { ...record, expiresAt });
    const { page } = await desktop.open('accounts');
    await row(page, 'Staging').getByText('Expires in 2:05 h').waitFor();
    await storeAccessTokenElsewhere(desktop.engine, 'staging', record);
  });

  test('Copy token puts the engine’s token on the clipboard; the page never sees it', async () => {
    const window = await desktop.open('accounts');
    const { page } = window;
    await page.getByRole('button', { name: 'Copy token for Work' }).click();
    await page.getByRole('status').getByText('Copied the access token for Work.').waitFor();
    const stored = await engineParts(desktop.engine).vault.getAccessToken('work');
    assert.equal(desktop.clipboard.last, stored?.accessToken);
    await assertNoSecretReached(window, [
      ...(await desktop.secrets()),
      ...desktop.clipboard.copied,
    ]);
  });

  test('Refresh now gets a new token, and the countdown starts again', async () => {
    const { page } = await desktop.open('accounts', { fakeClock: true });
    const before = await engineParts(desktop.engine).vault.getAccessToken('staging');
    await page.clock.runFor(1_100);
    desktop.provider.resetCounts();
    await page.getByRole('button', { name: 'Refresh now: Staging' }).click();
    await page.getByRole('status').getByText('Refreshed Staging.').waitFor();
    assert.equal(desktop.provider.counts().success, 1);
    const after = await engineParts(desktop.engine).vault.getAccessToken('staging');
    assert.notEqual(after?.accessToken, before?.accessToken);
    // The countdown starts again from the new token's expiry, on the page's own (fake) clock,
    // which does not move with the real time the refresh took.
    const pageNow = await page.evaluate(() => Date.now());
    const expected = ((after?.expiresAt ?? 0) - pageNow) / 1000;
    assert.ok(expected > 110, `the new token has its whole life ahead (${expected} s)`);
    const shown = secondsShown(await row(page, 'Staging').locator('time').innerText());
    assert.ok(Math.abs(shown - expected) <= 1, `shows ${shown} s, the token has ${expected} s`);
  });

  test('a refresh made elsewhere (the background refresher) reaches the open window', async () => {
    // A token a minute from its end, so the refresh moves the expiry well up, with no waiting.
    const record = await engineParts(desktop.engine).vault.getAccessToken('staging');
    assert.ok(record);
    await storeAccessTokenElsewhere(desktop.engine, 'staging', {
      ...record,
      expiresAt: Date.now() + 60_000,
    });
    const { page } = await desktop.open('accounts');
    const countdown = row(page, 'Staging').locator('time');
    await countdown.waitFor();
    const before = secondsShown(await countdown.innerText());
    assert.ok(before <= 61, `shows ${before} s left`);
    await desktop.engine.refresh('staging');
    // Only a push can move it up: the ticks count down from the expiry the window was given.
    await eventually(
      'the pushed refresh to move the countdown up',
      async () => secondsShown(await countdown.innerText()) >= before + 2,
    );
  });

  test('a grant revoked at the provider shows "Sign in again", and signing in brings it back', async () => {
    const window = await desktop.open('accounts');
    const { page } = window;
    const refreshToken = await engineParts(desktop.engine).vault.get('work', 'refresh_token');
    assert.ok(refreshToken);
    await desktop.provider.revokeGrantOf(refreshToken);

    const refresh = page.getByRole('button', { name: 'Refresh now: Work' });
    await refresh.focus();
    await page.keyboard.press('Enter');
    await page
      .getByRole('alert')
      .getByText(/sign in again/i)
      .waitFor();
    const work = row(page, 'Work');
    await work.getByText('Sign-in required').waitFor();
    const signIn = page.getByRole('button', { name: 'Sign in again: Work' });
    assert.ok(await signIn.isVisible());
    assert.equal(await refresh.isVisible(), false, 'a dead grant cannot be refreshed');
    assert.ok(
      await signIn.evaluate((button) => button === document.activeElement),
      'the keyboard user is moved to the button that replaced the one they were on',
    );

    // Signing in again, in the user's browser, on the real provider.
    await page.keyboard.press('Enter');
    await work.getByText('Waiting for you to finish signing in, in your browser…').waitFor();
    await logInAndConsent(await desktop.userBrowser.nextPage());
    await page.getByRole('status').getByText('Signed in again: Work.').waitFor();
    await work.getByText('Fresh', { exact: true }).waitFor();
    assert.equal(await refresh.isVisible(), true);
    assert.ok(await desktop.engine.getToken('work'), 'the account works again');
    await assertNoSecretReached(window, await desktop.secrets());
  });

  test('by keyboard: Tab reaches Copy token, Enter and Space press it, the focus ring shows', async () => {
    const { page } = await desktop.open('accounts');
    await row(page, 'Staging').waitFor();
    const copied = desktop.clipboard.copied.length;
    await pressTabUntil(page, 'Copy token for Staging');
    const outline = await page.evaluate(
      () => getComputedStyle(document.activeElement as Element).outlineStyle,
    );
    assert.equal(outline, 'solid', 'the focused button has a visible ring');
    await page.keyboard.press('Enter');
    await waitUntil('Enter to copy', () => desktop.clipboard.copied.length === copied + 1);
    await page.keyboard.press('Space');
    await waitUntil('Space to copy', () => desktop.clipboard.copied.length === copied + 2);
    const stored = await engineParts(desktop.engine).vault.getAccessToken('staging');
    assert.equal(desktop.clipboard.last, stored?.accessToken);
  });
});

async function setVisibility(page: Page, state: 'visible' | 'hidden'): Promise<void> {
  await page.evaluate((value) => {
    Object.defineProperty(document, 'visibilityState', { value, configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  }, state);
}
