import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { startBrowserHandoff, type BrowserHandoff } from '../support/browser-handoff.js';
import {
  freshHome,
  inProcessTokentray,
  spawnedTokentray,
  type CliResult,
} from '../support/cli-runner.js';
import { isActive } from '../support/introspect.js';
import { keychainOf, testService } from '../support/keychain-inspect.js';
import {
  startLocalProvider,
  type InteropBehaviour,
  type LocalProvider,
} from '../support/local-provider.js';
import { approveDevice, logInAndConsent, signInAtProvider } from '../support/provider-pages.js';
import { pastedAdd } from '../support/pasted-add.js';

// In-process (runCli with its own streams and environment), on this file's keychain service. One
// test spawns the built CLI: what the browser inherits is the environment of a real process.
const SERVICE = testService(import.meta.url);
const { vault, entries: keychainEntries } = keychainOf(SERVICE);
const tokentray = inProcessTokentray(SERVICE);
const spawned = spawnedTokentray(SERVICE);

// What other real authorization servers do, mounted on the real oidc-provider (configured, or
// wrapped by test/support/interop-middleware.ts), against the built CLI with Chromium as the
// user's browser. Each of these broke TokenTray before.
describe('interoperability with servers that are not oidc-provider', () => {
  let browser: BrowserHandoff;
  const providers: LocalProvider[] = [];

  before(async () => {
    browser = await startBrowserHandoff();
  });
  after(async () => {
    await browser.close();
    await Promise.all(providers.map((p) => p.close()));
  });

  async function serverThat(interop: InteropBehaviour): Promise<LocalProvider> {
    const provider = await startLocalProvider({ deviceIntervalSeconds: 1, interop });
    providers.push(provider);
    return provider;
  }

  const signIn = (provider: LocalProvider, name: string, ...how: string[]) => [
    'add',
    name,
    '--provider',
    'oidc',
    '--issuer',
    provider.issuer,
    '--client-id',
    provider.clients.publicClient.clientId,
    '--scope',
    'openid offline_access email',
    ...how,
  ];

  async function nothingStored(home: string, name: string, result: CliResult): Promise<void> {
    assert.notEqual(result.code, 0, 'the add failed');
    assert.deepEqual(JSON.parse((await tokentray(['list', '--json'], home)).stdout), []);
    const left = (await keychainEntries()).filter((e) => e.account.startsWith(`${name}/`));
    assert.deepEqual(left, [], 'no keychain entry is left');
  }

  for (const alg of ['ES256', 'EdDSA'] as const) {
    test(`ID tokens signed with ${alg}: browser sign-in works and names who signed in`, async () => {
      const provider = await serverThat({ idTokenSigningAlg: alg });
      const home = await freshHome();
      const running = tokentray(signIn(provider, `alg-${alg}`, '--login'), home, browser.env);
      const page = await browser.newPage();
      await signInAtProvider(page, await browser.nextUrl(), { login: 'erin', allow: true });
      const added = await running;
      assert.equal(added.code, 0, added.stderr);
      assert.match(added.stderr, /\(erin@tokentray\.test\)/);
      // Refreshes carry a new ID token of the same algorithm, checked the same way.
      const refreshed = await tokentray(['refresh', `alg-${alg}`], home);
      assert.equal(refreshed.code, 0, refreshed.stderr);
      await page.close();
    });
  }

  test('ID tokens signed with EdDSA: device sign-in works too', async () => {
    const provider = await serverThat({ idTokenSigningAlg: 'EdDSA' });
    const home = await freshHome();
    const running = tokentray(
      signIn(provider, 'alg-device', '--device', '--open'),
      home,
      browser.env,
    );
    const page = await browser.newPage();
    await approveDevice(page, await browser.nextUrl(), { allow: true });
    const added = await running;
    assert.equal(added.code, 0, added.stderr);
    await page.close();
  });

  test('a provider that requires a nonce gets one, and the browser starts from a private page, not argv', async () => {
    const provider = await serverThat({ requireNonce: true });
    const home = await freshHome();
    const running = spawned(signIn(provider, 'nonce', '--login', '--auth-method', 'none'), home, {
      ...browser.env,
      // A public client: the secret is never read, so it must not be inherited either.
      TOKENTRAY_CLIENT_SECRET: 'inherited-client-secret-must-not-reach-browser',
    });
    const url = new URL(await browser.nextUrl());
    assert.ok((url.searchParams.get('nonce') ?? '').length >= 32, 'a fresh nonce');
    const launch = browser.launches.at(-1);
    assert.ok(launch?.page !== undefined, 'the browser was given a page, not the URL');
    assert.equal(launch.pageMode, 0o600);
    const argv = launch.argv.join(' ');
    assert.ok(!argv.includes(url.searchParams.get('state') ?? '-'), `no state in argv: ${argv}`);
    assert.ok(!argv.includes('code_challenge'), 'no challenge in argv');
    assert.ok(!JSON.stringify(launch.env).includes('inherited-client-secret'), 'no secret in env');

    // Chromium opens the very page the CLI wrote and is redirected to the provider.
    const page = await browser.newPage();
    await page.goto(pathToFileURL(launch.page).href, { waitUntil: 'commit' });
    await page.waitForURL((at) => at.origin === new URL(provider.issuer).origin);
    await logInAndConsent(page, 'nina');
    const added = await running;
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stderr, /Opening your browser at:\n {2}http:\/\/127\.0\.0\.1.*nonce=/);
    await page.close();
  });

  const rejections: { what: string; tamper: InteropBehaviour['tamperIdToken']; says: RegExp }[] = [
    {
      what: 'another sign-in’s nonce',
      tamper: (claims) => (claims.nonce = 'a-nonce-from-some-other-sign-in'),
      says: /ID token TokenTray rejected: its nonce is missing or not the one this sign-in sent/,
    },
    {
      what: 'another client’s audience',
      tamper: (claims) => (claims.aud = 'some-other-client'),
      says: /ID token TokenTray rejected: it was issued for another client/,
    },
  ];
  for (const { what, tamper, says } of rejections) {
    test(`an ID token with ${what} is refused with a message saying so, and nothing is stored`, async () => {
      const provider = await serverThat(tamper === undefined ? {} : { tamperIdToken: tamper });
      const home = await freshHome();
      const running = tokentray(signIn(provider, 'idt', '--login'), home, browser.env);
      const page = await browser.newPage();
      await signInAtProvider(page, await browser.nextUrl(), { allow: true });
      const result = await running;
      assert.match(result.stderr, says);
      assert.doesNotMatch(result.stderr, /could not be processed/);
      await nothingStored(home, 'idt', result);
      await page.close();
    });
  }

  test('an ID token signed with an algorithm the metadata did not announce is refused by name', async () => {
    const provider = await serverThat({
      idTokenSigningAlg: 'ES256',
      rewriteDiscovery: (doc) => (doc.id_token_signing_alg_values_supported = ['RS256']),
    });
    const home = await freshHome();
    const running = tokentray(signIn(provider, 'alg-lie', '--login'), home, browser.env);
    const page = await browser.newPage();
    await signInAtProvider(page, await browser.nextUrl(), { allow: true });
    const result = await running;
    assert.match(result.stderr, /it is signed with ES256, and the provider announced only RS256/);
    await nothingStored(home, 'alg-lie', result);
    await page.close();
  });

  test('a server that matches redirect URIs exactly: --redirect-port, and the hint names it', async () => {
    const port = await freePort();
    const provider = await serverThat({
      exactRedirectUris: [`http://127.0.0.1:${port}/callback`],
    });
    const home = await freshHome();
    const running = tokentray(
      signIn(provider, 'exact', '--login', '--redirect-port', String(port)),
      home,
      browser.env,
    );
    const url = new URL(await browser.nextUrl());
    assert.equal(url.searchParams.get('redirect_uri'), `http://127.0.0.1:${port}/callback`);
    const page = await browser.newPage();
    await signInAtProvider(page, url.href, { allow: true });
    const added = await running;
    assert.equal(added.code, 0, added.stderr);

    // Without the port the server refuses in the browser, out of our sight: the timeout says why.
    const lost = await tokentray(
      signIn(provider, 'no-port', '--login', '--timeout', '2'),
      home,
      browser.env,
    );
    await browser.nextUrl();
    assert.match(
      lost.stderr,
      /not finished within.*\n.*error about the redirect URI.*--redirect-port/s,
    );

    const help = await tokentray(['--help'], home);
    assert.match(help.stdout + help.stderr, /--redirect-port <n>/);
    const bad = await tokentray(signIn(provider, 'x', '--redirect-port', '80'), home);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--redirect-port goes with --login only|from 1024 to 65535/);
    await page.close();
  });

  test('Basic credentials a server takes literally: "-" in the client id is sent as is', async () => {
    const provider = await serverThat({
      literalBasicCredentials: true,
      refusalRevokesRefreshToken: true,
    });
    const { clientId } = provider.clients.rotating;
    assert.match(clientId, /-/, 'the client id has a hyphen, like UUIDs and Google ids');
    const home = await freshHome();
    const { args, env } = await pastedAdd(provider, 'basic', { discovery: true });
    const added = await tokentray(args, home, env);
    assert.equal(added.code, 0, added.stderr);
    const config = JSON.parse(
      await import('node:fs/promises').then((fs) => fs.readFile(`${home}/config.json`, 'utf8')),
    ) as { accounts: Record<string, { clientAuth: string }> };
    assert.equal(config.accounts.basic?.clientAuth, 'client_secret_basic');
  });

  test('a refused request that cost the pasted token says so, not just "Nothing was stored"', async () => {
    const provider = await serverThat({ refusalRevokesRefreshToken: true });
    const { args, env } = await pastedAdd(provider, 'refused', { discovery: true });
    const pasted = env.TOKENTRAY_REFRESH_TOKEN;
    const home = await freshHome();
    const result = await tokentray(args, home, {
      ...env,
      TOKENTRAY_CLIENT_SECRET: 'a-wrong-client-secret',
    });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /refused/);
    assert.match(result.stderr, /may have disabled the pasted refresh token/);
    assert.ok(!(await isActive(provider, pasted)), 'this server did disable it');
    await nothingStored(home, 'refused', result);
  });

  test('a dead refresh token answered with 400 and an empty body means sign-in required', async () => {
    const provider = await serverThat({ emptyRefreshErrorBodies: true });
    const { args, env } = await pastedAdd(provider, 'empty', { discovery: true });
    const home = await freshHome();
    const added = await tokentray(args, home, env);
    assert.equal(added.code, 0, added.stderr);
    const stored = await vault.get('empty', 'refresh_token');
    assert.ok(stored !== undefined);
    await provider.revokeGrantOf(stored);
    provider.resetCounts();
    const refreshed = await tokentray(['refresh', 'empty'], home);
    assert.equal(refreshed.code, 4, refreshed.stderr);
    assert.match(refreshed.stderr, /HTTP 400 with an empty body/);
    assert.doesNotMatch(refreshed.stderr, /not JSON|HTML page/);
    const listed = JSON.parse((await tokentray(['list', '--json'], home)).stdout) as {
      status: string;
    }[];
    assert.equal(listed[0]?.status, 'sign-in-required');
    assert.equal(provider.counts().total, 1, 'asked once, never retried');
    assert.equal((await tokentray(['refresh', 'empty'], home)).code, 4);
    assert.equal(provider.counts().total, 1, 'the dead token is not presented again');
  });

  test('an error sent with HTTP 200 is reported as what it was, not "HTTP 400"', async () => {
    const provider = await serverThat({
      errorsAsHttp200: true,
      rewriteError: (body) => {
        body.error = 'temporarily_unavailable';
        body.error_description = 'maintenance';
      },
    });
    const home = await freshHome();
    const { args, env } = await pastedAdd(provider, 'as200', {
      discovery: true,
      refreshToken: 'any-refresh-token-value',
    });
    const result = await tokentray(args, home, {
      ...env,
      TOKENTRAY_CLIENT_SECRET: 'wrong-secret-so-the-server-errs',
    });
    assert.equal(result.code, 5, result.stderr);
    assert.match(result.stderr, /HTTP 200, temporarily_unavailable: maintenance/);
    assert.doesNotMatch(result.stderr, /HTTP 400/);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
