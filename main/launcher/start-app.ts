import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * `npm start`: launch the desktop app with the Electron binary from node_modules. The binary is a
 * separate download from GitHub; where it cannot be had, say so in one sentence and stop, rather
 * than let Electron's installer fail with a stack trace.
 */
const require = createRequire(import.meta.url);
const electronDir = dirname(require.resolve('electron/package.json'));

function electronBinary(): string | undefined {
  const pathFile = join(electronDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : undefined;
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override !== undefined && override !== '') return join(override, relative ?? 'electron');
  if (relative === undefined) return undefined;
  const full = join(electronDir, 'dist', relative);
  return existsSync(full) ? full : undefined;
}

let binary = electronBinary();
if (binary === undefined) {
  // Electron 42+ downloads its binary on first use; try that once, quietly.
  spawnSync(process.execPath, [join(electronDir, 'install.js')], {
    stdio: 'ignore',
    timeout: 300_000,
  });
  binary = electronBinary();
}
if (binary === undefined || !existsSync(binary)) {
  process.stderr.write(
    'TokenTray cannot start: the Electron binary is not installed (its download from github.com failed), so run `npx install-electron` where github.com is reachable or set ELECTRON_OVERRIDE_DIST_PATH to an Electron 45 folder, and meanwhile use the CLI: `npx tokentray --help`.\n',
  );
  process.exit(1);
}
const child = spawn(binary, ['.'], { stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 1));
