import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CLI_PATH } from '../support/cli-runner.js';
import { startHandoffFixture, type HandoffFixture } from '../support/handoff-fixture.js';
import { testService } from '../support/keychain-inspect.js';
import { isActive } from '../support/introspect.js';

/** A child that reports what it sees: the variables of interest and its own argv. */
const REPORT = `process.stdout.write(JSON.stringify({ env: process.env, argv: process.argv }))`;

interface Seen {
  env: Record<string, string | undefined>;
  argv: string[];
}

// `tokentray exec` in a real process, running a real child: what the child sees, and what comes
// back from it (exit status, signals).
describe('tokentray exec', { timeout: 120_000 }, () => {
  let f: HandoffFixture;
  before(async () => {
    f = await startHandoffFixture(testService(import.meta.url));
    await f.addAccount('work');
    await f.addAccount('gh', { preset: 'github' });
    await f.addAccount('gcp', { preset: 'google' });
  });
  after(() => f.close());

  test('the child gets a live token in TOKENTRAY_ACCESS_TOKEN and each --env, never in argv, and no secret', async () => {
    const r = await f.cli(
      [
        'exec',
        'work',
        '--env',
        'API_TOKEN',
        '--env',
        'OTHER',
        '--',
        process.execPath,
        '-e',
        REPORT,
      ],
      { TOKENTRAY_CLIENT_SECRET: 'parent-client-secret', TOKENTRAY_REFRESH_TOKEN: 'parent-rt' },
    );
    assert.equal(r.code, 0, r.stderr);
    const seen = JSON.parse(r.stdout) as Seen;
    const token = seen.env.TOKENTRAY_ACCESS_TOKEN;
    assert.ok(
      token !== undefined && (await isActive(f.provider, token)),
      'the server says it is live',
    );
    assert.equal(seen.env.API_TOKEN, token);
    assert.equal(seen.env.OTHER, token);
    assert.equal(seen.env.GH_TOKEN, undefined, 'no preset variables for a custom account');
    assert.equal(seen.env.TOKENTRAY_CLIENT_SECRET, undefined);
    assert.equal(seen.env.TOKENTRAY_REFRESH_TOKEN, undefined);
    assert.ok(!seen.argv.some((a) => a.includes(token)), 'the token is not in the child argv');
    assert.equal(seen.env.TOKENTRAY_HOME, f.home, 'the rest of the environment is inherited');
  });

  test('the GitHub and Google presets add their well-known variables', async () => {
    const gh = JSON.parse(
      (await f.cli(['exec', 'gh', '--', process.execPath, '-e', REPORT])).stdout,
    ) as Seen;
    assert.ok(gh.env.TOKENTRAY_ACCESS_TOKEN !== undefined);
    assert.equal(gh.env.GH_TOKEN, gh.env.TOKENTRAY_ACCESS_TOKEN);
    assert.equal(gh.env.GITHUB_TOKEN, gh.env.TOKENTRAY_ACCESS_TOKEN);
    assert.equal(gh.env.CLOUDSDK_AUTH_ACCESS_TOKEN, undefined);
    const gcp = JSON.parse(
      (await f.cli(['exec', 'gcp', '--', process.execPath, '-e', REPORT])).stdout,
    ) as Seen;
    assert.equal(gcp.env.CLOUDSDK_AUTH_ACCESS_TOKEN, gcp.env.TOKENTRAY_ACCESS_TOKEN);
    assert.equal(gcp.env.GOOGLE_OAUTH_ACCESS_TOKEN, gcp.env.TOKENTRAY_ACCESS_TOKEN);
    assert.equal(gcp.env.GH_TOKEN, undefined);
  });

  test('the exit status is the child’s, and a child killed by signal N makes exec exit 128+N', async () => {
    assert.equal(
      (await f.cli(['exec', 'work', '--', process.execPath, '-e', 'process.exit(7)'])).code,
      7,
    );
    const killed = await f.cli([
      'exec',
      'work',
      '--',
      process.execPath,
      '-e',
      'process.kill(process.pid, "SIGKILL")',
    ]);
    assert.equal(killed.code, 128 + 9);
  });

  test('the child reads exec’s stdin', async () => {
    const r = await runExec(
      ['exec', 'work', '--', process.execPath, '-e', 'process.stdin.pipe(process.stdout)'],
      { input: 'piped through\n' },
    );
    assert.equal(r.code, 0);
    assert.equal(r.stdout, 'piped through\n');
  });

  for (const [signal, number] of [
    ['SIGTERM', 15],
    ['SIGINT', 2],
  ] as const) {
    test(`${signal} sent to exec reaches the child`, async () => {
      // The child says when its handler is in place, then answers the signal with its own status;
      // a second child has no handler and dies of the signal, which exec reports as 128+N.
      const handles = `process.on('${signal}', () => process.exit(42)); console.log('ready'); setInterval(() => {}, 1000);`;
      const handled = await runExec(['exec', 'work', '--', process.execPath, '-e', handles], {
        signal,
      });
      assert.equal(handled.code, 42, handled.stderr);
      const dies = `console.log('ready'); setInterval(() => {}, 1000);`;
      const died = await runExec(['exec', 'work', '--', process.execPath, '-e', dies], { signal });
      assert.equal(died.code, 128 + number, died.stderr);
    });
  }

  test('an unknown account exits 3 without running the command; a missing -- or command exits 2', async () => {
    const marker = join(f.home, 'ran');
    const write = `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'x')`;
    const unknown = await f.run(['exec', 'nobody', '--', process.execPath, '-e', write]);
    assert.equal(unknown.code, 3, unknown.stderr);
    assert.match(unknown.stderr, /nobody/);
    assert.equal(existsSync(marker), false, 'the command did not run');
    const noDashes = await f.run(['exec', 'work', process.execPath, '-e', write]);
    assert.equal(noDashes.code, 2);
    assert.match(noDashes.stderr, /--/);
    assert.equal((await f.run(['exec', 'work', '--'])).code, 2);
    assert.equal(existsSync(marker), false);
  });

  test('a command that does not exist is reported, not thrown', async () => {
    const r = await f.run(['exec', 'work', '--', 'tokentray-no-such-command-xyz']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /not found/);
  });

  /** Runs exec with stdin, optionally sending a signal to exec once its child printed "ready". */
  function runExec(
    args: string[],
    options: { input?: string; signal?: NodeJS.Signals },
  ): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [CLI_PATH, ...args], { env: f.env, stdio: 'pipe' });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (options.signal !== undefined && stdout.includes('ready')) child.kill(options.signal);
      });
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code, signal) =>
        resolve({ code: signal === null ? (code ?? -1) : -1, stdout, stderr }),
      );
      child.stdin.end(options.input ?? '');
    });
  }
});
