import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TokenTrayError } from '../../../main/common/errors.js';
import { listenForRedirect } from '../../../main/node/sign-in/loopback-redirect.js';

// The native app's redirect listener (RFC 8252 §7.3), over real HTTP on loopback.
describe('loopback redirect listener', () => {
  const ours = (params: URLSearchParams) => params.get('state') === 'ours';

  test('answers the callback once, with our state; other paths and other states are refused', async () => {
    let refused = 0;
    const redirect = await listenForRedirect(new AbortController().signal, ours, () => refused++);
    try {
      const uri = new URL(redirect.redirectUri);
      assert.equal(uri.hostname, '127.0.0.1');
      assert.equal(uri.pathname, '/callback');
      assert.ok(Number(uri.port) > 0);

      assert.equal((await fetch(new URL('/other', uri))).status, 404);
      assert.equal((await fetch(`${uri.href}?code=c&state=theirs`)).status, 400);
      assert.equal(refused, 1, 'the caller hears of a refused response');

      const answered = fetch(`${uri.href}?code=c&state=ours`);
      const arrival = await redirect.arrival;
      assert.equal(arrival.url.searchParams.get('code'), 'c');
      assert.equal(arrival.url.origin + arrival.url.pathname, redirect.redirectUri);
      arrival.reply({ ok: false, message: 'The provider said no.' });
      const page = await answered;
      assert.equal(page.status, 400);
      const html = await page.text();
      assert.match(html, /Sign-in failed/);
      assert.match(html, /The provider said no\./);
      assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'none'/);
      assert.equal(page.headers.get('cache-control'), 'no-store');

      assert.equal((await fetch(`${uri.href}?code=again&state=ours`)).status, 404, 'only once');
    } finally {
      redirect.close();
    }
    await assert.rejects(fetch(redirect.redirectUri), 'closed after the flow');
  });

  test('an abort rejects the wait with its reason and closes the listener', async () => {
    const controller = new AbortController();
    const redirect = await listenForRedirect(controller.signal, ours, () => undefined);
    const reason = new TokenTrayError('cancelled', 'Sign-in cancelled.');
    controller.abort(reason);
    await assert.rejects(redirect.arrival, (err) => err === reason);
    await assert.rejects(fetch(redirect.redirectUri));
  });
});
