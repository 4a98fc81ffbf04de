import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Script } from 'node:vm';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { codeCacheKey } from '../../main/cli/code-cache.js';
import { codeCacheDir } from '../../main/node/paths.js';
import { freshHome, tokentray as spawnTokentray } from '../support/cli-runner.js';
import { testService } from '../support/keychain-inspect.js';
import { startLocalProvider, type LocalProvider } from '../support/local-provider.js';

// The full CLI starts from V8's compiled code of its last run (main/cli/code-cache.ts). Whatever
// is in that file, a command must give the right answer; a bad file is replaced, and a file in a
// folder other users may write is neither used nor written. Real processes, as a shell runs them.
const SERVICE = testService(import.meta.url);
const tokentray = (args: string[], home: string, env: NodeJS.ProcessEnv = {}) =>
  spawnTokentray(args, home, { TOKENTRAY_KEYCHAIN_SERVICE: SERVICE, ...env });
const BUNDLE = fileURLToPath(new URL('../../dist/main/cli/run-cli.cjs', import.meta.url));

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
    const { clientId, clientSecret } = provider.clients.googleLike;
    const refreshToken = await provider.mintRefreshToken(clientId);
    secrets.push(clientSecret, refreshToken);
    const added = await tokentray(
      [
        'add',
        'cc',
        '--token-endpoint',
        provider.tokenEndpoint,
        '--client-id',
        clientId,
        '--auth-method',
        'client_secret_post',
      ],
      home,
      { TOKENTRAY_CLIENT_SECRET: clientSecret, TOKENTRAY_REFRESH_TOKEN: refreshToken },
    );
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
    assert.equal((await stat(file)).mode & 0o777, 0o600);
  };

  test('is written by the first run, used by the next without rewriting, and holds no secret', async () => {
    await refreshWorks();
    await assertCurrent();
    assert.equal((await stat(codeCacheDir(home))).mode & 0o777, 0o700);
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

  test('a cache folder other users may write is neither read nor written', async () => {
    const planted = cacheFile(key, new Script('2 + 2').createCachedData());
    await writeFile(file, planted);
    await chmod(codeCacheDir(home), 0o777);
    try {
      await refreshWorks();
      // Read, V8 would have turned it down and it would have been replaced.
      assert.deepEqual(await readFile(file), planted, 'the cache in an open folder was used');
    } finally {
      await chmod(codeCacheDir(home), 0o700);
    }
    // The same file in a private folder is read (and, turned down, replaced): the folder decided.
    await refreshWorks();
    await assertCurrent();
  });

  test('a cache file other users may write is not used, and is replaced by a private one', async () => {
    await writeFile(file, cacheFile(key, new Script('3 + 3').createCachedData()));
    await chmod(file, 0o666);
    await refreshWorks();
    await assertCurrent();
  });
});
