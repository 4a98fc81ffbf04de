import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CLI_PATH,
  cliEnv,
  freshHome,
  inProcessTokentray,
  start,
  spawnedTokentray,
  transcript,
} from '../support/cli-runner.js';
import { isActive } from '../support/introspect.js';
import { keychainOf, testService } from '../support/keychain-inspect.js';
import { waitFor } from '../support/wait-for.js';
import { startLocalProvider, type LocalProvider } from '../support/local-provider.js';
import { filesContaining } from '../support/secret-scan.js';
import { pastedAdd } from '../support/pasted-add.js';

const SERVICE = testService(import.meta.url);
const { vault, entries: keychainEntries, expireCachedToken } = keychainOf(SERVICE);
/** Each command in-process, through runCli, with its own streams, environment and engine. */
const tokentray = inProcessTokentray(SERVICE);
/** Each command in a new process of the built `bin` entry: for the fast path, exit codes and races. */
const spawned = spawnedTokentray(SERVICE);

// The whole CLI against a real authorization server that rotates refresh tokens and revokes the
// grant when a spent one comes back, with the real keychain.
describe('tokentray CLI with a rotating authorization server', () => {
  let provider: LocalProvider;
  let home: string;
  const spentAndSecret: string[] = [];

  before(async () => {
    provider = await startLocalProvider();
    home = await freshHome();
    spentAndSecret.push(provider.clients.rotating.clientSecret);
  });
  after(() => provider.close());

  const add = async (name: string, extra: string[] = [], refreshToken?: string) => {
    const { args, env } = await pastedAdd(provider, name, {
      scope: 'openid offline_access profile',
      extra,
      ...(refreshToken === undefined ? {} : { refreshToken }),
    });
    spentAndSecret.push(env.TOKENTRAY_REFRESH_TOKEN);
    return tokentray(args, home, env);
  };

  test('add proves the account with one refresh and keeps the rotated refresh token', async () => {
    provider.resetCounts();
    const result = await add('work', ['--label', 'Work API']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /Added "work"/);
    assert.equal(provider.counts().total, 1);
    const stored = await vault.get('work', 'refresh_token');
    assert.ok(
      stored !== undefined && stored !== spentAndSecret.at(-1),
      'the rotated refresh token replaced the pasted one',
    );
  });

  test("token (the bin entry's fast path) prints a live token in every format, and a cached one costs no request", async () => {
    provider.resetCounts();
    const raw = await spawned(['token', 'work'], home);
    assert.equal(raw.code, 0, raw.stderr);
    const token = raw.stdout.trim();
    assert.ok(await isActive(provider, token), 'the server says the printed token is active');

    const header = await spawned(['token', 'work', '--format', 'header'], home);
    assert.equal(header.stdout, `Authorization: Bearer ${token}\n`);

    const json = JSON.parse(
      (await spawned(['token', 'work', '--format', 'json'], home)).stdout,
    ) as Record<string, unknown>;
    assert.equal(json.access_token, token);
    assert.equal(json.token_type, 'Bearer');
    assert.ok(
      Date.parse(String(json.expires_at)) > Date.now() + 3_000_000,
      'expires_at is about an hour away',
    );
    assert.match(String(json.scope), /profile/);
    assert.equal(provider.counts().total, 0, 'no request while the cached token is fresh');
  });

  test('refresh forces a new token and rotates the refresh token again', async () => {
    const before = await vault.get('work', 'refresh_token');
    const oldToken = (await tokentray(['token', 'work'], home)).stdout.trim();
    provider.resetCounts();
    const result = await tokentray(['refresh', 'work'], home);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(provider.counts().success, 1);
    const newToken = (await tokentray(['token', 'work'], home)).stdout.trim();
    assert.notEqual(newToken, oldToken);
    assert.notEqual(await vault.get('work', 'refresh_token'), before);
  });

  test('ten refreshes, each by a new CLI engine, never present a spent refresh token', async () => {
    provider.resetCounts();
    for (let i = 0; i < 10; i++) {
      const result = await tokentray(['refresh', 'work'], home);
      assert.equal(result.code, 0, result.stderr);
    }
    assert.deepEqual(provider.counts(), { success: 10, error: 0, total: 10 });
    assert.ok(await isActive(provider, (await tokentray(['token', 'work'], home)).stdout.trim()));
  });

  test('processes racing for an expired token send one request and agree on the result', async () => {
    await expireCachedToken('work');
    provider.resetCounts();
    const results = await Promise.all(
      Array.from({ length: 6 }, () => spawned(['token', 'work'], home)),
    );
    for (const r of results) assert.equal(r.code, 0, r.stderr);
    assert.equal(
      new Set(results.map((r) => r.stdout)).size,
      1,
      'every process printed the same token',
    );
    assert.deepEqual(provider.counts(), { success: 1, error: 0, total: 1 });
  });

  test('list shows each account with status and expiry, and --json has the documented fields', async () => {
    const table = await tokentray(['list'], home);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^NAME\s+LABEL\s+STATUS\s+EXPIRES IN$/m);
    assert.match(table.stdout, /^work\s+Work API\s+fresh\s+\d+m \d\ds$/m);
    const list = JSON.parse((await tokentray(['list', '--json'], home)).stdout) as Array<
      Record<string, unknown>
    >;
    assert.equal(list.length, 1);
    assert.equal(list[0]?.name, 'work');
    assert.equal(list[0]?.label, 'Work API');
    assert.equal(list[0]?.status, 'fresh');
    assert.ok(!Number.isNaN(Date.parse(String(list[0]?.expiresAt))));
  });

  test('a grant revoked at the server: exit 4, sign-in-required, and only one request', async () => {
    assert.equal((await add('revoked')).code, 0);
    await provider.revokeGrantOf((await vault.get('revoked', 'refresh_token')) ?? '');
    await expireCachedToken('revoked');
    provider.resetCounts();
    const first = await tokentray(['token', 'revoked'], home);
    assert.equal(first.code, 4, first.stderr);
    assert.match(first.stderr, /invalid_grant/);
    assert.match(first.stderr, /[Ss]ign in again/);
    const second = await tokentray(['token', 'revoked'], home);
    assert.equal(second.code, 4);
    const refresh = await tokentray(['refresh', 'revoked'], home);
    assert.equal(refresh.code, 4);
    assert.equal(provider.counts().total, 1, 'a dead grant is asked about once, not on every call');
    const list = JSON.parse((await tokentray(['list', '--json'], home)).stdout) as Array<{
      name: string;
      status: string;
    }>;
    assert.equal(list.find((a) => a.name === 'revoked')?.status, 'sign-in-required');
  });

  test('a failed add keeps nothing: wrong client secret, and a refresh token the server never issued', async () => {
    const before = await keychainEntries();
    const bad1 = await pastedAdd(provider, 'bad1');
    const wrongSecret = await tokentray(bad1.args, home, {
      ...bad1.env,
      TOKENTRAY_CLIENT_SECRET: 'not-the-secret',
    });
    assert.equal(wrongSecret.code, 1, wrongSecret.stderr);
    assert.match(wrongSecret.stderr, /client/i);
    const bogus = await add('bad2', [], 'no-such-refresh-token-1234567890');
    assert.equal(bogus.code, 4, bogus.stderr);
    const names = (
      JSON.parse((await tokentray(['list', '--json'], home)).stdout) as Array<{ name: string }>
    ).map((a) => a.name);
    assert.deepEqual(names.sort(), ['revoked', 'work']);
    assert.deepEqual(
      (await keychainEntries()).map((e) => e.account).sort(),
      before.map((e) => e.account).sort(),
    );
  });

  test('bad usage exits 2, an unknown account exits 3, and secrets are refused on the command line', async () => {
    assert.equal((await tokentray(['token'], home)).code, 2);
    assert.equal((await tokentray(['token', 'work', '--format', 'xml'], home)).code, 2);
    assert.equal((await tokentray(['token', 'work', '--min-ttl', 'soon'], home)).code, 2);
    assert.equal((await tokentray(['add', 'x', '--client-id', 'c'], home)).code, 2);
    assert.equal(
      (
        await tokentray(
          [
            'add',
            'x',
            '--token-endpoint',
            provider.tokenEndpoint,
            '--client-id',
            'c',
            '--refresh-token',
            'abc',
          ],
          home,
        )
      ).code,
      2,
    );
    assert.equal(
      (
        await tokentray(
          ['add', 'bad name!', '--token-endpoint', provider.tokenEndpoint, '--client-id', 'c'],
          home,
          { TOKENTRAY_REFRESH_TOKEN: 'r' },
        )
      ).code,
      2,
    );
    assert.equal(
      (
        await tokentray(
          ['add', 'x', '--token-endpoint', 'http://example.com/token', '--client-id', 'c'],
          home,
          { TOKENTRAY_REFRESH_TOKEN: 'r' },
        )
      ).code,
      2,
    );
    const missing = await tokentray(
      [
        'add',
        'x',
        '--token-endpoint',
        provider.tokenEndpoint,
        '--client-id',
        'c',
        '--auth-method',
        'none',
      ],
      home,
    );
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /TOKENTRAY_REFRESH_TOKEN/);
    const unknown = await tokentray(['token', 'nobody'], home);
    assert.equal(unknown.code, 3);
    assert.match(unknown.stderr, /tokentray list/);
    assert.equal((await tokentray(['refresh', 'nobody'], home)).code, 3);
    assert.equal((await tokentray(['remove', 'nobody'], home)).code, 3);
  });

  test('the bin entry exits with the code runCli returns: 0, 2 for bad usage, 3 for an unknown account', async () => {
    const version = await spawned(['--version'], home);
    assert.equal(version.code, 0, version.stderr);
    assert.match(version.stdout, /^\d+\.\d+\.\d+/);
    const usage = await spawned(['token', 'work', '--format', 'xml'], home);
    assert.equal(usage.code, 2, usage.stderr);
    assert.match(usage.stderr, /^tokentray: /);
    const unknown = await spawned(['token', 'nobody'], home);
    assert.equal(unknown.code, 3, unknown.stderr);
    assert.match(unknown.stderr, /tokentray list/);
  });

  test('at a terminal, add prompts for the client secret and refresh token without echoing them', async () => {
    const { clientId, clientSecret } = provider.clients.rotating;
    const rt = await provider.mintRefreshToken(clientId, { scope: 'openid offline_access' });
    spentAndSecret.push(rt);
    const command = [CLI_PATH, 'add', 'typed', '--token-endpoint', provider.tokenEndpoint]
      .concat(['--client-id', clientId, '--scope', 'openid offline_access'])
      .map((arg) => `'${arg}'`)
      .join(' ');
    // script(1) runs the CLI on a pseudo-terminal: what a person at a shell sees.
    const pty = start(
      'script',
      ['--quiet', '--return', '--command', `'${process.execPath}' ${command}`, '/dev/null'],
      cliEnv(home, { TOKENTRAY_KEYCHAIN_SERVICE: SERVICE }),
    );
    const screen = () => pty.output().stdout;
    let result;
    try {
      await waitFor('the client secret prompt', () =>
        screen().includes('Client secret (leave empty for a public client): '),
      );
      pty.child.stdin.write(`${clientSecret}\r`);
      await waitFor('the refresh token prompt', () => screen().includes('Refresh token: '));
      pty.child.stdin.write(`${rt}\r`);
      result = await pty.done;
    } finally {
      pty.child.kill();
    }
    transcript.push(result);
    assert.equal(result.code, 0, result.stdout);
    assert.match(result.stdout, /Added "typed"/);
    assert.ok(!result.stdout.includes(clientSecret), 'the client secret was echoed');
    assert.ok(!result.stdout.includes(rt), 'the refresh token was echoed');
    const stored = await vault.get('typed', 'refresh_token');
    assert.ok(stored !== undefined && stored !== rt, 'the typed token was proven and rotated');
    assert.equal(await vault.get('typed', 'client_secret'), clientSecret);
  });

  test('remove deletes the account and every keychain entry it had', async () => {
    assert.equal((await add('temp')).code, 0);
    assert.ok((await keychainEntries()).some((e) => e.account.startsWith('temp/')));
    const result = await tokentray(['remove', 'temp'], home);
    assert.equal(result.code, 0, result.stderr);
    assert.equal((await keychainEntries()).filter((e) => e.account.startsWith('temp/')).length, 0);
    assert.equal((await tokentray(['token', 'temp'], home)).code, 3);
  });

  test('no secret reaches the settings folder or any message', async () => {
    const secrets = [...spentAndSecret];
    for (const name of ['work', 'revoked']) {
      for (const kind of ['refresh_token', 'client_secret'] as const) {
        const value = await vault.get(name, kind);
        if (value !== undefined) secrets.push(value);
      }
    }
    assert.deepEqual(await filesContaining(home, secrets), []);
    const accessTokens = transcript
      .filter((r) => /^[A-Za-z0-9_-]{20,}\n$/.test(r.stdout))
      .map((r) => r.stdout.trim());
    for (const result of transcript) {
      for (const secret of [...secrets, ...accessTokens])
        assert.ok(
          !result.stderr.includes(secret),
          `stderr leaked a secret: ${result.stderr.slice(0, 80)}`,
        );
      if (!/^(Authorization: |\{"access_token"|[A-Za-z0-9_-]{20,}\n$)/.test(result.stdout)) {
        for (const secret of secrets)
          assert.ok(!result.stdout.includes(secret), 'stdout leaked a secret');
      }
    }
    for (const secret of secrets)
      assert.ok(
        !transcript.some((r) => r.stdout.includes(secret)),
        'a refresh token or client secret was printed',
      );
  });
});
