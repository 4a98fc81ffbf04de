import type { Browser, Page } from 'playwright-core';
import { within } from '../support/wait-for.js';

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
    const page = await this.visit(url);
    const waiter = this.waiting.shift();
    if (waiter === undefined) this.ready.push(page);
    else waiter(page);
  };

  /** The next page openUrl opened (or the oldest one not taken yet). */
  nextPage(): Promise<Page> {
    const page = this.ready.shift();
    if (page !== undefined) return Promise.resolve(page);
    return within(
      'the app to open a page in the browser',
      new Promise((resolve) => this.waiting.push(resolve)),
      30_000,
    );
  }

  /** Opens a page the test itself navigates, as a user typing the URL. Only loopback loads. */
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

export { enterDeviceCode, logInAndConsent } from '../support/provider-pages.js';
