import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import {
  chmod,
  mkdir,
  readFile,
  rename,
  rm,
  stat,
  symlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';
import { Script } from 'node:vm';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { codeCacheFile, codeCacheKey } from '../../main/cli/code-cache.js';
import { codeCacheDir } from '../../main/node/paths.js';
import { freshHome, spawnedTokentray } from '../support/cli-runner.js';
import { testService } from '../support/keychain-inspect.js';
import { startLocalProvider, type LocalProvider } from '../support/local-provider.js';
import { pastedAdd } from '../support/pasted-add.js';

// The full CLI starts from V8's compiled code of its last run (main/cli/code-cache.ts). Whatever
// is in that file, a command must give the right answer; a bad file is replaced, and a file in a
// folder other users may write is neither used nor written. Real processes, as a shell runs them.
const SERVICE = testService(import.meta.url);
const tokentray = spawnedTokentray(SERVICE);
const BUNDLE = fileURLToPath(new URL('../../dist/main/cli/run-cli.cjs', import.meta.url));

/** Modes mean something here; on Windows the data folder's ACL is the line (private-folder.ts). */
const POSIX = process.platform !== 'win32';
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
/** A cache file as the CLI writes it: a header line naming its key and checksum, then the data. */
const cacheFile = (key: string, data: Buffer, sum = sha256(data)) =>
  Buffer.concat([Buffer.from(`tokentray-code-cache v1 ${key} ${sum}\n`), data]);

describe("the CLI's code cache", () => {
  let provider: LocalProvider;
  let home: string;
  let file: string;
  let key: string;
  const secrets: string[] = [];

  before(async () => {
    provider = await startLocalProvider();
    home = await freshHome();
    file = join(codeCacheDir(home), 'refresh.v8cache');
    key = codeCacheKey(await readFile(BUNDLE));
    const { args, env } = await pastedAdd(provider, 'cc', { client: 'googleLike' });
    secrets.push(env.TOKENTRAY_CLIENT_SECRET, env.TOKENTRAY_REFRESH_TOKEN);
    const added = await tokentray(args, home, env);
    assert.equal(added.code, 0, added.stderr);
  });
  after(async () => {
    await tokentray(['remove', 'cc', '--no-revoke'], home);
    await provider.close();
  });

  /** `tokentray refresh cc` succeeds, and `tokentray token cc` then prints the new token. */
  const refreshWorks = async () => {
    const refreshed = await tokentray(['refresh', 'cc'], home);
    assert.equal(refreshed.code, 0, refreshed.stderr);
    assert.match(refreshed.stderr, /^Refreshed "cc"\./);
    const token = await tokentray(['token', 'cc'], home);
    assert.equal(token.code, 0, token.stderr);
    secrets.push(token.stdout.trim());
  };
  /** The cache file is one this bundle and Node wrote: its key and its checksum. */
  const assertCurrent = async () => {
    const bytes = await readFile(file);
    const end = bytes.indexOf(0x0a);
    const [, , fileKey, sum] = bytes.subarray(0, end).toString().split(' ');
    assert.equal(fileKey, key, 'the cache names this bundle and Node');
    assert.equal(sum, sha256(bytes.subarray(end + 1)), 'the cache is whole');
    if (POSIX) assert.equal((await stat(file)).mode & 0o777, 0o600);
  };

  test('is written by the first run, used by the next without rewriting, and holds no secret', async () => {
    await refreshWorks();
    await assertCurrent();
    if (POSIX) assert.equal((await stat(codeCacheDir(home))).mode & 0o777, 0o700);
    const first = await stat(file);
    await refreshWorks();
    const second = await stat(file);
    assert.equal(second.ino, first.ino, 'an accepted cache is not written again');
    assert.equal(second.mtimeMs, first.mtimeMs);
    const cached = (await readFile(file)).toString('latin1');
    for (const secret of secrets) assert.ok(!cached.includes(secret), 'a secret is in the cache');
  });

  for (const [what, contents] of [
    ['a torn or corrupt file', () => cacheFile(key, Buffer.from('not V8 data'), '0'.repeat(64))],
    ['a file another bundle or Node made', () => cacheFile('f'.repeat(64), Buffer.from('x'))],
    // Whole, and named for this bundle, but V8's data for another script: V8 turns it down.
    ['a file V8 turns down', () => cacheFile(key, new Script('1 + 1').createCachedData())],
    ['an empty file', () => Buffer.alloc(0)],
  ] as const) {
    test(`${what}: the command still answers, and the file is replaced`, async () => {
      await writeFile(file, contents());
      const planted = await stat(file);
      await refreshWorks();
      assert.notEqual((await stat(file)).ino, planted.ino, 'the file was replaced');
      await assertCurrent();
    });
  }

  // What another user could plant is only ever code for every later `tokentray`: the rule of the
  // data folder decides whether a cache is read at all, so it is tested on the reader itself.
  test(
    'a cache is read only from a private folder, a private file, and no symlink',
    { skip: process.platform === 'win32' && 'Windows has no modes: the data folder is the line' },
    async () => {
      const data = Buffer.from('compiled code, as V8 would give it');
      const probe = codeCacheFile(home, 'info', key);
      const path = join(codeCacheDir(home), 'info.v8cache');
      probe.write(data);
      assert.deepEqual(probe.read(), data, 'a private file in a private folder is read');
      await chmod(codeCacheDir(home), 0o777);
      try {
        assert.equal(probe.read(), undefined, 'read from a folder others may write');
        probe.write(Buffer.from('other code'));
      } finally {
        await chmod(codeCacheDir(home), 0o700);
      }
      assert.deepEqual(probe.read(), data, 'written in a folder others may write');
      await chmod(path, 0o666);
      assert.equal(probe.read(), undefined, 'read from a file others may write');
      await chmod(path, 0o600);
      assert.deepEqual(probe.read(), data);
      const elsewhere = join(home, 'elsewhere.v8cache');
      await rename(path, elsewhere);
      await symlink(elsewhere, path);
      assert.equal(probe.read(), undefined, 'read through a symlink');
    },
  );

  test('a writer killed before its rename leaves nothing for long: the next write removes it', async () => {
    const probe = codeCacheFile(home, 'list', key);
    const dir = codeCacheDir(home);
    const old = join(dir, '.list.4242.0badf00d.tmp');
    const young = join(dir, '.list.4343.0badcafe.tmp');
    const otherCommand = join(dir, '.info.4444.0bad0bad.tmp');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    for (const leftover of [old, young, otherCommand]) await writeFile(leftover, 'half of it');
    const twoMinutesAgo = new Date(Date.now() - 120_000);
    await utimes(old, twoMinutesAgo, twoMinutesAgo);
    await utimes(otherCommand, twoMinutesAgo, twoMinutesAgo);
    probe.write(Buffer.from('compiled code'));
    assert.equal(existsSync(old), false, "a killed writer's file is still there");
    assert.equal(existsSync(young), true, 'a file another writer may still be writing was removed');
    assert.equal(existsSync(otherCommand), true, "only this command's leftovers go");
    assert.deepEqual(probe.read(), Buffer.from('compiled code'));
  });

  test(
    'a cache file other users may write is not used, and is replaced by a private one',
    { skip: process.platform === 'win32' && 'Windows has no modes: the data folder is the line' },
    async () => {
      // A copy of the cache this very bundle made: read, V8 would take it and nothing would be
      // written; not read, the command makes its own, a new private file.
      await refreshWorks();
      const good = await readFile(file);
      await rm(file);
      await writeFile(file, good, { mode: 0o666 });
      await chmod(file, 0o666);
      const planted = await stat(file);
      await refreshWorks();
      assert.notEqual((await stat(file)).ino, planted.ino, 'a file others may write was used');
      await assertCurrent();
    },
  );
});
