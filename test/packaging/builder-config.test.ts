import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { load } from 'js-yaml';

// electron-builder.yml, checked against the JSON schema electron-builder itself ships (so a
// misspelt key fails here, not halfway through a release build), then against what we require.

const root = fileURLToPath(new URL('../..', import.meta.url));
const configText = readFileSync(join(root, 'electron-builder.yml'), 'utf8');
const config = load(configText) as Config;

// app-builder-lib comes with electron-builder; ask electron-builder where it is.
const fromBuilder = createRequire(createRequire(import.meta.url).resolve('electron-builder'));
const schema = JSON.parse(readFileSync(fromBuilder.resolve('app-builder-lib/scheme.json'), 'utf8'));
// Unlike electron-builder's own check, no type coercion: `true` must be written as a boolean.
const validate: ValidateFunction = new Ajv({ allErrors: true, strict: false }).compile(schema);

type Config = Record<string, unknown> & {
  files: string[];
  asarUnpack: string[];
  extraResources: Array<{ from: string; to: string; filter?: string[] }>;
  electronFuses: Record<string, unknown>;
  publish: Record<string, unknown>;
  mac: Record<string, unknown> & { target: Array<{ target: string; arch: string[] }> };
  win: Record<string, unknown> & { target: Array<{ target: string; arch: string[] }> };
  nsis: Record<string, unknown>;
  linux: Record<string, unknown> & { target: string[] };
  deb: Record<string, string>;
};

const read = (path: string): string => readFileSync(join(root, path), 'utf8');

