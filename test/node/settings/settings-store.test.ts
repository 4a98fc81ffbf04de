import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Conf from 'conf';
import type { Account } from '../../../main/common/account.js';
import { peekAccount } from '../../../main/node/settings/settings-peek.js';
import type { SettingsData } from '../../../main/node/settings/settings-schema.js';
import {
  SettingsStore,
  type SetAsideListener,
} from '../../../main/node/settings/settings-store.js';
import { freshHome, inProcessTokentray } from '../../support/cli-runner.js';
import { testService } from '../../support/keychain-inspect.js';

// The settings file through the real conf, as the CLI opens it, in a temp dir per test.
type Notice = Parameters<SetAsideListener>[0];

function openStore(dir: string, notices: Notice[] = []): SettingsStore {
  return SettingsStore.open(
    dir,
    (options) =>
      new Conf<SettingsData>(options as ConstructorParameters<typeof Conf<SettingsData>>[0]),
    (notice) => notices.push(notice),
  );
}

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const tempDir = () => mkdtemp(join(tmpdir(), 'tokentray-settings-'));
const configPath = (dir: string) => join(dir, 'config.json');

function account(name: string, extra: Partial<Account> = {}): Account {
  return {
    name,
    label: `Label of ${name}`,
    tokenEndpoint: 'https://auth.example.com/token',
    clientId: `client-${name}`,
    clientAuth: 'client_secret_basic',
    scopes: ['openid', 'offline_access'],
    createdAt: '2025-06-01T12:00:00.000Z',
    ...extra,
  };
}

const validData = (): SettingsData => ({
  accounts: {
    work: account('work', {
      issuer: 'https://auth.example.com',
      lastError: {
        at: '2025-06-02T00:00:00.000Z',
        code: 'transient',
        message: 'The server was busy.',
      },
    }),
    home: account('home', { clientAuth: 'none', scopes: [] }),
  },
  defaultAccount: 'work',
  options: {
    clipboardClearSeconds: 30,
    refreshAtFraction: 0.5,
    launchAtLogin: true,
    autoUpdate: false,
  },
});

async function corruptFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((f) => /^config\.corrupt-.+\.json$/.test(f));
}

async function assertSetAside(dir: string, notices: Notice[], original: Buffer, reason: RegExp) {
  const moved = await corruptFiles(dir);
  assert.equal(moved.length, 1, `moved-aside files: ${moved.join(', ')}`);
  const movedTo = join(dir, moved[0] ?? '');
  assert.deepEqual(await readFile(movedTo), original, 'the unreadable bytes are kept intact');
  assert.equal(notices.length, 1, 'the listener is told once');
  const notice = notices[0];
  assert.ok(notice !== undefined);
  assert.equal(notice.path, configPath(dir));
  assert.equal(notice.movedTo, movedTo);
  assert.match(notice.reason, reason);
}

/** A child process that adds `count` accounts named `<prefix>-<i>` through SettingsStore.mutate. */
const MUTATOR = `
const [dir, prefix, count] = process.argv.slice(1);
const { SettingsStore } = await import(${JSON.stringify(new URL('../../../main/node/settings/settings-store.ts', import.meta.url).href)});
const { default: Conf } = await import('conf');
const store = SettingsStore.open(dir, (o) => new Conf(o), () => {});
await Promise.all(Array.from({ length: Number(count) }, (_, i) => store.mutate((d) => {
  const name = prefix + '-' + i;
  d.accounts[name] = { name, label: name, tokenEndpoint: 'https://auth.example.com/token', clientId: 'c',
    clientAuth: 'none', scopes: [], createdAt: '2025-06-01T12:00:00.000Z' };
})));
`;

function runNode(code: string, args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', code, ...args],
      {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (exit) => resolve({ code: exit, stderr }));
  });
}

