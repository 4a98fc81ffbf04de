import type { Browser, Page } from 'playwright-core';

/**
 * The user's web browser, for the desktop service's openUrl: a real Chromium page per URL, as
 * the system browser would open. Only loopback is reachable (oidc-provider's pages ask for Google
 * Fonts, which cannot load here), so pages are awaited to 'domcontentloaded', not 'load'.
 */
export class UserBrowser {
  readonly opened: string[] = [];
  private readonly ready: Page[] = [];
  private readonly waiting: Array<(page: Page) => void> = [];

  constructor(private readonly browser: Browser) {}

  readonly openUrl = async (url: string): Promise<void> => {
    this.opened.push(url);
    const context = await this.browser.newContext();
    await context.route(
      (target) => target.hostname !== '127.0.0.1',
      (route) => route.abort(),
    );
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'domcontentloaded' });
    const waiter = this.waiting.shift();
    if (waiter === undefined) this.ready.push(page);
    else waiter(page);
  };

  /** The next page openUrl opened (or the oldest one not taken yet). */
  nextPage(): Promise<Page> {
    const page = this.ready.shift();
    if (page !== undefined) return Promise.resolve(page);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Opens a page the test itself navigates, as a user typing the URL. */
  async visit(url: string): Promise<Page> {
    const context = await this.browser.newContext();
    await context.route(
      (target) => target.hostname !== '127.0.0.1',
      (route) => route.abort(),
    );
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'domcontentloaded' });
    return page;
  }
}

/** oidc-provider's development login page, then its consent page. */
export async function logInAndConsent(page: Page, login = 'test-user'): Promise<void> {
  await page.locator('input[name=login]').fill(login);
  await page.locator('input[name=password]').fill('any password');
  await page.locator('button[type=submit]').click();
  // Both pages live under /interaction/<uid>: the consent form is told apart by its hidden prompt.
  await page.locator('input[name=prompt][value=consent]').waitFor({ state: 'attached' });
  await page.locator('button[type=submit]').click();
}

/** oidc-provider's device pages: type the user code, confirm it, then log in and consent. */
export async function enterDeviceCode(page: Page, userCode: string): Promise<void> {
  await page.locator('input[name=user_code]').fill(userCode);
  await page.locator('button[type=submit]').click();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.locator('input[name=login]').waitFor();
  await logInAndConsent(page);
}
