import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { listenOnLoopback } from './loopback.js';

/** Debian's Chromium, as the README's test setup installs it. */
export const CHROMIUM = process.env.TOKENTRAY_CHROMIUM ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export interface BrowserHandoff {
  /** The environment that makes the CLI "open a browser" by handing the URL to this test. */
  env: { BROWSER: string; TOKENTRAY_TEST_HANDOFF: string };
  /** The next URL the CLI asked to open. */
  nextUrl(): Promise<string>;
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/**
 * The user's browser, for tests: Debian's Chromium under Playwright. The CLI opens URLs with the
 * command in BROWSER, as it would on a desktop; here that command posts the URL to this process.
 */
export async function startBrowserHandoff(): Promise<BrowserHandoff> {
  const browser = await launchChromium();
  const waiting: ((url: string) => void)[] = [];
  const queued: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const next = waiting.shift();
      if (next === undefined) queued.push(body);
      else next(body);
      res.end('ok');
    });
  });
  const base = await listenOnLoopback(server);
  const script = fileURLToPath(new URL('./hand-url-to-test.mjs', import.meta.url));
  return {
    env: { BROWSER: `${process.execPath} ${script}`, TOKENTRAY_TEST_HANDOFF: `${base}/open` },
    nextUrl: () => {
      const url = queued.shift();
      return url === undefined
        ? new Promise<string>((resolve) => waiting.push(resolve))
        : Promise.resolve(url);
    },
    newPage: () => browser.newPage(),
    async close() {
      server.close();
      await browser.close();
    },
  };
}

/** oidc-provider's pages import Google Fonts, unreachable here: don't wait for the full load. */
const LOADED = { waitUntil: 'domcontentloaded' } as const;

/**
 * Does what a user does at the local provider's real login and consent pages: signs in as
 * `login`, then allows, or declines with the page's Cancel link.
 */
export async function signInAtProvider(
  page: Page,
  url: string,
  choice: { login?: string; allow: boolean },
): Promise<void> {
  await page.goto(url, LOADED);
  await passLoginAndConsent(page, choice);
}

async function passLoginAndConsent(
  page: Page,
  choice: { login?: string; allow: boolean },
): Promise<void> {
  await page.locator('input[name=login]').fill(choice.login ?? 'test-user');
  await page.locator('input[name=password]').fill('any password');
  await Promise.all([
    page.waitForURL(/interaction/, LOADED),
    page.locator('button[type=submit]').click(),
  ]);
  if (choice.allow) await page.getByRole('button', { name: 'Continue' }).click();
  else await page.getByRole('link', { name: '[ Cancel ]' }).click();
}

/** The device flow at the provider: confirm the code shown, then log in and allow (or abort). */
export async function approveDevice(
  page: Page,
  verificationUrl: string,
  choice: { userCode?: string; allow: boolean },
): Promise<void> {
  await page.goto(verificationUrl, LOADED);
  if (choice.userCode !== undefined) {
    await page.locator('input[name=user_code]').fill(choice.userCode);
    await Promise.all([
      page.waitForURL(/device/, LOADED),
      page.getByRole('button', { name: 'Continue' }).click(),
    ]);
  }
  if (!choice.allow) {
    await page.getByRole('button', { name: '[ Abort ]' }).click();
    return;
  }
  await page.getByRole('button', { name: 'Continue' }).click();
  await passLoginAndConsent(page, { allow: true });
  await page
    .getByText(/success/i)
    .first()
    .waitFor();
}
