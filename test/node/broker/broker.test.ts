import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, stat } from 'node:fs/promises';
import { createConnection, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { AccountStatus } from '../../../main/common/account.js';
import { engineParts, type TokenEngine } from '../../../main/node/engine/token-engine.js';
import { startBroker, type Broker } from '../../../main/node/broker/broker-server.js';
import { MAX_LINE_BYTES } from '../../../main/node/broker/broker-protocol.js';
import { inProcessTokentray, tokentray, transcript } from '../../support/cli-runner.js';
import { addRotatingAccount, openEngine } from '../../support/engine-fixture.js';
import { isActive } from '../../support/introspect.js';
import { startLocalProvider, type LocalProvider } from '../../support/local-provider.js';

const SERVICE = 'TokenTray-test-broker';
/** A CLI process with no keychain at all (no D-Bus session). */
const NO_KEYCHAIN = { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/tokentray-test-bus' };
const inProcess = inProcessTokentray(SERVICE);

// The app's side is a real engine and a real broker in this process (as the app runs them, minus
// Electron). The CLI runs in-process through runCli, talking to the broker over its real socket;
// `viaAppOnly` gives it no engine of its own, so whatever it prints came from the app. Where only
// a CLI process without a D-Bus session shows the behaviour, the built CLI is spawned.
describe('the app as broker: the CLI gets its tokens from the running app', () => {
  let provider: LocalProvider;
  let home: string;
  let engine: TokenEngine;
  let broker: Broker | undefined;
  const accessTokens = new Set<string>();

  const cli = (args: string[], env: NodeJS.ProcessEnv = {}, dataDir = home) =>
    inProcess(args, dataDir, env);
  /** A CLI that may not open an engine (keychain, settings, network) of its own. */
  const viaAppOnly = (args: string[], dataDir = home) =>
    inProcess(
      args,
      dataDir,
      {},
      {
        openEngine: () => {
          throw new Error('the CLI opened an engine of its own instead of asking the app');
        },
      },
    );
  const spawnedWithoutKeychain = (args: string[]) =>
    tokentray(args, home, { TOKENTRAY_KEYCHAIN_SERVICE: SERVICE, ...NO_KEYCHAIN });

  /** The app starting afresh: a new engine, nothing in its memory, a new broker. */
  const restartApp = async (): Promise<TokenEngine> => {
    await broker?.close();
    engine = openEngine(home, SERVICE);
    broker = await startBroker(engine, home);
    return engine;
  };

  const add = async (target: TokenEngine, name: string) => {
    const { token } = await addRotatingAccount(target, provider, name, {
      scopes: ['openid', 'offline_access'],
      mintScope: 'openid offline_access',
    });
    accessTokens.add(token.accessToken);
  };

  const expireInKeychain = async (name: string) => {
    const record = await engineParts(engine).vault.getAccessToken(name);
    assert.ok(record);
    await engineParts(engine).vault.setAccessToken(name, {
      ...record,
      issuedAt: record.issuedAt - 7_200_000,
      expiresAt: Date.now() - 1_000,
    });
  };

  const printed = (result: { code: number; stdout: string; stderr: string }): string => {
    assert.equal(result.code, 0, result.stderr);
    const token = result.stdout.trim();
    accessTokens.add(token);
    return token;
  };

  before(async () => {
    provider = await startLocalProvider();
    home = await mkdtemp(join(tmpdir(), 'tokentray-broker-'));
    engine = openEngine(home, SERVICE);
    await add(engine, 'work');
    broker = await startBroker(engine, home);
  });
  after(async () => {
    await broker?.close();
    for (const name of await engineParts(engine)
      .vault.accountNames()
      .catch(() => []))
      await engineParts(engine)
        .vault.deleteAccount(name)
        .catch(() => undefined);
    await provider.close();
  });

  test('the CLI prints the running app’s token, with no engine of its own and no request', async () => {
    provider.resetCounts();
    const expected = (await engine.getToken('work')).accessToken;
    assert.equal(printed(await viaAppOnly(['token', 'work'])), expected);
    // The same from a real CLI process with no D-Bus session, through the bin entry's fast path.
    assert.equal(printed(await spawnedWithoutKeychain(['token', 'work'])), expected);
    const header = await viaAppOnly(['token', 'work', '--format', 'header']);
    assert.equal(header.stdout, `Authorization: Bearer ${expected}\n`);
    assert.equal(provider.counts().total, 0);
  });

  test('a stale token is refreshed once, by the app, however many CLIs ask at once', async () => {
    await expireInKeychain('work');
    const app = await restartApp();
    const statuses: AccountStatus[] = [];
    app.onStatus((r) => statuses.push(r.status));
    provider.resetCounts();
    const results = await Promise.all(
      Array.from({ length: 4 }, () => viaAppOnly(['token', 'work'])),
    );
    const tokens = new Set(results.map(printed));
    assert.equal(tokens.size, 1, 'every CLI printed the same token');
    assert.deepEqual(provider.counts(), { success: 1, error: 0, total: 1 });
    assert.deepEqual(statuses, ['refreshing', 'fresh'], 'the app did the refresh');
    const [token] = tokens;
    assert.equal(token, (await engineParts(app).vault.getAccessToken('work'))?.accessToken);
    assert.ok(await isActive(provider, token ?? ''));
  });

  test('refresh goes through the app', async () => {
    const old = (await engine.getToken('work')).accessToken;
    provider.resetCounts();
    const result = await viaAppOnly(['refresh', 'work']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /^Refreshed "work"\. The new token is valid for 5\dm/);
    assert.equal(provider.counts().success, 1);
    const fresh = printed(await viaAppOnly(['token', 'work']));
    assert.notEqual(fresh, old);
    assert.equal(fresh, (await engine.getToken('work')).accessToken);
  });

  test('an account the CLI removed and added again: the app answers for the new grant', async () => {
    await add(engine, 'swap');
    const old = printed(await viaAppOnly(['token', 'swap']));
    const removed = await cli(['remove', 'swap']);
    assert.equal(removed.code, 0, removed.stderr);
    const { clientId, clientSecret } = provider.clients.rotating;
    const scope = 'openid offline_access';
    const readded = await cli(
      ['add', 'swap', '--token-endpoint', provider.tokenEndpoint, '--client-id', clientId],
      {
        TOKENTRAY_CLIENT_SECRET: clientSecret,
        TOKENTRAY_REFRESH_TOKEN: await provider.mintRefreshToken(clientId, { scope }),
      },
    );
    assert.equal(readded.code, 0, readded.stderr);
    const fresh = printed(await viaAppOnly(['token', 'swap']));
    assert.notEqual(fresh, old, 'not the removed grant’s token from the app’s memory');
    assert.equal(fresh, (await engineParts(engine).vault.getAccessToken('swap'))?.accessToken);
  });

  test('the socket is this user’s alone: mode 0600, in a folder of mode 0700', async () => {
    assert.ok(broker);
    const socket = await stat(broker.address);
    const folder = await stat(dirname(broker.address));
    assert.ok(socket.isSocket());
    assert.equal(socket.mode & 0o777, 0o600);
    assert.equal(folder.mode & 0o777, 0o700);
    assert.equal(socket.uid, process.getuid?.());
    assert.equal(folder.uid, process.getuid?.());
    assert.equal(dirname(broker.address), join(home, 'broker'));
  });

  test('errors from the app read exactly as local ones, with the same exit codes', async () => {
    await add(engine, 'revoked');
    await provider.revokeGrantOf(
      (await engineParts(engine).vault.get('revoked', 'refresh_token')) ?? '',
    );
    const refresh = await viaAppOnly(['refresh', 'revoked']);
    assert.equal(refresh.code, 4, refresh.stderr);
    assert.match(refresh.stderr, /invalid_grant/);
    const viaApp = {
      revoked: await viaAppOnly(['token', 'revoked']),
      nobody: await viaAppOnly(['token', 'nobody']),
      refreshNobody: await viaAppOnly(['refresh', 'nobody']),
    };
    await broker?.close();
    broker = undefined;
    const local = {
      revoked: await cli(['token', 'revoked']),
      nobody: await cli(['token', 'nobody']),
      refreshNobody: await cli(['refresh', 'nobody']),
    };
    assert.equal(viaApp.revoked.code, 4);
    assert.match(viaApp.revoked.stderr, /^tokentray: Account "revoked" needs to sign in again/);
    assert.equal(viaApp.nobody.code, 3);
    assert.equal(viaApp.refreshNobody.code, 3);
    assert.deepEqual(viaApp, local);
    await restartApp();
  });

  test('with the app closed, the CLI falls back to the keychain and the lock', async () => {
    await broker?.close();
    broker = undefined;
    const expected = (await engineParts(engine).vault.getAccessToken('work'))?.accessToken;
    assert.equal(printed(await cli(['token', 'work'])), expected);
    await expireInKeychain('work');
    provider.resetCounts();
    const fresh = printed(await cli(['token', 'work']));
    assert.notEqual(fresh, expected);
    assert.equal(provider.counts().success, 1, 'the CLI refreshed on its own');
    const noKeychain = await spawnedWithoutKeychain(['token', 'work']);
    assert.equal(noKeychain.code, 1, 'without the app, a CLI with no keychain has no token');
    assert.match(noKeychain.stderr, /keychain is not reachable/);
    await restartApp();
  });

  test('a socket left by a crashed app: the CLI falls back at once, and the next start replaces it', async () => {
    assert.ok(broker);
    const path = broker.address;
    await broker.close();
    broker = undefined;
    await crashWhileListening(path);
    assert.ok((await stat(path)).isSocket(), 'the crashed listener left its socket file');
    const started = Date.now();
    printed(await cli(['token', 'work']));
    assert.ok(Date.now() - started < 3_000, 'no wait on a refused connection');
    await restartApp();
    await assert.rejects(startBroker(engine, home), /already serving tokens/);
    printed(await viaAppOnly(['token', 'work']));
  });

  test('a listener that never answers (a frozen app): the CLI falls back after about a second', async () => {
    assert.ok(broker);
    const path = broker.address;
    await broker.close();
    broker = undefined;
    const accepted: Socket[] = [];
    const frozen = createServer((socket) => void accepted.push(socket)); // accepts, never reads
    await new Promise<void>((resolve) => frozen.listen(path, resolve));
    try {
      const started = Date.now();
      printed(await cli(['token', 'work']));
      const ms = Date.now() - started;
      assert.ok(ms >= 1_000 && ms < 5_000, `fell back after ${ms} ms`);
    } finally {
      await new Promise((resolve) => {
        frozen.close(resolve);
        for (const socket of accepted) socket.destroy();
      });
    }
    await restartApp();
  });

  test('garbage on the socket is declined and the broker keeps serving', async () => {
    assert.ok(broker);
    const path = broker.address;
    const hello = JSON.stringify({ tokentray: 'broker', v: 1 });
    assert.deepEqual(await exchange(path, 'not json\n'), [
      hello,
      '{"id":null,"ok":false,"declined":"bad_request"}',
    ]);
    assert.deepEqual(await exchange(path, 'x'.repeat(MAX_LINE_BYTES + 10)), [
      hello,
      '{"id":null,"ok":false,"declined":"line_too_long"}',
    ]);
    const request = { v: 1, op: 'token', name: 'work', minTtl: 60, service: SERVICE };
    assert.deepEqual(await exchange(path, `${JSON.stringify({ ...request, id: 3, v: 99 })}\n`), [
      hello,
      '{"id":3,"ok":false,"declined":"unsupported_version"}',
    ]);
    assert.deepEqual(
      await exchange(path, `${JSON.stringify({ ...request, id: 4, name: '../x' })}\n`),
      [hello, '{"id":4,"ok":false,"declined":"bad_request"}'],
    );
    assert.deepEqual(
      await exchange(path, `${JSON.stringify({ ...request, id: 5, service: 'other' })}\n`, 2),
      [hello, '{"id":5,"ok":false,"declined":"other_keychain"}'],
    );
    // Several requests on one connection, in one write: one answer each.
    const both = await exchange(
      path,
      `${JSON.stringify({ ...request, id: 6 })}\n${JSON.stringify({ ...request, id: 7 })}\n`,
      3,
    );
    const answers = both.slice(1).map((l) => JSON.parse(l) as { id: number; ok: boolean });
    assert.deepEqual(answers.map((a) => [a.id, a.ok]).sort(), [
      [6, true],
      [7, true],
    ]);
    // Clients that leave at once, or half-way through a request.
    createConnection(path).destroy();
    const half = createConnection(path, () => half.end('{"v":1,"id":')).resume();
    await new Promise((resolve) => half.on('close', resolve));
    printed(await viaAppOnly(['token', 'work']));
  });

  test('a data folder too deep for a socket path: the broker moves to the runtime folder, and the CLI finds it', async () => {
    const deep = join(await mkdtemp(join(tmpdir(), 'tokentray-broker-')), 'deep'.repeat(25));
    await mkdir(deep, { recursive: true, mode: 0o700 });
    const far = openEngine(deep, SERVICE);
    await add(far, 'far');
    const farBroker = await startBroker(far, deep);
    try {
      assert.ok(!farBroker.address.startsWith(deep));
      assert.ok(Buffer.byteLength(farBroker.address) <= 100);
      const runtime = process.env.XDG_RUNTIME_DIR;
      if (runtime !== undefined) assert.ok(farBroker.address.startsWith(runtime));
      assert.equal((await stat(dirname(farBroker.address))).mode & 0o777, 0o700);
      const token = printed(await viaAppOnly(['token', 'far'], deep));
      assert.equal(token, (await far.getToken('far')).accessToken);
    } finally {
      await farBroker.close();
    }
    await assert.rejects(stat(farBroker.address), { code: 'ENOENT' });
  });

  test('no access token reaches any message', () => {
    assert.ok(accessTokens.size >= 3);
    for (const result of transcript)
      for (const token of accessTokens)
        assert.ok(!result.stderr.includes(token), `stderr leaked: ${result.stderr.slice(0, 80)}`);
  });
});

/** Sends `payload`, then collects lines until `lines` have come or the broker closed. */
function exchange(path: string, payload: string, lines = Infinity): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path, () => socket.write(payload));
    let text = '';
    const done = (): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(text.split('\n').filter((l) => l !== ''));
    };
    const timer = setTimeout(() => reject(new Error(`no answer: ${text}`)), 5_000);
    socket.on('data', (d: Buffer) => {
      text += d.toString();
      if (text.split('\n').length - 1 >= lines) done();
    });
    socket.on('error', () => undefined); // the broker may close while we still write
    socket.on('close', done);
  });
}

/** A process that listens on `path` and dies without cleaning up, as a crashed app would. */
function crashWhileListening(path: string): Promise<void> {
  const script = `require('node:net').createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, 'SIGKILL'))`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script], { stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', () => resolve());
  });
}
