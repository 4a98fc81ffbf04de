import assert from 'node:assert/strict';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { brokerAddress, PIPE_SECRET_FILE } from '../../../main/node/broker/broker-address.js';

// The Windows pipe's name, computed here as Windows would (the pipe itself needs Windows).

const ENV = { USERNAME: 'alice' };
const pipeOf = async (dataDir: string): Promise<string> => {
  const address = await brokerAddress(dataDir, ENV, 'win32');
  assert.equal(address.kind, 'pipe');
  return address.path;
};

describe('the Windows pipe name', () => {
  test('the app and the CLI agree on it, through a random value in the data folder', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tokentray-pipe-'));
    const first = await pipeOf(dataDir);
    assert.match(first, /^\\\\\.\\pipe\\tokentray-[0-9a-f]{16}-[0-9a-f]{32}$/);
    assert.equal(await pipeOf(dataDir), first);
    const file = join(dataDir, 'broker', PIPE_SECRET_FILE);
    // On Windows the folder's ACL (%APPDATA%, this user's) does it; POSIX modes mean nothing there.
    if (process.platform !== 'win32') {
      assert.equal((await stat(file)).mode & 0o777, 0o600, 'only this user reads it');
    }
  });

  test('another user cannot work it out: the same user and folder name give a new one', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tokentray-pipe-'));
    const before = await pipeOf(dataDir);
    await rm(join(dataDir, 'broker'), { recursive: true });
    const after = await pipeOf(dataDir);
    assert.notEqual(after, before, 'nothing but the secret file decides its random part');
    assert.equal(after.slice(0, -32), before.slice(0, -32));
  });

  test('two first-comers at once (the app starting, a CLI asking) end up with one name', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tokentray-pipe-'));
    const names = await Promise.all(Array.from({ length: 8 }, () => pipeOf(dataDir)));
    assert.equal(new Set(names).size, 1);
  });

  test('a damaged secret file is replaced, not trusted', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tokentray-pipe-'));
    const first = await pipeOf(dataDir);
    await writeFile(join(dataDir, 'broker', PIPE_SECRET_FILE), 'not hex at all');
    const second = await pipeOf(dataDir);
    assert.notEqual(second, first);
    assert.equal(await pipeOf(dataDir), second);
  });

  test('Unix is unchanged: a socket in the private broker folder', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tokentray-pipe-'));
    const address = await brokerAddress(dataDir, {}, 'linux');
    assert.deepEqual(address, {
      kind: 'unix',
      dir: join(dataDir, 'broker'),
      path: join(dataDir, 'broker', 'broker.sock'),
    });
  });
});
