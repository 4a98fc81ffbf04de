import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/**
 * The Chromium the tests drive (npx playwright install can't run here): TOKENTRAY_CHROMIUM when
 * given, else Debian's chromium-headless-shell, as the README's test setup installs it, else
 * Debian's chromium. The headless shell is Chromium without the browser's UI layer, the build
 * Playwright itself runs headless: on the same pages it spends about a third of the full
 * browser's CPU, a large share of a whole test run's.
 */
export const CHROMIUM =
  process.env.TOKENTRAY_CHROMIUM ??
  ['/usr/bin/chromium-headless-shell', '/usr/bin/chromium'].find((path) => existsSync(path)) ??
  '/usr/bin/chromium';

/**
 * The run's one Chromium (test/support/chromium-server.ts), when run-tests.sh started one: every
 * test file connects to it instead of starting a Chromium of its own. Each test still gets its
 * own browser contexts, and closing the Browser it was given closes those and disconnects.
 */
export const SHARED_CHROMIUM = 'TOKENTRAY_TEST_CHROMIUM_WS';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  // Every test page is on loopback. Other hosts (oidc-provider's pages @import Google Fonts)
  // fail at once instead of stalling a page for a DNS timeout on machines with no internet.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];

export function launchChromium(): Promise<Browser> {
  const shared = process.env[SHARED_CHROMIUM];
  if (shared !== undefined && shared !== '') return chromium.connect(shared);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}
