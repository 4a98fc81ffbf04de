import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startBrowserHandoff, type BrowserHandoff } from '../support/browser-handoff.js';
import { freshHome, inProcessTokentray, spawnedTokentray } from '../support/cli-runner.js';
import { keychainOf, testService } from '../support/keychain-inspect.js';
import { startLocalProvider, type LocalProvider } from '../support/local-provider.js';
import { signInAtProvider } from '../support/provider-pages.js';
import { pastedAdd } from '../support/pasted-add.js';

// Spawned where what is checked is a real process's own: the proxy variables (undici reads the
// process environment), and the redaction of secrets it read (this test process has read them
// too). The rest run in-process. The keychain service is this file's own.
const SERVICE = testService(import.meta.url);
const { vault } = keychainOf(SERVICE);
const tokentray = spawnedTokentray(SERVICE);
const inProcess = inProcessTokentray(SERVICE);

// A malicious or broken authorization server, and the network between: the real oidc-provider
// wrapped to misbehave (test/support/interop-middleware.ts), a listener standing in for whoever
// would receive what leaks, and the built CLI as the user runs it.

/** Any C0/C1 control character but tab and newline, or DEL: an escape, a bell, a carriage return. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/** A server that only records who reached it: the attacker, or a proxy. */
async function recorder(host = '127.0.0.1'): Promise<{
  url: string;
  seen: IncomingMessage[];
  close(): Promise<void>;
}> {
  const seen: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    seen.push(req);
    req.resume();
    res.writeHead(502).end();
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    url: `http://${host}:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('hostile servers', () => {
  let browser: BrowserHandoff;
  const providers: LocalProvider[] = [];
  before(async () => {
    browser = await startBrowserHandoff();
  });
  after(async () => {
    await browser.close();
    await Promise.all(providers.map((p) => p.close()));
  });

  test('server text echoing the refresh token, with escape sequences, is stored and printed clean', async () => {
    let say: 'nothing' | 'invalid_scope' | 'dead' = 'nothing';
    const provider = await startLocalProvider({
      interop: {
        rewriteError: (body, params) => {
          if (say === 'nothing') return;
          if (say === 'invalid_scope') body.error = 'invalid_scope';
          body.error_description = `\u001b]0;pwned title\u0007\u001b[31mred\u001b[0m got ${String(params.refresh_token)}\r\n${'x'.repeat(5000)}`;
        },
      },
    });
    providers.push(provider);
    const home = await freshHome();
    const { args, env } = await pastedAdd(provider, 'echo', { discovery: true });
    const added = await tokentray(args, home, env);
    assert.equal(added.code, 0, added.stderr);
    const refreshToken = (await vault.get('echo', 'refresh_token')) ?? '';
    assert.ok(refreshToken.length > 10);

    const everywhere = async () => {
      const printed = [
        await tokentray(['refresh', 'echo'], home),
        await tokentray(['list'], home),
        await tokentray(['list', '--json'], home),
      ];
      const config = await readFile(join(home, 'config.json'), 'utf8');
      return { printed, config };
    };
    const check = (text: string, where: string) => {
      assert.ok(!text.includes(refreshToken), `no refresh token in ${where}`);
      assert.ok(!CONTROL.test(text), `no control character in ${where}: ${JSON.stringify(text)}`);
      assert.ok(!text.includes('\\u001b'), `no escaped ESC in ${where}`);
      assert.ok(!text.includes('x'.repeat(300)), `server text is capped in ${where}`);
    };

    // The grant dies at the server; it says so as invalid_scope first, kept as lastError...
    await provider.revokeGrantOf(refreshToken);
    say = 'invalid_scope';
    const first = await everywhere();
    assert.equal(first.printed[0]?.code, 1);
    assert.match(first.printed[0]?.stderr ?? '', /invalid_scope: .*pwned title.*red.*\[redacted\]/);
    for (const [i, r] of first.printed.entries()) check(r.stdout + r.stderr, `output ${i}`);
    check(first.config, 'config.json');
    assert.match(first.config, /"lastError"/);

    // ...and one that is kept as signInRequired.reason.
    say = 'dead';
    const second = await everywhere();
    assert.equal(second.printed[0]?.code, 4);
    for (const [i, r] of second.printed.entries()) check(r.stdout + r.stderr, `output ${i}`);
    check(second.config, 'config.json');
    assert.match(second.config, /"signInRequired"/);
  });

  test('who signed in, from the ID token, is shown clean', async () => {
    const provider = await startLocalProvider({
      interop: {
        tamperIdToken: (claims) => {
          claims.email = '\u001b]0;owned\u0007\u001b[2Jeve@tokentray.test\u202e';
        },
      },
    });
    providers.push(provider);
    const home = await freshHome();
    const running = inProcess(
      [
        'add',
        'who',
        '--issuer',
        provider.issuer,
        '--client-id',
        provider.clients.publicClient.clientId,
        '--scope',
        'openid offline_access email',
        '--login',
      ],
      home,
      browser.env,
    );
    const page = await browser.newPage();
    await signInAtProvider(page, await browser.nextUrl(), { allow: true });
    const added = await running;
    assert.equal(added.code, 0, added.stderr);
    const listed = await inProcess(['list', '--json'], home);
    const config = await readFile(join(home, 'config.json'), 'utf8');
    for (const text of [added.stderr, listed.stdout, config]) {
      assert.ok(!CONTROL.test(text) && !text.includes('\u202e'), JSON.stringify(text));
      assert.ok(!text.includes('\\u001b') && !text.includes('\\u202e'), JSON.stringify(text));
    }
    const [who] = JSON.parse(listed.stdout) as { who: string }[];
    assert.equal(who?.who, ']0;owned [2Jeve@tokentray.test', 'the words stay, the controls go');
    assert.match(added.stderr, /Added "who" \(\]0;owned \[2Jeve@tokentray\.test\)/);
    await page.close();
  });

  test('a discovery document that sends the token endpoint to another host is refused; that host hears nothing', async () => {
    const attacker = await recorder('127.0.0.2');
    const provider = await startLocalProvider({
      interop: { rewriteDiscovery: (doc) => (doc.token_endpoint = `${attacker.url}/token`) },
    });
    providers.push(provider);
    const { args, env } = await pastedAdd(provider, 'mixup', { discovery: true });
    const home = await freshHome();
    try {
      const result = await inProcess(args, home, env);
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stderr, /puts its token endpoint on another host, 127\.0\.0\.2:/);
      assert.equal(attacker.seen.length, 0, 'nothing reached the other host');
    } finally {
      await attacker.close();
    }
  });

  test('typed endpoints cannot override a discovered issuer', async () => {
    const attacker = await recorder();
    const provider = await startLocalProvider();
    providers.push(provider);
    const home = await freshHome();
    try {
      const { args, env } = await pastedAdd(provider, 'override', {
        discovery: true,
        extra: ['--token-endpoint', `${attacker.url}/token`],
        refreshToken: 'some-pasted-refresh-token',
      });
      const result = await inProcess(args, home, env);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /--token-endpoint cannot be combined with --issuer/);
      assert.equal(attacker.seen.length, 0);
    } finally {
      await attacker.close();
    }
  });

  test('loopback never goes through HTTP_PROXY; "localhost" is not a loopback literal', async () => {
    const proxy = await recorder();
    const provider = await startLocalProvider();
    providers.push(provider);
    const home = await freshHome();
    const direct = await pastedAdd(provider, 'direct', { discovery: true });
    const env = {
      ...direct.env,
      HTTP_PROXY: proxy.url,
      http_proxy: proxy.url,
      HTTPS_PROXY: proxy.url,
      NO_PROXY: '',
      no_proxy: '',
    };
    try {
      const added = await tokentray(direct.args, home, env);
      assert.equal(added.code, 0, added.stderr);
      assert.equal((await tokentray(['refresh', 'direct'], home, env)).code, 0);
      assert.equal(proxy.seen.length, 0, 'the proxy saw no loopback exchange');

      const port = new URL(provider.issuer).port;
      const named = await tokentray(
        [
          'add',
          'named',
          '--token-endpoint',
          `http://localhost:${port}/token`,
          '--client-id',
          provider.clients.rotating.clientId,
        ],
        home,
        {
          ...env,
          TOKENTRAY_REFRESH_TOKEN: await provider.mintRefreshToken(
            provider.clients.rotating.clientId,
          ),
        },
      );
      assert.equal(named.code, 2, named.stderr);
      assert.match(named.stderr, /is not https/);
    } finally {
      await proxy.close();
    }
  });
});
