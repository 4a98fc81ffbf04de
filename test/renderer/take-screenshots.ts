import { engineParts } from '../../main/node/engine/token-engine.js';
// Saves docs/screenshots/{accounts,settings}-{light,dark}.png: both windows, as built, showing
// real accounts on the local provider. Run inside the private keychain, after `npm run build`:
//   test/support/with-private-keyring.sh node --import tsx test/renderer/take-screenshots.ts
import { mkdir } from 'node:fs/promises';
import { storeAccessTokenElsewhere } from '../support/engine-fixture.js';
import { DesktopFixture } from './desktop-fixture.js';

const out = new URL('../../docs/screenshots/', import.meta.url);
await mkdir(out, { recursive: true });

const desktop = await DesktopFixture.start({ accessTokenTtlSeconds: 3600 });
try {
  await desktop.addPasted('work', { label: 'Work API', viaIssuer: true });
  await desktop.addPasted('staging', { label: 'Staging', client: 'googleLike' });
  await desktop.addPasted('ci-bot', { label: 'CI deploy bot' });
  // One account whose grant was revoked at the provider: the row offers signing in again.
  const refreshToken = await engineParts(desktop.engine).vault.get('ci-bot', 'refresh_token');
  if (refreshToken === undefined) throw new Error('no refresh token for ci-bot');
  await desktop.provider.revokeGrantOf(refreshToken);
  await desktop.engine.refresh('ci-bot').catch(() => undefined);
  // A shorter-lived token, so the countdowns show both formats.
  const staging = await engineParts(desktop.engine).vault.getAccessToken('staging');
  if (staging !== undefined) {
    await storeAccessTokenElsewhere(desktop.engine, 'staging', {
      ...staging,
      expiresAt: Date.now() + 4 * 60_000 + 32_000,
    });
  }

  for (const colorScheme of ['light', 'dark'] as const) {
    const accounts = await desktop.open('accounts', { colorScheme });
    await accounts.page.getByRole('button', { name: 'Copy token for Work API' }).click();
    await accounts.page.getByText('Copied the access token').waitFor();
    await accounts.page.screenshot({ path: new URL(`accounts-${colorScheme}.png`, out).pathname });
    await accounts.close();

    const settings = await desktop.open('settings', { colorScheme });
    await settings.page.getByRole('button', { name: 'Edit Work API' }).waitFor();
    // As tall as the page, so one picture shows it all (the notices bar is sticky).
    const height = await settings.page.evaluate(() => document.documentElement.scrollHeight);
    await settings.page.setViewportSize({ width: 520, height });
    await settings.page.screenshot({ path: new URL(`settings-${colorScheme}.png`, out).pathname });
    await settings.close();
  }
  console.log(`Saved to ${out.pathname}`);
} finally {
  await desktop.close();
}
