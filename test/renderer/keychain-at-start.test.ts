import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadKeytar } from '../../main/node/keychain/keychain-backend.js';
import { KeychainOutage } from '../support/keychain-outage.js';
import { DesktopFixture } from './desktop-fixture.js';

// The accounts window when the app started without a keychain (main/node/desktop/
// startup-recovery.ts keeps the app up): it says what happened and what to do, and once the
// keychain answers, the list comes back and the message goes, with no restart.

describe('accounts window, keychain missing at start', () => {
  let desktop: DesktopFixture;
  let outage: KeychainOutage;

  before(async () => {
    outage = new KeychainOutage(await loadKeytar());
    outage.down = false;
    desktop = await DesktopFixture.start({ backend: async () => outage });
    await desktop.addPasted('work', { label: 'Work' });
  });
  after(() => desktop.close());

  test('explains the keychain problem, then shows the accounts once it is back', async () => {
    outage.down = true;
    const { page } = await desktop.open('accounts');
    const error = page.locator('#error');
    await error.getByText(/keychain is not reachable/i).waitFor();
    assert.match((await error.textContent()) ?? '', /dbus-run-session|Log in to a desktop session/);

    outage.down = false;
    // What the app does when a retry gets through: its status events reach the window.
    await desktop.engine.refresh('work');
    await page.getByRole('list', { name: 'Accounts' }).getByText('Work').first().waitFor();
    await page.waitForFunction(() => document.getElementById('error')?.textContent === '');
  });
});