describe('SettingsStore with real conf', () => {
  it('a file emptied to {} after opening reads as no accounts with default options', async () => {
    const dir = await tempDir();
    await writeFile(configPath(dir), JSON.stringify(validData()));
    const store = openStore(dir);
    await writeFile(configPath(dir), '{}');
    assert.deepEqual(store.accounts(), []);
    assert.equal(store.options().refreshAtFraction, 0.8);
  });

  it('a valid file round-trips, and changes survive reopening', async () => {
    const dir = await tempDir();
    const data = validData();
    await writeFile(configPath(dir), JSON.stringify(data, undefined, 2));
    const notices: Notice[] = [];
    const store = openStore(dir, notices);

    assert.deepEqual({ ...store.read() }, data);
    assert.deepEqual(
      store.accounts().map((a) => a.name),
      ['home', 'work'],
    );
    assert.deepEqual(store.account('work'), data.accounts.work);
    assert.equal(store.account('toString'), undefined, 'no prototype keys as accounts');
    assert.deepEqual(store.options(), data.options);

    await store.mutate((d) => {
      d.accounts.extra = account('extra');
    });
    await store.patchAccount('work', (a) => delete a.lastError);

    const again = openStore(dir, notices).read();
    assert.deepEqual(Object.keys(again.accounts).sort(), ['extra', 'home', 'work']);
    assert.equal(again.accounts.work?.lastError, undefined);
    assert.deepEqual(again.accounts.extra, account('extra'));
    assert.deepEqual(notices, []);
    assert.deepEqual(await corruptFiles(dir), []);
  });

  it('moves a file of invalid JSON aside, bytes intact, and opens empty and usable', async () => {
    const dir = await tempDir();
    const garbage = Buffer.from(
      '{"accounts": {"work": {"name": "wo\u0000\xff\xfe truncated',
      'latin1',
    );
    await writeFile(configPath(dir), garbage);
    const notices: Notice[] = [];

    const store = openStore(dir, notices);

    await assertSetAside(dir, notices, garbage, /not valid JSON/);
    assert.deepEqual(store.accounts(), []);
    await store.mutate((d) => {
      d.accounts.fresh = account('fresh');
    });
    assert.deepEqual(
      openStore(dir)
        .accounts()
        .map((a) => a.name),
      ['fresh'],
    );
    assert.equal(notices.length, 1, 'a repaired file raises no further notice');
  });

  it('moves a file that breaks the schema aside without echoing its values', async () => {
    const dir = await tempDir();
    const data = validData() as unknown as { accounts: Record<string, Record<string, unknown>> };
    const work = data.accounts.work;
    assert.ok(work !== undefined);
    work.clientAuth = 'bogus';
    // Someone pasted a secret into the settings file: it must not be repeated in the notice.
    work.refreshToken = '1//0gPastedIntoSettings-9c1b77';
    const original = Buffer.from(JSON.stringify(data, undefined, 2));
    await writeFile(configPath(dir), original);
    const notices: Notice[] = [];

    const store = openStore(dir, notices);

    await assertSetAside(dir, notices, original, /schema/);
    assert.doesNotMatch(notices[0]?.reason ?? '', /bogus|1\/\/0gPasted/);
    assert.deepEqual(store.accounts(), []);
    assert.equal(store.account('work'), undefined);
  });

  it('sets aside a file that becomes corrupt after opening, on the next read', async () => {
    const dir = await tempDir();
    await writeFile(configPath(dir), JSON.stringify(validData()));
    const notices: Notice[] = [];
    const store = openStore(dir, notices);
    assert.equal(store.accounts().length, 2);

    const garbage = Buffer.from('this is not json, it was half-written by an editor');
    await writeFile(configPath(dir), garbage);

    assert.deepEqual(store.accounts(), []);
    await assertSetAside(dir, notices, garbage, /not valid JSON/);
    await store.mutate((d) => {
      d.accounts.after = account('after');
    });
    assert.deepEqual(
      store.accounts().map((a) => a.name),
      ['after'],
    );
  });

  it('reads a settings file deleted after opening as empty, not a crash', async () => {
    const dir = await tempDir();
    await writeFile(configPath(dir), JSON.stringify(validData()));
    const store = openStore(dir);
    assert.equal(store.accounts().length, 2);

    await rm(configPath(dir));
    assert.deepEqual(store.accounts(), []);
    assert.deepEqual(store.options().refreshAtFraction, 0.8);
    await store.mutate((d) => {
      d.accounts.back = account('back');
    });
    assert.deepEqual(
      store.accounts().map((a) => a.name),
      ['back'],
    );
  });

  it('loses no write when two stores on the same folder mutate at once', async () => {
    const dir = await tempDir();
    const first = openStore(dir);
    const second = openStore(dir);
    const names = Array.from({ length: 20 }, (_, i) => `acct-${i}`);

    await Promise.all(
      names.map((name, i) =>
        (i % 2 === 0 ? first : second).mutate((d) => {
          d.accounts[name] = account(name);
        }),
      ),
    );

    const expected = [...names].sort();
    assert.deepEqual(Object.keys(first.read().accounts).sort(), expected);
    assert.deepEqual(Object.keys(openStore(dir).read().accounts).sort(), expected);
  });

  it('loses no write when several processes mutate the same file at once', async () => {
    // Within one process mutate() cannot interleave (its read-modify-write is synchronous), so
    // only separate processes show whether the file lock holds.
    const dir = await tempDir();
    const perProcess = 10;
    const prefixes = ['p0', 'p1', 'p2', 'p3'];
    const results = await Promise.all(
      prefixes.map((prefix) => runNode(MUTATOR, [dir, prefix, String(perProcess)])),
    );
    for (const r of results) assert.equal(r.code, 0, r.stderr);

    const expected = prefixes.flatMap((p) =>
      Array.from({ length: perProcess }, (_, i) => `${p}-${i}`),
    );
    assert.deepEqual(Object.keys(openStore(dir).read().accounts).sort(), expected.sort());
  });

  it(
    'keeps the settings file private (mode 0600)',
    {
      skip: process.platform === 'win32' && 'Windows has no modes: the data folder is the line',
    },
    async () => {
      const dir = await tempDir();
      const store = openStore(dir);
      await store.mutate((d) => {
        d.accounts.work = account('work');
      });
      assert.equal((await stat(store.path)).mode & 0o777, 0o600);
      await store.patchAccount('work', (a) => (a.label = 'Renamed'));
      assert.equal((await stat(store.path)).mode & 0o777, 0o600);
    },
  );
});

