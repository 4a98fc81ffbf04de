import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium, as the README's test setup installs it (npx playwright install can't run here). */
export const CHROMIUM = process.env.TOKENTRAY_CHROMIUM ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      // Every test page is on loopback. Other hosts (oidc-provider's pages @import Google Fonts)
      // fail at once instead of stalling a page for a DNS timeout on machines with no internet.
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
    ],
  });
}
