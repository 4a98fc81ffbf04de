import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { CLI_PATH } from '../support/cli-runner.js';
import { startGitServer, type GitServer } from '../support/git-smart-http.js';
import { startHandoffFixture, type HandoffFixture } from '../support/handoff-fixture.js';
import { testService } from '../support/keychain-inspect.js';
import { isActive } from '../support/introspect.js';

const run = promisify(execFile);

// Debian's git, cloning and fetching over smart HTTP from `git http-backend` on 127.0.0.1, with
// TokenTray as its credential helper: the server lets in only tokens oidc-provider says are live.
describe('tokentray git-credential with real git', { timeout: 120_000 }, () => {
  let f: HandoffFixture;
  let server: GitServer;
  let other: GitServer;
  let gitHome: string;
  let work: string;
  /** git's environment: an empty home (so no user config), no prompts, the fixture's TokenTray. */
  let gitEnv: NodeJS.ProcessEnv;
  const helper = (host: string) =>
    `!'${process.execPath}' '${CLI_PATH}' git-credential work --host ${host}`;
  const git = (args: string[], cwd = work) => run('git', args, { cwd, env: gitEnv });

  before(async () => {
    f = await startHandoffFixture(testService(import.meta.url));
    await f.addAccount('work');
    const root = await mkdtemp(join(tmpdir(), 'tokentray-git-'));
    gitHome = join(root, 'home');
    work = join(root, 'work');
    await mkdir(gitHome);
    await mkdir(work);
    gitEnv = {
      ...f.env,
      HOME: gitHome,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_TERMINAL_PROMPT: '0',
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@example.com',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@example.com',
    };
    // A bare repository with one commit, served from `root/served`.
    const seed = join(root, 'seed');
    await run('git', ['init', '-q', '-b', 'main', seed], { env: gitEnv });
    await writeFile(join(seed, 'README'), 'hello\n');
    await git(['add', 'README'], seed);
    await git(['commit', '-q', '-m', 'first'], seed);
    await run('git', ['clone', '-q', '--bare', seed, join(root, 'served', 'repo.git')], {
      env: gitEnv,
    });
    const live = (token: string) => isActive(f.provider, token);
    server = await startGitServer(join(root, 'served'), live);
    other = await startGitServer(join(root, 'served'), live);
  });
  after(async () => {
    await server.close();
    await other.close();
    await f.close();
  });

  test('git clones with the helper’s token, and the helper stays silent for another host', async () => {
    const cloned = await git([
      '-c',
      `credential.helper=${helper(server.host)}`,
      'clone',
      '-q',
      `${server.url}/repo.git`,
      'a',
    ]);
    assert.equal(cloned.stderr, '');
    assert.deepEqual(server.attempts.at(-1), { username: 'oauth2', accepted: true });
    // Same helper, the other server's port: the helper answers nothing, git has no credential.
    await assert.rejects(
      git([
        '-c',
        `credential.helper=${helper(server.host)}`,
        'clone',
        '-q',
        `${other.url}/repo.git`,
        'b',
      ]),
      /could not read Username|Authentication failed/,
    );
    assert.equal(other.attempts.length, 0, 'git never sent a password to the other host');
  });

  test('after the token is revoked, git’s erase makes the next fetch get a fresh token', async () => {
    const repo = join(work, 'a');
    const config = ['-c', `credential.helper=${helper(server.host)}`];
    const before = (await f.run(['token', 'work'])).stdout.trim();
    await f.provider.revokeAccessToken(before);
    assert.equal(await isActive(f.provider, before), false);
    f.provider.resetCounts();
    // git presents the cached (now revoked) token, is refused, and calls erase with it.
    await assert.rejects(git([...config, 'fetch', '-q'], repo), /Authentication failed|401/);
    assert.equal(f.provider.counts().success, 1, 'erase of the current token refreshed once');
    await git([...config, 'fetch', '-q'], repo);
    const after = (await f.run(['token', 'work'])).stdout.trim();
    assert.notEqual(after, before);
    assert.ok(await isActive(f.provider, after));
    assert.equal(server.attempts.at(-1)?.accepted, true);
  });

  test('erase of an older token changes nothing; store stores nothing', async () => {
    f.provider.resetCounts();
    const current = (await f.run(['token', 'work'])).stdout.trim();
    const erase = await helperCall(
      'erase',
      `protocol=http\nhost=${server.host}\nusername=oauth2\npassword=an-older-token\n\n`,
    );
    assert.equal(erase.code, 0, erase.stderr);
    const store = await helperCall(
      'store',
      `protocol=http\nhost=${server.host}\nusername=oauth2\npassword=${current}\n\n`,
    );
    assert.equal(store.code, 0, store.stderr);
    assert.equal(store.stdout, '');
    assert.equal(f.provider.counts().total, 0, 'no refresh');
    assert.equal((await f.run(['token', 'work'])).stdout.trim(), current);
  });

  test('get answers only https, or http to loopback, on exactly the account’s host and port', async () => {
    const get = async (input: string, host = 'git.example.com') =>
      (await f.run(['git-credential', 'work', '--host', host, 'get'], input)).stdout;
    const answer = await get('protocol=https\nhost=git.example.com\npath=repo.git\n\n');
    assert.match(answer, /^username=oauth2\npassword=\S+\npassword_expiry_utc=\d+\n$/);
    const expiry = Number(/password_expiry_utc=(\d+)/.exec(answer)?.[1]) * 1000;
    assert.ok(expiry > Date.now() + 60_000, 'the expiry is in the future, in seconds');
    assert.notEqual(
      await get('protocol=https\nhost=git.example.com:443\n'),
      '',
      'the default port written out',
    );
    assert.equal(await get('protocol=https\nhost=git.example.com:8443\n'), '', 'another port');
    assert.equal(await get('protocol=http\nhost=git.example.com\n'), '', 'plain http off loopback');
    assert.equal(await get('protocol=https\nhost=other.example.com\n'), '', 'another host');
    assert.equal(await get('protocol=ssh\nhost=git.example.com\n'), '');
    assert.notEqual(
      await get('protocol=https\nhost=git.example.com:8443\n', 'git.example.com:8443'),
      '',
    );
    const named = await f.run(
      ['git-credential', 'work', '--host', 'git.example.com', '--username', 'me', 'get'],
      'protocol=https\nhost=git.example.com',
    );
    assert.match(named.stdout, /^username=me\n/, 'input may end without a blank line');
  });

  test('setup writes the helper line to the global config, with the absolute CLI path off the PATH', async () => {
    const r = await f.cli(['git-credential', 'setup', 'work', '--host', server.host], {
      HOME: gitHome,
      PATH: '/usr/bin:/bin',
    });
    assert.equal(r.code, 0, r.stderr);
    const again = await f.cli(['git-credential', 'setup', 'work', '--host', server.host], {
      HOME: gitHome,
      PATH: '/usr/bin:/bin',
    });
    assert.equal(again.code, 0, again.stderr);
    const lines = (await git(['config', '--global', '--get-all', 'credential.helper'])).stdout
      .trim()
      .split('\n');
    assert.deepEqual(lines, [
      `!${process.execPath} ${CLI_PATH} git-credential work --host ${server.host}`,
    ]);
    // And git, with only that config, clones.
    await git(['clone', '-q', `${server.url}/repo.git`, 'c']);
    assert.equal(server.attempts.at(-1)?.accepted, true);
  });

  function helperCall(operation: string, input: string) {
    return f.run(['git-credential', 'work', '--host', server.host, operation], input);
  }
});