describe('electron-builder.yml', () => {
  test("matches electron-builder's own schema", () => {
    assert.ok(validate(config), new Ajv().errorsText(validate.errors));
  });

  test('a misspelt key is rejected, at the top level and nested', () => {
    const misspell = (path: string[], wrong: string): Record<string, unknown> => {
      const copy = structuredClone(config) as Record<string, unknown>;
      let host = copy;
      for (const key of path.slice(0, -1)) host = host[key] as Record<string, unknown>;
      const last = path.at(-1) as string;
      host[wrong] = host[last];
      Reflect.deleteProperty(host, last);
      return copy;
    };
    for (const [path, wrong] of [
      [['asarUnpack'], 'asarUnpak'],
      [['mac', 'hardenedRuntime'], 'hardenRuntime'],
      [['electronFuses', 'runAsNode'], 'runAsNod'],
      [['nsis', 'perMachine'], 'perMachin'],
    ] as const) {
      assert.equal(validate(misspell([...path], wrong)), false, `${wrong} was accepted`);
      assert.ok(
        validate.errors?.some((e) => e.params.additionalProperty === wrong),
        `no error names ${wrong}`,
      );
    }
  });

  test('app.asar gets built output only; keytar is unpacked; the CLI ships beside it', () => {
    assert.deepEqual(config.files.slice(0, 1), ['dist/**/*']);
    for (const exclusion of [
      '!**/*.map',
      '!**/*.{ts,mts,cts}',
      '!dist/main/start-app.mjs',
      '!dist/main/cli/**',
      '!dist/sea/**',
    ]) {
      assert.ok(config.files.includes(exclusion), exclusion);
    }
    assert.ok(!config.files.some((p) => /^(main|test|preload|renderer)\/\*\*/.test(p)));
    assert.deepEqual(config.asarUnpack, ['node_modules/keytar/**/*']);
    // The installed tokentray: the single executable build/sea/build-sea.mjs writes to dist/sea.
    assert.deepEqual(config.extraResources, [
      { from: 'dist/sea', to: 'cli', filter: ['tokentray', 'tokentray.exe'] },
    ]);
  });

  test('macOS: dmg and zip for arm64 and x64, menu-bar only, hardened, notarized', () => {
    const targets = Object.fromEntries(config.mac.target.map((t) => [t.target, t.arch]));
    assert.deepEqual(targets, { dmg: ['arm64', 'x64'], zip: ['arm64', 'x64'] });
    assert.equal((config.mac.extendInfo as Record<string, unknown>).LSUIElement, true);
    assert.equal(config.mac.hardenedRuntime, true);
    assert.equal(config.mac.notarize, true);
    const entitlements = read(config.mac.entitlements as string);
    assert.match(entitlements, /<key>com\.apple\.security\.cs\.allow-jit<\/key>\s*<true\/>/);
    assert.equal(config.mac.entitlementsInherit, config.mac.entitlements);
  });

  test('Windows: a per-user NSIS installer that puts the CLI on PATH, signed updates', () => {
    assert.deepEqual(config.win.target, [{ target: 'nsis', arch: ['x64'] }]);
    assert.equal(config.nsis.perMachine, false);
    assert.equal(config.nsis.oneClick, false);
    assert.equal(config.win.verifyUpdateCodeSignature, true);
    const nsh = read(config.nsis.include as string);
    assert.match(nsh, /!macro customInstallMode\s+StrCpy \$isForceCurrentInstall "1"/);
    assert.match(nsh, /!macro customInstall\b[\s\S]*'Path'/);
    assert.match(nsh, /!macro customUnInstall\b[\s\S]*'Path'/);
    assert.match(nsh, /\$INSTDIR\\resources\\cli/);
  });

  test('Linux: AppImage and deb in Utility; the deb links /usr/bin/tokentray to the CLI', () => {
    assert.deepEqual(config.linux.target, ['AppImage', 'deb']);
    assert.equal(config.linux.category, 'Utility');
    const install = read(config.deb.afterInstall as string);
    const remove = read(config.deb.afterRemove as string);
    assert.match(install, /ln -sfn "\$cli" \/usr\/bin\/tokentray/);
    assert.match(remove, /rm -f \/usr\/bin\/tokentray/);
    // electron-builder expands ${name} in these scripts and fails on a name it does not know.
    const macros = [...(install + remove).matchAll(/\$\{([a-zA-Z]+)\}/g)].map((m) => m[1]);
    assert.deepEqual([...new Set(macros)].sort(), ['executable', 'sanitizedProductName']);
  });

  test('every fuse has a deliberate value and a comment saying why', () => {
    const known = Object.keys(schema.definitions.FuseOptionsV1.properties);
    assert.deepEqual(Object.keys(config.electronFuses).sort(), [...known].sort());
    const lines = configText.split('\n');
    for (const fuse of known) {
      assert.equal(typeof config.electronFuses[fuse], 'boolean', fuse);
      const at = lines.findIndex((line) => line.trim().startsWith(`${fuse}:`));
      assert.match(lines[at - 1] ?? '', /^\s*#/, `no comment above ${fuse}`);
    }
    // Nothing runs the app binary as Node (the installed CLI is its own executable); no debugger.
    assert.equal(config.electronFuses.runAsNode, false);
    assert.equal(config.electronFuses.enableNodeCliInspectArguments, false);
  });

  test('updates come from GitHub releases', () => {
    assert.equal(config.publish.provider, 'github');
    assert.ok(config.publish.owner && config.publish.repo);
  });

  test('every file it names exists', () => {
    const files = [
      'build/icon.png',
      'build/icon.icns',
      'build/icon.ico',
      config.mac.icon,
      config.win.icon,
      config.linux.icon,
      config.mac.entitlements,
      config.nsis.include,
      config.deb.afterInstall,
      config.deb.afterRemove,
      'build/sea/build-sea.mjs',
    ];
    for (const file of files) assert.ok(existsSync(join(root, file as string)), String(file));
    const png = readFileSync(join(root, 'build/icon.png'));
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [1024, 1024]);
  });

  test('packaging builds the installed CLI first; `npx tokentray` stays the full CLI', () => {
    const pkg = JSON.parse(read('package.json')) as {
      bin: Record<string, string>;
      scripts: Record<string, string>;
    };
    assert.equal(pkg.bin.tokentray, 'dist/main/cli/tokentray.cjs');
    assert.equal(pkg.scripts['build:sea'], 'node build/sea/build-sea.mjs');
    for (const script of ['dist', 'dist:e2e']) {
      assert.match(
        pkg.scripts[script] ?? '',
        /npm run build && npm run build:sea && electron-builder/,
      );
    }
    const release = read('.github/workflows/release.yml');
    assert.ok(release.indexOf('npm run build:sea') < release.indexOf('npx electron-builder'));
  });
});
