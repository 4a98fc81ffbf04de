import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { BACKGROUND_FLAG, X11_SWITCH } from '../common/app-identity.js';

/**
 * Where the installed CLI finds the app it belongs to. The CLI is `<resources>/cli/tokentray`
 * inside the installed app (electron-builder's extraResources), so the app is a fixed step away:
 * - macOS: TokenTray.app/Contents/Resources/cli/tokentray → Contents/MacOS/TokenTray
 * - Windows: <install>\resources\cli\tokentray.exe → <install>\TokenTray.exe
 * - Linux (deb): /opt/TokenTray/resources/cli/tokentray → /opt/TokenTray/tokentray
 * `cliPath` is the CLI's own path with links resolved (process.execPath is).
 */
export function appLaunchFor(
  cliPath: string,
  platform: NodeJS.Platform,
  pathJoin: (...parts: string[]) => string = join,
  pathDirname: (path: string) => string = dirname,
): { command: string; args: string[] } {
  const resources = pathDirname(pathDirname(cliPath));
  const contents = pathDirname(resources);
  if (platform === 'darwin') {
    return { command: pathJoin(contents, 'MacOS', 'TokenTray'), args: [BACKGROUND_FLAG] };
  }
  if (platform === 'win32') {
    return { command: pathJoin(contents, 'TokenTray.exe'), args: [BACKGROUND_FLAG] };
  }
  // Under XWayland from the start, as the menu's .desktop file starts it (wayland-policy.ts).
  return { command: pathJoin(contents, 'tokentray'), args: [BACKGROUND_FLAG, X11_SWITCH] };
}

/**
 * Starts the app on its own, outliving this CLI: detached, no terminal, none of this process's
 * Node settings. It shows its tray and starts its broker; the CLI then asks the broker.
 */
export function startAppInBackground(launch: { command: string; args: string[] }): Promise<void> {
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  delete env.NODE_OPTIONS;
  return new Promise((resolve, reject) => {
    const child = spawn(launch.command, launch.args, {
      detached: true,
      stdio: 'ignore',
      windowsHide: true,
      env,
    });
    child.once('error', reject);
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
}

/** Asks `ready` until it says yes or `limitMs` passes. */
export async function waitUntil(
  ready: () => Promise<boolean>,
  limitMs: number,
  everyMs = 200,
): Promise<boolean> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    if (await ready()) return true;
    if (Date.now() + everyMs > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
