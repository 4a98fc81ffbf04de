import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { waitFor } from '../support/wait-for.js';
import type { RendererWindow } from './test-transport.js';

/**
 * Fails if any secret reached the window: in its DOM, its form fields' values, its storage, its
 * console, or anything the transport handed it (call results and pushed events).
 */
export async function assertNoSecretReached(
  window: RendererWindow,
  secrets: readonly string[],
): Promise<void> {
  assert.ok(secrets.length > 0, 'no secrets to look for: the check would prove nothing');
  const seen = await window.page.evaluate(() =>
    [
      document.documentElement.outerHTML,
      ...[...document.querySelectorAll('input, textarea')].map(
        (field) => (field as HTMLInputElement).value,
      ),
      JSON.stringify({ ...localStorage }),
      JSON.stringify({ ...sessionStorage }),
    ].join('\n'),
  );
  const places = { page: seen, console: window.console.join('\n'), sent: window.sent.join('\n') };
  for (const secret of secrets) {
    for (const [where, text] of Object.entries(places)) {
      assert.ok(!text.includes(secret), `a secret reached the window (${where})`);
    }
  }
}

/** Presses Tab until the focused element's accessible name is `name`; fails after `max` presses. */
export async function pressTabUntil(page: Page, name: string, max = 60): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (el === null) return '';
      const labelled = (el as HTMLInputElement).labels?.[0]?.textContent;
      return (el.getAttribute('aria-label') ?? labelled ?? el.textContent ?? '')
        .replace(/\s+/g, ' ')
        .trim();
    });
    if (focused === name) return;
  }
  throw new Error(`Tab never reached "${name}"`);
}

/** Seconds left in "Expires in m:ss" or "Expires in h:mm h". */
export function secondsShown(text: string): number {
  const match = /(\d+):(\d\d)( h)?/.exec(text);
  if (match === null) throw new Error(`no time left in "${text}"`);
  const [, a, b, hours] = match;
  return hours === undefined ? Number(a) * 60 + Number(b) : Number(a) * 3600 + Number(b) * 60;
}

/** Waits until `check` holds; fails after `timeoutMs`, naming `what` it waited for. */
export async function waitUntil(
  what: string,
  check: () => boolean,
  timeoutMs = 5_000,
): Promise<void> {
  await waitFor(what, check, { timeoutMs, intervalMs: 25 });
}

/** Polls an async check (something read from the page) until it holds, naming `what` on failure. */
export async function eventually(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 5_000,
): Promise<void> {
  await waitFor(what, check, { timeoutMs, intervalMs: 50 });
}
