import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { listPackage } from '@electron/asar';
import fuses from '@electron/fuses';
import { load } from 'js-yaml';

// Packs the app with electron-builder's `dir` target (no installer, no signing) and looks inside:
// what app.asar holds, what it must not, what is unpacked, which fuses are burnt in, and whether
// the installed `tokentray` (a single executable, test/packaging/sea-cli.test.ts) is in place. It needs a real Electron distribution; electron-builder
// otherwise downloads one from GitHub. Where there is none, it prints one SKIPPED line.

const root = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

/** The Electron binary inside an unpacked Electron distribution, per platform. */
const BINARY_IN_DIST: Partial<Record<NodeJS.Platform, string>> = {
  linux: 'electron',
  darwin: 'Electron.app/Contents/MacOS/Electron',
  win32: 'electron.exe',
};

function electronDist(): string | undefined {
  const binary = BINARY_IN_DIST[process.platform];
  const given = process.env.ELECTRON_DIST || process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (given) {
    assert.ok(binary && existsSync(join(given, binary)), `no Electron binary in ${given}`);
    return given;
  }
  const dir = join(
    dirname(createRequire(import.meta.url).resolve('electron/package.json')),
    'dist',
  );
  return binary && existsSync(join(dir, binary)) ? dir : undefined;
}

const dist = electronDist();
if (dist === undefined) {
  console.log(
    'SKIPPED: packaging test: no Electron distribution (node_modules/electron/dist has no Electron binary and ELECTRON_DIST is not set); run `npx install-electron` where github.com is reachable, or set ELECTRON_DIST to an unpacked Electron 45 folder, then `node --import tsx --test test/packaging/packaging.test.ts`.',
  );
}

/** The first file named `name` under `dir`, depth first. */
function find(dir: string, name: string): string | undefined {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.name === name) return path;
    if (entry.isDirectory() && !entry.name.endsWith('.asar.unpacked')) {
      const found = find(path, name);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

describe(
  'the packaged app (electron-builder dir target)',
  { skip: dist === undefined ? 'no Electron distribution' : false },
  () => {
    let out: string;
    let resources: string;
    let entries: Set<string>;
    let appBinary: string;

    before(async () => {
      assert.ok(existsSync(join(root, 'dist/main/app.mjs')), 'build first: npm run build');
      // The installed CLI, as `npm run dist` builds it before packaging.
      await run(process.execPath, [join(root, 'build/sea/build-sea.mjs')], { cwd: root });
      out = await mkdtemp(join(tmpdir(), 'tokentray-pack-'));
      // No rebuild: keytar is N-API, so the copy npm built loads in Electron too, and the test
      // leaves node_modules alone. No signing, no publishing.
      await run(
        process.execPath,
        [
          join(root, 'node_modules/electron-builder/cli.js'),
          '--dir',
          '--publish',
          'never',
          `-c.electronDist=${dist as string}`,
          `-c.directories.output=${out}`,
          '-c.npmRebuild=false',
          '-c.mac.identity=null',
          '-c.mac.notarize=false',
        ],
        {
          cwd: root,
          env: { ...process.env, CSC_IDENTITY_AUTO_DISCOVERY: 'false' },
          maxBuffer: 64 * 1024 * 1024,
        },
      );
      const asar = find(out, 'app.asar');
      assert.ok(asar, `no app.asar under ${out}`);
      resources = dirname(asar);
      entries = new Set(
        listPackage(asar, { isPack: false }).map((p) => p.replaceAll('\\', '/').replace(/^\//, '')),
      );
      const config = load(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as {
        productName: string;
        linux: { executableName: string };
      };
      appBinary =
        process.platform === 'darwin'
          ? join(resources, '../MacOS', config.productName)
          : process.platform === 'win32'
            ? join(resources, '..', `${config.productName}.exe`)
            : join(resources, '..', config.linux.executableName);
    });
    after(async () => {
      if (out !== undefined) await rm(out, { recursive: true, force: true });
    });

    test('app.asar holds the built app, the tray icons and package.json', () => {
      for (const path of [
        'package.json',
        'dist/main/app.mjs',
        'dist/preload/preload.cjs',
        'dist/renderer/accounts/accounts.html',
        'dist/renderer/accounts/accounts.js',
        'dist/renderer/settings/settings.html',
        'main/electron/assets/tray-freshTemplate.png',
        'main/electron/assets/tray-attentionTemplate@2x.png',
        'main/electron/assets/tray-fresh-on-dark@1.5x.png',
        'main/electron/assets/tray-attention-on-light@2x.png',
        'node_modules/keytar/package.json',
      ]) {
        assert.ok(entries.has(path), path);
      }
    });

    test('and no sources, tests, maps or dev configs', () => {
      const banned = [
        /^test\//,
        /^main\/.*\.ts$/,
        /^(preload|renderer)\//,
        /\.map$/,
        /^tsconfig\.json$/,
        /^eslint\.config\./,
        /^esbuild\.config\./,
        /^electron-builder\.yml$/,
        /^dist\/main\/start-app\.mjs$/,
        /^dist\/main\/cli\//,
        /^dist\/sea\//,
        /^\.ci\//,
        /^build\//,
        /^node_modules\/(electron|electron-builder|typescript|eslint|esbuild)\//,
      ];
      const found = [...entries].filter((path) => banned.some((re) => re.test(path)));
      assert.deepEqual(found, []);
    });

    test('keytar is unpacked; the installed CLI is one executable in resources/cli', () => {
      const unpacked = join(resources, 'app.asar.unpacked');
      assert.ok(existsSync(join(unpacked, 'node_modules/keytar/build/Release/keytar.node')));
      assert.ok(!existsSync(join(unpacked, 'dist')), 'no CLI script to run with the app binary');
      const cli = join(
        resources,
        'cli',
        process.platform === 'win32' ? 'tokentray.exe' : 'tokentray',
      );
      if (process.platform !== 'win32') assert.ok(statSync(cli).mode & 0o111, 'not executable');
      assert.deepEqual(readdirSync(join(resources, 'cli')), [basename(cli)]);
    });

    test('the fuses in the binary are the ones electron-builder.yml chose', async () => {
      const { FuseV1Options, getCurrentFuseWire } = fuses;
      const wire = await getCurrentFuseWire(appBinary);
      // FuseState.ENABLE: the wire holds ASCII '1' for a fuse that is on.
      const on = (fuse: (typeof FuseV1Options)[keyof typeof FuseV1Options]): boolean =>
        wire[fuse] === 49;
      assert.equal(on(FuseV1Options.RunAsNode), false);
      assert.equal(on(FuseV1Options.EnableNodeCliInspectArguments), false);
      assert.equal(on(FuseV1Options.EnableNodeOptionsEnvironmentVariable), false);
      assert.equal(on(FuseV1Options.OnlyLoadAppFromAsar), true);
    });

    test('the installed tokentray runs on its own, without the app binary in Node mode', async () => {
      const home = await mkdtemp(join(tmpdir(), 'tokentray-home-'));
      const cli = join(
        resources,
        'cli',
        process.platform === 'win32' ? 'tokentray.exe' : 'tokentray',
      );
      const { stdout } = await run(cli, ['--help'], {
        env: { ...process.env, TOKENTRAY_HOME: home },
      });
      assert.match(stdout, /^tokentray: fresh OAuth 2\.0 access tokens/);
      await rm(home, { recursive: true, force: true });
    });
  },
);
