import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startBrowserHandoff, type BrowserHandoff } from '../support/browser-handoff.js';
import { approveDevice, signInAtProvider } from '../support/provider-pages.js';
import {
  BROKEN_DISCOVERY,
  startBrokenDiscovery,
  type BrokenKind,
} from '../support/broken-discovery.js';
import {
  CLI_PATH,
  cliEnv,
  freshHome,
  inProcessTokentray,
  start,
  type CliResult,
} from '../support/cli-runner.js';
import { isActive } from '../support/introspect.js';
import { keychainOf, testService } from '../support/keychain-inspect.js';
import { startLocalProvider, type LocalProvider } from '../support/local-provider.js';
import { ManualClock, settleOnClock } from '../support/manual-clock.js';
import { waitFor } from '../support/wait-for.js';

const SERVICE = testService(import.meta.url);
const { vault, entries: keychainEntries } = keychainOf(SERVICE);
const tokentray = inProcessTokentray(SERVICE);

// Every way of getting a refresh token, end to end: the CLI (in-process, through runCli), the real
// oidc-provider with its own login and consent pages, and Chromium in the place of the user's
// browser. BROWSER is the one place the test steps in: it hands the URL the CLI opens to
// Playwright. Device polling and sign-in timeouts run on a manual clock the test moves.
describe('adding accounts by signing in', () => {
  let provider: LocalProvider;
  let browser: BrowserHandoff;

  before(async () => {
    provider = await startLocalProvider({ deviceIntervalSeconds: 1 });
    browser = await startBrowserHandoff();
  });
  after(async () => {
    await browser.close();
    await provider.close();
  });

  const oidc = (name: string, ...how: string[]) => [
    'add',
    name,
    '--provider',
    'oidc',
    '--issuer',
    provider.issuer,
    '--client-id',
    provider.clients.publicClient.clientId,
    '--scope',
    'openid offline_access email api:read',
    ...how,
  ];

  async function nothingStored(home: string, name: string, result: CliResult): Promise<void> {
    assert.notEqual(result.code, 0);
    const listed = await tokentray(['list', '--json'], home);
    assert.deepEqual(JSON.parse(listed.stdout), [], 'no account appears');
    const entries = (await keychainEntries()).filter((e) => e.account.startsWith(`${name}/`));
    assert.deepEqual(entries, [], 'no keychain entry is left');
  }

  test('browser sign-in (PKCE, loopback redirect) up to a working `tokentray token`', async () => {
    const home = await freshHome();
    const running = tokentray(oidc('si-browser', '--login'), home, browser.env);
    const url = new URL(await browser.nextUrl());
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    assert.match(
      url.searchParams.get('redirect_uri') ?? '',
      /^http:\/\/127\.0\.0\.1:\d+\/callback$/,
    );
    assert.ok((url.searchParams.get('state') ?? '').length >= 32, 'a fresh state');

    const page = await browser.newPage();
    await signInAtProvider(page, url.href, { login: 'alice', allow: true });
    await page.getByText('You can close this tab').waitFor();
    const added = await running;
    assert.equal(added.code, 0, added.stderr);
    assert.match(
      added.stderr,
      /Opening your browser at:\n {2}http:\/\/127\.0\.0\.1/,
      'the URL is printed',
    );
    assert.match(added.stderr, /Added "si-browser" \(alice@tokentray\.test\)/);

    const token = await tokentray(['token', 'si-browser'], home);
    assert.equal(token.code, 0, token.stderr);
    assert.ok(await isActive(provider, token.stdout.trim()), 'the server knows the access token');
    const refreshToken = await vault.get('si-browser', 'refresh_token');
    assert.ok(refreshToken !== undefined && (await isActive(provider, refreshToken)));
    assert.equal((await tokentray(['refresh', 'si-browser'], home)).code, 0, 'it refreshes');
    await page.close();
  });

  test('device code: the user approves in the browser; --open opens the verification URL', async () => {
    const home = await freshHome();
    const clock = new ManualClock(Date.now());
    const running = tokentray(oidc('si-device', '--device', '--open'), home, browser.env, {
      clock,
    });
    const url = await browser.nextUrl();
    assert.match(url, /\/device\?user_code=/, 'the complete verification URI was opened');
    // One poll before the user approves: authorization_pending, and the CLI keeps polling.
    const pollsBefore = provider.devicePolls().length;
    await waitFor(
      'the first poll to be armed, one interval away',
      () => clock.nextTimerIn() === 1_000,
    );
    clock.advance(1_000);
    await waitFor(
      'the first poll to be answered',
      () => provider.devicePolls().length > pollsBefore,
    );
    assert.equal(provider.devicePolls().at(-1)?.answer, 'authorization_pending');
    const page = await browser.newPage();
    await approveDevice(page, url, { allow: true });
    const added = await settleOnClock(clock, running, { stepMs: 1_000 });
    assert.equal(added.code, 0, added.stderr);
    const code = /enter the code:\n\n {4}(\S+)/.exec(added.stderr)?.[1];
    assert.ok(
      code !== undefined && url.includes(encodeURIComponent(code).slice(0, 4)),
      added.stderr,
    );
    const token = await tokentray(['token', 'si-device'], home);
    assert.ok(await isActive(provider, token.stdout.trim()));
    await page.close();
  });

  test('device code: slow_down adds 5 s to the polling interval (RFC 8628 §3.5)', async () => {
    const slow = await startLocalProvider({ deviceIntervalSeconds: 1, slowDownPolls: 1 });
    try {
      const home = await freshHome();
      const clock = new ManualClock(Date.now());
      const running = tokentray(
        [
          'add',
          'si-slow',
          '--provider',
          'oidc',
          '--issuer',
          slow.issuer,
          '--client-id',
          slow.clients.publicClient.clientId,
          '--device',
          '--open',
        ],
        home,
        browser.env,
        { clock },
      );
      const url = await browser.nextUrl();
      await waitFor(
        'the first poll to be armed, one interval away',
        () => clock.nextTimerIn() === 1_000,
      );
      clock.advance(1_000);
      // The first poll is answered slow_down: the next one waits 1 + 5 s, and not a moment less.
      await waitFor('the slow_down answer', () => slow.devicePolls().length === 1);
      assert.equal(slow.devicePolls()[0]?.answer, 'slow_down');
      await waitFor('the next poll to be armed', () => (clock.nextTimerIn() ?? Infinity) <= 6_000);
      assert.equal(clock.nextTimerIn(), 6_000, 'the next poll waits 1 + 5 s');
      const page = await browser.newPage();
      await approveDevice(page, url, { allow: true });
      clock.advance(5_999);
      assert.equal(clock.nextTimerIn(), 1, 'no poll before 6 s have passed');
      assert.equal(slow.devicePolls().length, 1);
      clock.advance(1);
      const added = await settleOnClock(clock, running, { stepMs: 6_000 });
      assert.equal(added.code, 0, added.stderr);
      const polls = slow.devicePolls();
      assert.deepEqual(
        polls.map((p) => p.answer),
        ['slow_down', 'token'],
        'after slow_down, one poll 6 s later got the tokens',
      );
      await page.close();
    } finally {
      await slow.close();
    }
  });

  test('client credentials: a machine account gets tokens with no refresh token at all', async () => {
    const home = await freshHome();
    const { clientId, clientSecret } = provider.clients.rotating;
    const added = await tokentray(
      [
        'add',
        'si-machine',
        '--provider',
        'oidc',
        '--issuer',
        provider.issuer,
        '--client-id',
        clientId,
        '--client-credentials',
        '--scope',
        'api:read',
      ],
      home,
      { TOKENTRAY_CLIENT_SECRET: clientSecret },
    );
    assert.equal(added.code, 0, added.stderr);
    assert.equal(await vault.get('si-machine', 'refresh_token'), undefined);
    const first = (await tokentray(['token', 'si-machine'], home)).stdout.trim();
    assert.ok(await isActive(provider, first));
    const refreshed = await tokentray(['refresh', 'si-machine'], home);
    assert.equal(refreshed.code, 0, refreshed.stderr);
    const second = (await tokentray(['token', 'si-machine'], home)).stdout.trim();
    assert.notEqual(second, first, 'a new token was asked for with the client credentials');
    const listed = JSON.parse((await tokentray(['list', '--json'], home)).stdout) as {
      grant: string;
    }[];
    assert.equal(listed[0]?.grant, 'client_credentials');
  });

  test('declining at the provider stores nothing', async () => {
    const home = await freshHome();
    const running = tokentray(oidc('si-denied', '--login'), home, browser.env);
    const page = await browser.newPage();
    await signInAtProvider(page, await browser.nextUrl(), { allow: false });
    await page.getByText('Sign-in failed').waitFor();
    const result = await running;
    assert.match(result.stderr, /Sign-in was declined \(access_denied/);
    await nothingStored(home, 'si-denied', result);
    await page.close();
  });

  test('declining on the device page stores nothing', async () => {
    const home = await freshHome();
    const clock = new ManualClock(Date.now());
    const running = tokentray(oidc('si-device-denied', '--device', '--open'), home, browser.env, {
      clock,
    });
    const page = await browser.newPage();
    await approveDevice(page, await browser.nextUrl(), { allow: false });
    const result = await settleOnClock(clock, running, { stepMs: 1_000 });
    assert.match(result.stderr, /declined/);
    await nothingStored(home, 'si-device-denied', result);
    await page.close();
  });

  test('a redirect whose state does not match is refused, and cannot end the real sign-in', async () => {
    const home = await freshHome();
    const running = tokentray(oidc('si-state', '--login'), home, browser.env);
    const url = await browser.nextUrl();
    const redirect = new URL(new URL(url).searchParams.get('redirect_uri') ?? '');
    assert.equal(
      (await fetch(new URL('/favicon.ico', redirect))).status,
      404,
      'other paths get 404',
    );
    const forgeries: Record<string, string>[] = [
      { code: 'stolen', state: 'forged' },
      { code: 'stolen' },
      { error: 'access_denied' },
    ];
    for (const forged of forgeries) {
      redirect.search = new URLSearchParams(forged).toString();
      const answer = await fetch(redirect);
      assert.equal(answer.status, 400);
      assert.match(await answer.text(), /state does not match/);
    }
    provider.resetCounts();
    const page = await browser.newPage();
    await signInAtProvider(page, url, { allow: true });
    const result = await running;
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /warning: Ignored a sign-in response whose state did not match/);
    assert.equal(provider.counts().total, 1, 'only the real code was exchanged, once');
    await assert.rejects(fetch(redirect), 'the listener is closed once the flow ends');
    await page.close();
  });

  test('a sign-in nobody finishes times out, closes its listener and stores nothing', async () => {
    const home = await freshHome();
    const clock = new ManualClock(Date.now());
    const running = tokentray(oidc('si-timeout', '--login', '--timeout', '2'), home, browser.env, {
      clock,
    });
    const redirect = new URL(await browser.nextUrl()).searchParams.get('redirect_uri') ?? '';
    assert.equal((await fetch(new URL('/favicon.ico', redirect))).status, 404, 'it is listening');
    assert.equal(clock.nextTimerIn(), 2_000, 'the sign-in gives up in 2 s');
    clock.advance(1_999);
    assert.equal((await fetch(new URL('/favicon.ico', redirect))).status, 404, 'still listening');
    clock.advance(1);
    const result = await running;
    assert.match(result.stderr, /not finished within/);
    await nothingStored(home, 'si-timeout', result);
    await assert.rejects(fetch(redirect));
  });

  test('Ctrl-C in a real process cancels the sign-in: exit 1, the listener closed, nothing stored', async () => {
    const home = await freshHome();
    const cli = start(
      process.execPath,
      [CLI_PATH, ...oidc('si-interrupted', '--login')],
      cliEnv(home, { ...browser.env, TOKENTRAY_KEYCHAIN_SERVICE: SERVICE }),
    );
    const redirect = new URL(await browser.nextUrl()).searchParams.get('redirect_uri') ?? '';
    await waitFor('the CLI to say it is waiting', () =>
      cli.output().stderr.includes('Ctrl-C cancels'),
    );
    cli.child.kill('SIGINT');
    const result = await cli.done;
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /Sign-in cancelled/);
    assert.match(result.stderr, /Nothing was stored/);
    await assert.rejects(fetch(redirect), 'the listener is closed');
    await nothingStored(home, 'si-interrupted', result);
  });

  test('remove revokes the grant at the provider (RFC 7009); --no-revoke leaves it alive', async () => {
    const home = await freshHome();
    const { clientId, clientSecret } = provider.clients.rotating;
    const env = { TOKENTRAY_CLIENT_SECRET: clientSecret };
    const add = async (name: string) => {
      const rt = await provider.mintRefreshToken(clientId);
      const r = await tokentray(
        [
          'add',
          name,
          '--issuer',
          provider.issuer,
          '--client-id',
          clientId,
          '--scope',
          'openid offline_access',
        ],
        home,
        { ...env, TOKENTRAY_REFRESH_TOKEN: rt },
      );
      assert.equal(r.code, 0, r.stderr);
      return (await vault.get(name, 'refresh_token')) ?? '';
    };
    const revoked = await add('si-revoke');
    const kept = await add('si-keep');
    const removed = await tokentray(['remove', 'si-revoke'], home);
    assert.equal(removed.code, 0, removed.stderr);
    assert.match(removed.stderr, /revoked at the provider/);
    assert.equal(
      await isActive(provider, revoked),
      false,
      'introspection: the refresh token is dead',
    );
    assert.equal((await tokentray(['remove', 'si-keep', '--no-revoke'], home)).code, 0);
    assert.equal(await isActive(provider, kept), true, '--no-revoke leaves it alone');
  });

  test('a failed revocation is a warning; the account is removed anyway', async () => {
    const home = await freshHome();
    const { clientId } = provider.clients.publicClient;
    const rt = await provider.mintRefreshToken(clientId);
    const added = await tokentray(
      [
        'add',
        'si-unrevocable',
        '--provider',
        'custom',
        '--token-endpoint',
        provider.tokenEndpoint,
        '--revocation-endpoint',
        'http://127.0.0.1:9/revoke',
        '--client-id',
        clientId,
        '--auth-method',
        'none',
      ],
      home,
      { TOKENTRAY_REFRESH_TOKEN: rt },
    );
    assert.equal(added.code, 0, added.stderr);
    const removed = await tokentray(['remove', 'si-unrevocable'], home, {
      TOKENTRAY_HTTP_TIMEOUT: '3',
    });
    assert.equal(removed.code, 0, removed.stderr);
    assert.match(removed.stderr, /warning: The provider could not be told to revoke access/);
    assert.deepEqual(JSON.parse((await tokentray(['list', '--json'], home)).stdout), []);
  });

  test('broken discovery documents get clear errors, and no browser opens', async () => {
    const broken = await startBrokenDiscovery();
    try {
      const home = await freshHome();
      for (const [kind, message] of Object.entries(BROKEN_DISCOVERY)) {
        const name = `si-${kind}`;
        const result = await tokentray(
          [
            'add',
            name,
            '--provider',
            'oidc',
            '--issuer',
            broken.issuer(kind as BrokenKind),
            '--client-id',
            'c',
            '--login',
          ],
          home,
          browser.env,
        );
        assert.equal(result.code === 1 || result.code === 2, true, `${kind}: ${result.stderr}`);
        assert.match(result.stderr, message, kind);
        assert.doesNotMatch(result.stderr, /Opening your browser/, kind);
        await nothingStored(home, name, result);
      }
    } finally {
      await broken.close();
    }
  });

  test('bad input is refused before anything is sent or stored', async () => {
    const home = await freshHome();
    const cases: [string[], RegExp][] = [
      [
        ['add', 'x', '--provider', 'nope', '--client-id', 'c', '--login'],
        /Unknown --provider "nope"/,
      ],
      [
        ['add', 'x', '--provider', 'oidc', '--client-id', 'c', '--login'],
        /found by its issuer URL/,
      ],
      [
        [
          'add',
          'x',
          '--provider',
          'google',
          '--issuer',
          provider.issuer,
          '--client-id',
          'c',
          '--login',
        ],
        /sets its own endpoints/,
      ],
      [
        [
          'add',
          'x',
          '--provider',
          'custom',
          '--token-endpoint',
          provider.tokenEndpoint,
          '--client-id',
          'c',
          '--login',
        ],
        /needs an authorization endpoint/,
      ],
      [
        [
          'add',
          'x',
          '--provider',
          'microsoft',
          '--tenant',
          'common',
          '--client-id',
          'c',
          '--client-credentials',
        ],
        /needs a specific tenant|needs its client secret/,
      ],
      [
        ['add', 'x', '--provider', 'github', '--client-id', 'c', '--client-credentials'],
        /cannot be added by client credentials/,
      ],
      [oidc('x', '--login', '--device'), /Choose one of/],
      [oidc('x', '--login', '--timeout', '0'), /--timeout must be/],
    ];
    provider.resetCounts();
    for (const [args, message] of cases) {
      const result = await tokentray(args, home, browser.env);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message);
    }
    assert.equal(provider.counts().total, 0, 'nothing reached the token endpoint');
  });
});
