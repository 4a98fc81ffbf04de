import type { Page } from 'playwright-core';

// What a user does on the local oidc-provider's own pages (its development login, consent and
// device pages), for every test that signs in through a real browser.

/** oidc-provider's pages import Google Fonts, unreachable here: don't wait for the full load. */
const LOADED = { waitUntil: 'domcontentloaded' } as const;

/** Opens the authorization URL, signs in as `login`, then allows, or declines with Cancel. */
export async function signInAtProvider(
  page: Page,
  url: string,
  choice: { login?: string; allow: boolean },
): Promise<void> {
  await page.goto(url, LOADED);
  await logInAndConsent(page, choice.login, choice.allow);
}

/** The development login page, then the consent page: Continue, or the Cancel link. */
export async function logInAndConsent(
  page: Page,
  login = 'test-user',
  allow = true,
): Promise<void> {
  await page.locator('input[name=login]').fill(login);
  await page.locator('input[name=password]').fill('any password');
  await page.locator('button[type=submit]').click();
  // Both pages live under /interaction/<uid>: the consent form is told apart by its hidden prompt.
  await page.locator('input[name=prompt][value=consent]').waitFor({ state: 'attached' });
  if (allow) await page.getByRole('button', { name: 'Continue' }).click();
  else await page.getByRole('link', { name: '[ Cancel ]' }).click();
}

/** The device pages, already open at the code entry page: type the code, then approve. */
export async function enterDeviceCode(page: Page, userCode: string): Promise<void> {
  await page.locator('input[name=user_code]').fill(userCode);
  await page.locator('button[type=submit]').click();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.locator('input[name=login]').waitFor();
  await logInAndConsent(page);
}

/** The complete verification URL (code filled in): confirm, then log in and allow; or abort. */
export async function approveDevice(
  page: Page,
  verificationUrlComplete: string,
  choice: { allow: boolean },
): Promise<void> {
  await page.goto(verificationUrlComplete, LOADED);
  if (!choice.allow) {
    await page.getByRole('button', { name: '[ Abort ]' }).click();
    return;
  }
  await page.getByRole('button', { name: 'Continue' }).click();
  await logInAndConsent(page);
  await page
    .getByText(/success/i)
    .first()
    .waitFor();
}
