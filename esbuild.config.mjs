// @ts-check
// One build for every process: the CLI and the Electron main process (ESM, Node), the preload
// (one CommonJS file, as a sandboxed renderer requires), and the renderer pages (browser).
import { build } from 'esbuild';
import { cp, mkdir, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { writeSettingsValidator } from './build/settings-validator.mjs';

const pkg = JSON.parse(await readFile('package.json', 'utf8'));
// Bundled CommonJS dependencies (undici) call require(); give ESM output one. It
// is made on first use: every chunk carries it, and the CLI's fast path never calls it.
const requireShim =
  "import { createRequire as __tokentrayCreateRequire } from 'node:module'; let __tokentrayRequire; const require = (id) => (__tokentrayRequire ??= __tokentrayCreateRequire(import.meta.url))(id);";
/** conf's schema and migrations support, which TokenTray never uses: see build/conf-unused.js. */
const confUnused = {
  name: 'conf-unused',
  setup(b) {
    b.onResolve({ filter: /^(ajv\/dist\/2020\.js|ajv-formats|semver)$/ }, (args) =>
      /[\\/]node_modules[\\/]conf[\\/]/.test(args.importer)
        ? { path: resolvePath('build/conf-unused.js') }
        : undefined,
    );
  },
};

const common = { bundle: true, sourcemap: 'linked', logLevel: 'warning', legalComments: 'none' };
const node = {
  ...common,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  external: ['electron', 'keytar'],
  banner: { js: requireShim },
  plugins: [confUnused],
  inject: ['build/undici-globals.js'],
  define: { VERSION: JSON.stringify(pkg.version) },
};

/** What the CommonJS builds share: the ES module feature our code uses, given its CommonJS value. */
const cjs = {
  ...node,
  format: 'cjs',
  outExtension: { '.js': '.cjs' },
  banner: { js: '' }, // no ESM require shim: CommonJS has require
  define: { ...node.define, 'import.meta.url': '__tokentrayImportMeta.url' },
};

await rm('dist', { recursive: true, force: true });
// Before anything that bundles or imports the settings store.
await writeSettingsValidator();
const jobs = [
  // The CLI is two files. `tokentray.cjs` is the fast path of `tokentray token` (the running app,
  // or the keychain cache): CommonJS, because Node starts a CommonJS entry several milliseconds
  // sooner than an ES module one (no ESM loader), which is most of what a cached token costs
  // beyond Node itself. Everything else is `run-cli.cjs`, loaded only when the fast path can't
  // answer: one CommonJS file, so that V8 can cache its compiled code as one script
  // (main/cli/full-cli-loader.ts). Each command's code in it runs only when that command does.
  build({
    ...cjs,
    entryPoints: { tokentray: 'main/cli/tokentray.ts' },
    outdir: 'dist/main/cli',
    inject: ['build/cjs-module-url.js'], // no Fetch classes: the fast path makes no request
  }),
  build({
    ...cjs,
    entryPoints: { 'run-cli': 'main/cli/run-cli.ts' },
    outdir: 'dist/main/cli',
    // Without comments and spaces it is half the size: read, hashed (its code cache's key) and
    // scanned for lazily compiled functions at every start. Names stay, for stack traces.
    minifyWhitespace: true,
    inject: [...node.inject, 'build/cjs-module-url.js'],
  }),
  build({
    ...node,
    entryPoints: { 'start-app': 'main/launcher/start-app.ts' },
    outdir: 'dist/main',
    outExtension: { '.js': '.mjs' },
  }),
];
if (existsSync('main/electron/app.ts')) {
  jobs.push(
    build({
      ...node,
      entryPoints: { app: 'main/electron/app.ts' },
      outdir: 'dist/main',
      outExtension: { '.js': '.mjs' },
    }),
  );
}
if (existsSync('preload/preload.ts')) {
  jobs.push(
    build({
      ...common,
      platform: 'node',
      target: 'node22',
      format: 'cjs',
      external: ['electron'],
      entryPoints: ['preload/preload.ts'],
      outfile: 'dist/preload/preload.cjs',
    }),
  );
}
if (existsSync('renderer')) {
  const pages = ['accounts', 'settings'].filter((p) => existsSync(`renderer/${p}/${p}.ts`));
  jobs.push(
    build({
      ...common,
      platform: 'browser',
      target: 'chrome130',
      format: 'esm',
      entryPoints: pages.map((p) => `renderer/${p}/${p}.ts`),
      outbase: 'renderer',
      outdir: 'dist/renderer',
    }),
  );
}
await Promise.all(jobs);
if (existsSync('renderer')) {
  await mkdir('dist/renderer', { recursive: true });
  await cp('renderer', 'dist/renderer', { recursive: true, filter: (src) => !src.endsWith('.ts') });
}
