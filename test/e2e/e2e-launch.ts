import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron as electron, type ElectronApplication } from 'playwright-core';
import { waitFor as waitForCondition } from '../support/wait-for.js';

// How the e2e suite finds and starts Electron: the downloaded binary with this checkout as the
// app, or (TOKENTRAY_E2E_PACKAGED=1) the `npm run dist:e2e` build. Where neither exists the suite
// prints one SKIPPED line, unless TOKENTRAY_E2E_REQUIRED=1 (CI), where that is a failure.

/**
 * The checkout, without a trailing separator: Playwright runs Electron through a shell on
 * Windows, and there `C:\work\` quoted becomes `"C:\work\"`, whose `\"` is a literal quote.
 */
export const ROOT = resolve(fileURLToPath(new URL('../../', import.meta.url)));

/** The Electron binary npm downloaded into node_modules/electron, if it did. */
function downloadedElectron(): string | undefined {
  const dir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const binary = join(
    override !== undefined && override !== '' ? override : join(dir, 'dist'),
    readFileSync(pathFile, 'utf8').trim(),
  );
  return existsSync(binary) ? binary : undefined;
}

/** The executable of the `dist:e2e` build (electron-builder --dir into release/e2e). */
export function packagedExecutable(platform: NodeJS.Platform = process.platform): string {
  const out = join(ROOT, 'release', 'e2e');
  if (platform === 'darwin') {
    const arch = process.arch === 'arm64' ? 'mac-arm64' : 'mac';
    return join(out, arch, 'TokenTray.app', 'Contents', 'MacOS', 'TokenTray');
  }
  if (platform === 'win32') return join(out, 'win-unpacked', 'TokenTray.exe');
  return join(out, 'linux-unpacked', 'tokentray');
}

export const PACKAGED = process.env.TOKENTRAY_E2E_PACKAGED === '1';

export interface E2eTarget {
  executable: string;
  /** The arguments that make it this app: the checkout for bare Electron, none for a build. */
  appArgs: string[];
}

function findTarget(): E2eTarget | undefined {
  if (PACKAGED) {
    const executable = packagedExecutable();
    return existsSync(executable) ? { executable, appArgs: [] } : undefined;
  }
  const executable = downloadedElectron();
  return executable === undefined ? undefined : { executable, appArgs: [ROOT] };
}

export const target = findTarget();

if (target === undefined) {
  const what = PACKAGED
    ? `no packaged build at ${packagedExecutable()} (run \`npm run dist:e2e\`)`
    : 'no Electron binary in node_modules/electron (run `npx install-electron`, or set ELECTRON_OVERRIDE_DIST_PATH)';
  if (process.env.TOKENTRAY_E2E_REQUIRED === '1') {
    throw new Error(`Electron e2e suite: ${what}, and TOKENTRAY_E2E_REQUIRED=1.`);
  }
  console.log(`SKIPPED: Electron e2e suite: ${what}.`);
}

/**
 * Chromium's own sandbox needs either unprivileged user namespaces or a setuid chrome-sandbox.
 * Ubuntu 23.10 and later (GitHub's runners included) restrict the first through AppArmor, and
 * npm's download has no setuid helper, so on Linux every launch the suite makes, Playwright's
 * and its own, says --no-sandbox (Playwright adds it to its own launches by default). The page
 * sandbox (`sandbox: true`) is a separate, renderer-level setting and stays on.
 */
export const SANDBOX_ARGS = process.platform === 'linux' ? ['--no-sandbox'] : [];

/** The arguments of a launch the suite makes itself (not through Playwright). */
export function directLaunchArgs(extra: string[] = []): string[] {
  return [...SANDBOX_ARGS, ...(target?.appArgs ?? []), ...extra];
}

export function launch(
  home: string,
  extraEnv: NodeJS.ProcessEnv = {},
  extraArgs: string[] = [],
): Promise<ElectronApplication> {
  if (target === undefined) throw new Error('no Electron to launch');
  return electron.launch({
    executablePath: target.executable,
    args: [...SANDBOX_ARGS, ...target.appArgs, ...extraArgs],
    env: { ...process.env, TOKENTRAY_HOME: home, TOKENTRAY_E2E: '1', ...extraEnv },
  });
}

/** The suite's waits: the one polling helper, with the longer deadline an app start needs. */
export function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  limitMs = 15_000,
): Promise<T> {
  return waitForCondition(what, probe, { timeoutMs: limitMs, intervalMs: 100 });
}
