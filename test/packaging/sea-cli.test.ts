import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { appLaunchFor } from '../../main/cli/app-launch.js';
import { startBroker, type Broker } from '../../main/node/broker/broker-server.js';
import { engineParts, type TokenEngine } from '../../main/node/engine/token-engine.js';
import { freshHome } from '../support/cli-runner.js';
import { addRotatingAccount, openEngine } from '../support/engine-fixture.js';
import { isActive } from '../support/introspect.js';
import { waitFor } from '../support/wait-for.js';
import { startLocalProvider, type LocalProvider } from '../support/local-provider.js';

// The installed `tokentray`: a Node single executable application, built here by the release's
// own script, laid out as in an installed app (resources/cli/tokentray), and run against the real
// broker, engine, keychain and provider under Node. Where the app itself would be started, a
// stand-in (test/support/stand-in-app.ts, a FAKE of the app) starts that same broker.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SERVICE = 'TokenTray-test-sea';
const exeName = process.platform === 'win32' ? 'tokentray.exe' : 'tokentray';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe('the installed tokentray (single executable)', () => {
  let provider: LocalProvider;
  let install: string;
  let sea: string;

  before(async () => {
    provider = await startLocalProvider();
    install = await mkdtemp(join(tmpdir(), 'tokentray-install-'));
    const cliDir =
      process.platform === 'darwin'
        ? join(install, 'TokenTray.app', 'Contents', 'Resources', 'cli')
        : join(install, 'resources', 'cli');
    execFileSync(process.execPath, [join(ROOT, 'build/sea/build-sea.mjs'), cliDir], {
      stdio: 'ignore',
    });
    sea = join(cliDir, exeName);
  });
  after(async () => {
    await provider?.close();
    await rm(install, { recursive: true, force: true });
  });

  const run = (args: string[], home: string, env: NodeJS.ProcessEnv = {}): Promise<Run> =>
    new Promise((resolve) => {
      execFile(
        sea,
        args,
        {
          cwd: ROOT,
          env: {
            ...process.env,
            TOKENTRAY_HOME: home,
            TOKENTRAY_KEYCHAIN_SERVICE: SERVICE,
            ...env,
          },
        },
        (error, stdout, stderr) =>
          resolve({ code: error === null ? 0 : Number(error.code ?? -1), stdout, stderr }),
      );
    });

  test('holds no keychain code, and nothing to load from beside it', () => {
    const meta = JSON.parse(readFileSync(join(dirname(sea), 'meta.json'), 'utf8')) as {
      inputs: Record<string, unknown>;
    };
    const inputs = Object.keys(meta.inputs);
    assert.ok(inputs.includes('main/node/broker/broker-client.ts'));
    for (const input of inputs) {
      assert.doesNotMatch(input, /keychain-backend|secret-vault|keytar|undici|engine\//, input);
    }
    assert.doesNotMatch(readFileSync(join(dirname(sea), 'tokentray.cjs'), 'utf8'), /keytar/);
  });

  describe('with the app running', () => {
    let home: string;
    let engine: TokenEngine;
    let broker: Broker;
    before(async () => {
      home = await freshHome();
      engine = openEngine(home, SERVICE);
      await addRotatingAccount(engine, provider, 'work');
      broker = await startBroker(engine, home);
    });
    after(() => broker?.close());

    test('`token` prints the app’s access token, in each format', async () => {
      const raw = await run(['token', 'work'], home);
      assert.equal(raw.code, 0, raw.stderr);
      const stored = await engineParts(engine).vault.getAccessToken('work');
      assert.equal(raw.stdout, `${stored?.accessToken}\n`);
      assert.ok(await isActive(provider, raw.stdout.trim()));
      const header = await run(['token', 'work', '--format', 'header'], home);
      assert.equal(header.stdout, `Authorization: Bearer ${stored?.accessToken}\n`);
      // kubectl's exec credential plugin runs the installed command.
      const kube = await run(['token', 'work', '--format', 'exec-credential'], home);
      assert.equal(kube.code, 0, kube.stderr);
      const credential = JSON.parse(kube.stdout) as { kind: string; status: { token: string } };
      assert.equal(credential.kind, 'ExecCredential');
      assert.equal(credential.status.token, stored?.accessToken);
    });

    test('`refresh` has the app refresh, and prints no token', async () => {
      const before = await engineParts(engine).vault.getAccessToken('work');
      const result = await run(['refresh', 'work'], home);
      assert.equal(result.code, 0, result.stderr);
      const after = await engineParts(engine).vault.getAccessToken('work');
      assert.notEqual(after?.accessToken, before?.accessToken);
      assert.doesNotMatch(result.stdout, new RegExp(after?.accessToken ?? 'x'));
    });

    test('the app’s errors arrive with their exit codes; usage errors say what to run', async () => {
      const missing = await run(['token', 'nope'], home);
      assert.equal(missing.code, 3, missing.stderr);
      const usage = await run(['token', 'work', '--format', 'xml'], home);
      assert.equal(usage.code, 2);
      assert.match(usage.stderr, /Use raw, header, json, exec-credential/);
      const unknownOption = await run(['token', 'work', '--bogus'], home);
      assert.equal(unknownOption.code, 2);
      const add = await run(['add', 'x'], home);
      assert.equal(add.code, 2);
      assert.match(add.stderr, /TokenTray window/);
    });
  });

  describe('with the app not running', { skip: process.platform === 'win32' }, () => {
    // The stand-in app goes where appLaunchFor says the app is.
    const placeStandIn = async (): Promise<string> => {
      const { command } = appLaunchFor(sea, process.platform);
      await mkdir(dirname(command), { recursive: true });
      const script = `#!/bin/sh\ncd '${ROOT}' && exec '${process.execPath}' --import tsx test/support/stand-in-app.ts "$@"\n`;
      await writeFile(command, script, { mode: 0o755 });
      return command;
    };
    // The stand-in records its start; under load it may still be loading when the CLI gives up.
    const started = (home: string) =>
      waitFor('the stand-in app to record its start', () =>
        existsSync(join(home, 'stand-in-app.json'))
          ? (JSON.parse(readFileSync(join(home, 'stand-in-app.json'), 'utf8')) as {
              pid: number;
              argv: string[];
            })
          : undefined,
      );

    test('starts the app in the background, waits for its broker, and answers', async () => {
      await placeStandIn();
      const home = await freshHome();
      await addRotatingAccount(openEngine(home, SERVICE), provider, 'work');
      const result = await run(['token', 'work'], home);
      const app = await started(home);
      try {
        assert.equal(result.code, 0, result.stderr);
        assert.ok(await isActive(provider, result.stdout.trim()));
        assert.equal(app.argv[0], '--background', 'tray only, no window');
        if (process.platform === 'linux') assert.ok(app.argv.includes('--ozone-platform=x11'));
        // It keeps running for the next call, which needs no start.
        const again = await run(['token', 'work'], home);
        assert.equal(again.stdout, result.stdout);
      } finally {
        process.kill(app.pid, 'SIGTERM');
      }
      // The broker removes its socket as it closes: the stand-in is gone when it is.
      await waitFor('the stand-in app to stop', () =>
        existsSync(join(home, 'broker', 'broker.sock')) ? undefined : true,
      );
    });

    test('an app that does not come up: a bounded wait, then what to do', async () => {
      await placeStandIn();
      const home = await freshHome();
      const result = await run(['token', 'work'], home, {
        STAND_IN_APP_FAILS: '1',
        TOKENTRAY_START_TIMEOUT: '2',
      });
      assert.equal(result.code, 5);
      assert.match(result.stderr, /did not answer within 2 s/);
      assert.match(result.stderr, /Start TokenTray from your applications menu/);
      assert.equal((await started(home)).argv[0], '--background');
    });
  });
});

describe('where the installed CLI finds its app', () => {
  test('one fixed step from resources/cli on each system', () => {
    assert.deepEqual(appLaunchFor('/opt/TokenTray/resources/cli/tokentray', 'linux'), {
      command: '/opt/TokenTray/tokentray',
      args: ['--background', '--ozone-platform=x11'],
    });
    assert.deepEqual(
      appLaunchFor('/Applications/TokenTray.app/Contents/Resources/cli/tokentray', 'darwin'),
      { command: '/Applications/TokenTray.app/Contents/MacOS/TokenTray', args: ['--background'] },
    );
  });
});
