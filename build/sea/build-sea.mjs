// @ts-check
/* global process, console, URL */
// Builds the installed `tokentray`: main/cli/installed-cli.ts as a Node single executable
// application (https://nodejs.org/api/single-executable-applications.html), for the platform this
// runs on, with the Node that runs this script. electron-builder ships it as resources/cli/
// tokentray(.exe) (extraResources), so the app binary never has to run as Node (runAsNode off).
//   node build/sea/build-sea.mjs [output folder, default dist/sea]
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { chmod, copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const require = createRequire(import.meta.url);
const root = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../..');
const out = resolve(process.argv[2] ?? join(root, 'dist', 'sea'));
const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
const exe = join(out, process.platform === 'win32' ? 'tokentray.exe' : 'tokentray');
// The fuse Node's SEA loader looks for, from Node's documentation.
const SENTINEL = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });

// 1. One CommonJS file (an SEA's main script is CommonJS) holding everything it needs. It has no
// external module: nothing can be loaded from beside it, least of all keytar.
const bundled = await build({
  absWorkingDir: root,
  entryPoints: ['main/cli/installed-cli.ts'],
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  outfile: join(out, 'tokentray.cjs'),
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
  define: { VERSION: JSON.stringify(pkg.version) },
});
await writeFile(join(out, 'meta.json'), JSON.stringify(bundled.metafile));

// 2. The blob, then a copy of this Node with the blob injected.
const config = join(out, 'sea-config.json');
await writeFile(
  config,
  JSON.stringify({
    main: join(out, 'tokentray.cjs'),
    output: join(out, 'sea-prep.blob'),
    disableExperimentalSEAWarning: true,
    useCodeCache: false,
    useSnapshot: false,
  }),
);
execFileSync(process.execPath, ['--experimental-sea-config', config], { stdio: 'inherit' });
await copyFile(process.execPath, exe);
await chmod(exe, 0o755);
if (process.platform === 'darwin') {
  // Injection breaks Node's signature; the release build signs the app, this file included.
  execFileSync('codesign', ['--remove-signature', exe]);
}
const { inject } = require('postject');
await inject(exe, 'NODE_SEA_BLOB', await readFile(join(out, 'sea-prep.blob')), {
  sentinelFuse: SENTINEL,
  ...(process.platform === 'darwin' ? { machoSegmentName: 'NODE_SEA' } : {}),
});
if (process.platform === 'darwin') execFileSync('codesign', ['--sign', '-', exe]);
console.log(`tokentray single executable: ${exe}`);
