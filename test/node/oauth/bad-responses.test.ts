import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startBadTokenEndpoint, type BadMode } from '../../support/bad-token-endpoint.js';
import { freshHome, inProcessTokentray } from '../../support/cli-runner.js';
import { keychainOf, testService } from '../../support/keychain-inspect.js';
import { ManualClock, settleOnClock } from '../../support/manual-clock.js';

const SERVICE = testService(import.meta.url);
const { vault, entries: keychainEntries, expireCachedToken } = keychainOf(SERVICE);
const inProcess = inProcessTokentray(SERVICE);
/** The CLI in-process on a manual clock: the engine's retry delays pass in simulated time. */
const tokentray = (args: string[], home: string, env: NodeJS.ProcessEnv = {}) => {
  const clock = new ManualClock(Date.now());
  return settleOnClock(clock, inProcess(args, home, env, { clock }), { stepMs: 60_000 });
};

// A token endpoint that misbehaves, served for real on loopback. Whatever it sends, the user gets
// a clear error, and nothing from the response is stored: the refresh token and cached access
// token stay exactly as they were. Only "slow-headers" costs real time: the HTTP deadline.
describe('bad token responses', () => {
  let server: Awaited<ReturnType<typeof startBadTokenEndpoint>>;
  let home: string;
  const env = {
    TOKENTRAY_CLIENT_SECRET: 'bad-endpoint-client-secret',
    TOKENTRAY_REFRESH_TOKEN: 'bad-endpoint-refresh-token-0001',
    TOKENTRAY_HTTP_TIMEOUT: '2',
  };

  before(async () => {
    server = await startBadTokenEndpoint();
    home = await freshHome();
    const ok = await tokentray(
      ['add', 'acct', '--token-endpoint', server.currentUrl, '--client-id', 'client-1'],
      home,
      env,
    );
    assert.equal(ok.code, 0, ok.stderr);
  });
  after(() => server.close());

  /** slow-headers waits out the whole-exchange deadline, on every try: keep it short there. */
  const envFor = (mode: BadMode) =>
    mode === 'slow-headers' ? { ...env, TOKENTRAY_HTTP_TIMEOUT: '0.5' } : env;

  const cases: Array<{ mode: BadMode; exit: number; says: RegExp }> = [
    { mode: 'not-json', exit: 1, says: /not JSON/ },
    { mode: 'html-200', exit: 1, says: /not JSON/ },
    {
      mode: 'html-error',
      exit: 5,
      says: /temporarily unavailable: it answered HTTP 502 with an HTML page/,
    },
    { mode: 'no-access-token', exit: 1, says: /no access_token/ },
    { mode: 'negative-expires', exit: 1, says: /expires_in/ },
    { mode: 'string-expires', exit: 1, says: /expires_in/ },
    { mode: 'huge-expires', exit: 1, says: /expires_in/ },
    { mode: 'oversized', exit: 1, says: /larger than TokenTray accepts/ },
    { mode: 'slow-headers', exit: 5, says: /timed out/ },
    { mode: 'server-error', exit: 5, says: /temporarily unavailable: it answered HTTP 503/ },
    { mode: 'rate-limited', exit: 5, says: /rate-limiting requests: it answered HTTP 429/ },
    { mode: 'invalid-client', exit: 1, says: /client/ },
    { mode: 'invalid-grant', exit: 4, says: /invalid_grant/ },
    { mode: 'bad-utf8', exit: 1, says: /not valid UTF-8/ },
    { mode: 'rotated-bad-utf8', exit: 1, says: /not valid UTF-8/ },
    { mode: 'bad-token-chars', exit: 1, says: /access_token holding characters that RFC 6749/ },
    {
      mode: 'rotated-bad-token-chars',
      exit: 1,
      says: /refresh_token holding characters that RFC 6749/,
    },
  ];

  for (const { mode, exit, says } of cases) {
    test(`adding against "${mode}" fails clearly and keeps nothing`, async () => {
      const before = (await keychainEntries()).map((e) => e.account).sort();
      const result = await tokentray(
        ['add', `new-${mode}`, '--token-endpoint', server.url(mode), '--client-id', 'client-1'],
        home,
        envFor(mode),
      );
      assert.equal(result.code, exit, result.stderr);
      assert.match(result.stderr, says);
      assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
      assert.ok(
        !result.stderr.includes(env.TOKENTRAY_REFRESH_TOKEN) &&
          !result.stderr.includes(env.TOKENTRAY_CLIENT_SECRET),
      );
      assert.deepEqual((await keychainEntries()).map((e) => e.account).sort(), before);
      const settings = JSON.parse(await readFile(join(home, 'config.json'), 'utf8')) as {
        accounts: Record<string, unknown>;
      };
      assert.deepEqual(Object.keys(settings.accounts), ['acct']);
    });
  }

  for (const { mode, exit, says } of cases.filter((c) => c.mode !== 'invalid-grant')) {
    test(`an existing account whose endpoint turns "${mode}" keeps its tokens`, async () => {
      server.setCurrent(mode);
      await expireCachedToken('acct');
      const refreshToken = await vault.get('acct', 'refresh_token');
      const cached = await vault.getAccessToken('acct');
      const result = await tokentray(['token', 'acct'], home, envFor(mode));
      assert.equal(result.code, exit, result.stderr);
      assert.match(result.stderr, says);
      assert.equal(result.stdout, '');
      assert.equal(await vault.get('acct', 'refresh_token'), refreshToken);
      assert.deepEqual(await vault.getAccessToken('acct'), cached);
      const list = JSON.parse((await tokentray(['list', '--json'], home)).stdout) as Array<{
        status: string;
        message?: string;
      }>;
      assert.equal(list[0]?.status, 'error');
      assert.match(list[0]?.message ?? '', says);
    });
  }

  test('once the endpoint works again, the account recovers and the error clears', async () => {
    server.setCurrent('ok');
    const result = await tokentray(['token', 'acct'], home, env);
    assert.equal(result.code, 0, result.stderr);
    const list = JSON.parse((await tokentray(['list', '--json'], home)).stdout) as Array<{
      status: string;
    }>;
    assert.equal(list[0]?.status, 'fresh');
  });
});