describe('peekAccount', () => {
  it('returns the account from a valid file, and undefined for an unknown name', async () => {
    const dir = await tempDir();
    await writeFile(configPath(dir), JSON.stringify(validData()));
    assert.deepEqual(peekAccount(dir, 'work'), validData().accounts.work);
    assert.equal(peekAccount(dir, 'nobody'), undefined);
    assert.equal(peekAccount(dir, '__proto__'), undefined);
  });

  it('returns undefined for a corrupt or missing file, and writes nothing', async () => {
    const dir = await tempDir();
    assert.equal(peekAccount(dir, 'work'), undefined);
    const garbage = '{"accounts": {"work": ';
    await writeFile(configPath(dir), garbage);
    assert.equal(peekAccount(dir, 'work'), undefined);
    assert.equal(await readFile(configPath(dir), 'utf8'), garbage);
    await writeFile(configPath(dir), JSON.stringify({ accounts: { work: 'not an object' } }));
    assert.equal(peekAccount(dir, 'work'), undefined);
  });
});

describe('tokentray list with an unreadable settings file', () => {
  it('warns, names where the file went, keeps its bytes, and still runs', async () => {
    const home = await freshHome();
    const garbage = Buffer.from('\u0000\u0001{ not json at all "accounts":', 'latin1');
    await writeFile(configPath(home), garbage);

    const result = await inProcessTokentray(testService(import.meta.url))(['list'], home);

    assert.equal(result.code, 0, result.stderr);
    const moved = await corruptFiles(home);
    assert.equal(moved.length, 1, `moved-aside files: ${moved.join(', ')}`);
    const movedTo = join(home, moved[0] ?? '');
    assert.ok(
      result.stderr.includes(movedTo),
      `stderr does not name ${movedTo}:\n${result.stderr}`,
    );
    assert.match(result.stderr, /warning/);
    assert.doesNotMatch(result.stderr, /^\s+at /m, 'no stack trace');
    assert.deepEqual(await readFile(movedTo), garbage);
  });
});
