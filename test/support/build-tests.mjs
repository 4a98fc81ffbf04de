// @ts-check
// `npm test` compiles the TypeScript once, here, and runs the tests as plain JavaScript: under
// `--import tsx` every test process would compile its sources again, and tsx's loader thread sees
// every module each process imports, node_modules included (a third of a test file's start-up).
//
// Each file is transformed on its own (no bundling), into a mirror tree with the same relative
// layout, so relative imports, module identity and `import()` behave as they do under tsx. Each
// file's `import.meta.url` is its source file's, so paths built from it (fixtures, the repo root,
// dist/, a test file's keychain service name) are the same as under tsx. Inline source maps point
// failures at the .ts lines (the runner passes --enable-source-maps).
//
// The tree lives under node_modules/.cache, which git, ESLint and Prettier already ignore; bare
// imports still resolve to the repository's node_modules.
import { build, transform } from 'esbuild';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { VALIDATOR_FILE } from '../../build/settings-validator.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** Where the compiled tree goes: run-tests.sh reads the same path. */
export const outDir = join(root, 'node_modules/.cache/tokentray-test-build');
const sourceDirs = ['main', 'test', 'preload', 'renderer'];

/** @param {string} dir @returns {AsyncGenerator<string>} */
async function* typeScriptFiles(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* typeScriptFiles(path);
    else if (/\.(m|c)?ts$/.test(entry.name) && !entry.name.endsWith('.d.ts')) yield path;
  }
}

// Packages that only tsx can load as they ship (ES modules that import JSON without an import
// attribute: @actions/workflow-parser and its @actions/expressions). A test file that imports one
// gets them bundled in; everything else, their other dependencies included, stays an import.
const bundledScope = '@actions/';

const { compilerOptions } = JSON.parse(await readFile(join(root, 'tsconfig.json'), 'utf8'));

/** @param {string} source */
async function compile(source) {
  const rel = relative(root, source);
  const out = join(
    outDir,
    rel.replace(/\.(m|c)?ts$/, (ext) => ext.replace('t', 'j')),
  );
  const result = await transform(await readFile(source, 'utf8'), {
    loader: 'ts',
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'inline',
    sourcefile: source,
    tsconfigRaw: { compilerOptions },
    define: { 'import.meta.url': JSON.stringify(pathToFileURL(source).href) },
    logLevel: 'warning',
  });
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, result.code);
}

/** @param {string} source */
const importsBundledPackage = async (source) => {
  const text = await readFile(source, 'utf8');
  return text.includes(`from '${bundledScope}`);
};

/** @param {string} source A test file that imports a package from bundledScope. */
async function compileWithBundledPackages(source) {
  const rel = relative(root, source);
  const scopeDir = join(root, 'node_modules', bundledScope);
  await build({
    entryPoints: [source],
    outfile: join(outDir, rel.replace(/\.ts$/, '.js')),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'inline',
    tsconfigRaw: { compilerOptions },
    define: { 'import.meta.url': JSON.stringify(pathToFileURL(source).href) },
    logLevel: 'warning',
    plugins: [
      {
        name: 'only-the-bundled-packages',
        setup(b) {
          b.onResolve({ filter: /.*/ }, (args) => {
            if (args.kind === 'entry-point') return undefined;
            const ownFile = args.path.startsWith('.') && args.importer.startsWith(scopeDir);
            if (ownFile || args.path.startsWith(bundledScope)) return undefined;
            return { path: args.path, external: true };
          });
        },
      },
    ],
  });
}

await rm(outDir, { recursive: true, force: true });
await mkdir(outDir, { recursive: true });
// The sources are ES modules (package.json says so); the tree has no package.json of its own above
// it inside node_modules, so say it here.
await writeFile(join(outDir, 'package.json'), '{ "type": "module" }\n');
const jobs = [];
for (const dir of sourceDirs) {
  for await (const file of typeScriptFiles(join(root, dir))) {
    jobs.push(
      importsBundledPackage(file).then((bundle) =>
        bundle ? compileWithBundledPackages(file) : compile(file),
      ),
    );
  }
}
// Generated JavaScript among the sources (the settings validator, written by the build): as it is.
await mkdir(dirname(join(outDir, VALIDATOR_FILE)), { recursive: true });
jobs.push(
  readFile(join(root, VALIDATOR_FILE)).then((code) =>
    writeFile(join(outDir, VALIDATOR_FILE), code),
  ),
);
await Promise.all(jobs);
