import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { CLI_PATH } from '../support/cli-runner.js';
import { startHandoffFixture, type HandoffFixture } from '../support/handoff-fixture.js';
import { testService } from '../support/keychain-inspect.js';

const run = promisify(execFile);
const has = (shell: string) => {
  try {
    execFileSync(shell, ['-c', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

// The completion scripts in the real shells: each must parse, and completing `tokentray token
// <TAB>` must list the accounts, which the script gets from `tokentray` itself, with no secret.
describe('tokentray completion', { timeout: 120_000 }, () => {
  let f: HandoffFixture;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    f = await startHandoffFixture(testService(import.meta.url));
    await f.addAccount('work');
    await f.addAccount('staging');
    // `tokentray` on the PATH, as an installed CLI is.
    const bin = join(f.home, 'bin');
    await mkdir(bin);
    await writeFile(
      join(bin, 'tokentray'),
      `#!/bin/sh\nexec '${process.execPath}' '${CLI_PATH}' "$@"\n`,
    );
    await chmod(join(bin, 'tokentray'), 0o755);
    // No session bus: a completion that reached for the keychain would fail here.
    env = {
      ...f.env,
      PATH: `${bin}:${process.env.PATH ?? ''}`,
      DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent',
    };
  });
  after(() => f.close());

  const script = async (shell: string) => (await f.cli(['completion', shell])).stdout;

  test('bash: the script parses, and token <TAB> lists the accounts', async () => {
    const file = join(f.home, 'completion.bash');
    await writeFile(file, await script('bash'));
    await run('bash', ['-n', file]);
    const complete = async (...words: string[]) => {
      const line = `source ${file}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _tokentray; printf '%s\\n' "\${COMPREPLY[@]}"`;
      return (await run('bash', ['-c', line], { env })).stdout
        .split('\n')
        .filter((w) => w !== '')
        .sort();
    };
    assert.deepEqual(await complete('tokentray', 'token', ''), ['staging', 'work']);
    assert.deepEqual(await complete('tokentray', 'token', 'w'), ['work']);
    assert.deepEqual(await complete('tokentray', 'tok'), ['token']);
    assert.deepEqual(await complete('tokentray', 'token', 'work', '--format', ''), [
      'exec-credential',
      'header',
      'json',
      'raw',
    ]);
    assert.deepEqual(
      await complete('tokentray', 'token', '--min-ttl', '60', ''),
      ['staging', 'work'],
      'a flag value is not the account',
    );
    assert.deepEqual(await complete('tokentray', 'token', 'work', ''), [], 'one account only');
    assert.deepEqual(await complete('tokentray', 'serve', 'work', '--g'), ['--gce']);
    assert.deepEqual(await complete('tokentray', 'git-credential', ''), [
      'setup',
      'staging',
      'work',
    ]);
    assert.deepEqual(await complete('tokentray', 'git-credential', 'setup', ''), [
      'staging',
      'work',
    ]);
  });

  test(
    'zsh: the script parses, and token <TAB> offers the accounts',
    { skip: !has('zsh') && 'SKIPPED: zsh is not installed' },
    async () => {
      const file = join(f.home, 'completion.zsh');
      await writeFile(file, await script('zsh'));
      await run('zsh', ['-n', file]);
      // compadd and compdef stand in for the completion system, printing what would be offered.
      const line = `compdef() { :; }; compadd() { local a; for a in "$@"; do [[ $a == -- ]] || print -r -- $a; done; }; source ${file}; words=(tokentray token ''); CURRENT=3; _tokentray`;
      const offered = (await run('zsh', ['-f', '-c', line], { env })).stdout
        .split('\n')
        .filter((w) => w !== '')
        .sort();
      assert.deepEqual(offered, ['staging', 'work']);
    },
  );

  test(
    'fish: the script parses, and fish itself completes token <TAB> to the accounts',
    { skip: !has('fish') && 'SKIPPED: fish is not installed' },
    async () => {
      const file = join(f.home, 'completion.fish');
      await writeFile(file, await script('fish'));
      await run('fish', ['-n', file]);
      const offered = async (line: string) =>
        (
          await run('fish', ['--no-config', '-c', `source ${file}; complete -C '${line}'`], { env })
        ).stdout
          .split('\n')
          .filter((w) => w !== '')
          .map((w) => w.split('\t')[0])
          .sort();
      assert.deepEqual(await offered('tokentray token '), ['staging', 'work']);
      assert.deepEqual(await offered('tokentray token work --format '), [
        'exec-credential',
        'header',
        'json',
        'raw',
      ]);
    },
  );

  test('the account list reads no secret: it works with no keychain at all', async () => {
    const r = await f.cli(['__complete', 'accounts'], {
      DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent',
    });
    assert.equal(r.code, 0);
    assert.equal(r.stdout, 'staging\nwork\n');
    assert.equal(r.stderr, '');
  });

  test('an unknown shell is a usage error', async () => {
    const r = await f.run(['completion', 'tcsh']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /bash\|zsh\|fish/);
  });
});
