import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import {
  chmod,
  copyFile,
  mkdir,
  mkdtemp,
  realpath,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

// build/cli/tokentray, the shell wrapper the deb links as /usr/bin/tokentray, laid out as the deb
// installs it (/opt/TokenTray/resources/cli). The app binary is a FAKE that prints what it was
// given: this checks the wrapper's own work (following links, finding the binary and the script,
// passing arguments and exit codes); packaging.test.ts runs it with the real binary.

const run = promisify(execFile);
const wrapperSource = fileURLToPath(new URL('../../build/cli/tokentray', import.meta.url));
const FAKE_APP_BINARY = `#!/bin/sh
printf '%s\\n' "ELECTRON_RUN_AS_NODE=$ELECTRON_RUN_AS_NODE" "$@"
exit 7
`;

describe('the tokentray shell wrapper', { skip: process.platform === 'win32' }, () => {
  let root: string;
  let app: string;

  before(async () => {
    root = await realpath(await mkdtemp(join(tmpdir(), 'tokentray-wrapper-')));
    app = join(root, 'opt/TokenTray');
    await mkdir(join(app, 'resources/cli'), { recursive: true });
    await copyFile(wrapperSource, join(app, 'resources/cli/tokentray'));
    await chmod(join(app, 'resources/cli/tokentray'), 0o755);
    await writeFile(join(app, 'tokentray'), FAKE_APP_BINARY, { mode: 0o755 });
    // Two hops, one relative, as /usr/bin -> /etc/alternatives -> /opt would be.
    await mkdir(join(root, 'usr/bin'), { recursive: true });
    await mkdir(join(root, 'etc'), { recursive: true });
    await symlink(join(app, 'resources/cli/tokentray'), join(root, 'etc/tokentray'));
    await symlink('../../etc/tokentray', join(root, 'usr/bin/tokentray'));
  });
  after(() => rm(root, { recursive: true, force: true }));

  test('runs the unpacked CLI script with the app binary in Node mode, passing arguments', async () => {
    const result = await run(join(root, 'usr/bin/tokentray'), [
      'token',
      'work',
      '--format',
      'a b',
    ]).then(
      () => assert.fail('the exit code was lost'),
      (err: { code: number; stdout: string }) => err,
    );
    assert.equal(result.code, 7);
    assert.deepEqual(result.stdout.split('\n').slice(0, -1), [
      'ELECTRON_RUN_AS_NODE=1',
      join(app, 'resources/app.asar.unpacked/dist/main/cli/tokentray.mjs'),
      'token',
      'work',
      '--format',
      'a b',
    ]);
  });

  test('says what is wrong when the app is gone', async () => {
    await rm(join(app, 'tokentray'));
    const err = (await run(join(root, 'usr/bin/tokentray'), ['list']).catch((e: unknown) => e)) as {
      code: number;
      stderr: string;
    };
    assert.equal(err.code, 1);
    assert.match(err.stderr, /the TokenTray app is not at .*; reinstall it/);
  });
});
