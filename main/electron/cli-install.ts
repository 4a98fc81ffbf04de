import { app, dialog } from 'electron';
import type { MenuItemConstructorOptions } from 'electron';
import { execFile } from 'node:child_process';
import { lstat, readlink, symlink, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * macOS only: puts `tokentray` on PATH as a link to the CLI shipped in the app (electron-builder's
 * extraResources: the single executable build/sea/ makes, resources/cli/tokentray), which asks
 * the running app for tokens. The deb and the Windows installer do the same for their platforms.
 */
export const CLI_LINK = '/usr/local/bin/tokentray';

export type CliInstallResult = { ok: true; value: string } | { ok: false; error: string };

/** The CLI inside this app bundle. */
export const bundledCliWrapper = (): string => join(process.resourcesPath, 'cli', 'tokentray');

/** A link into some TokenTray.app, this one or an older copy, may be replaced; nothing else. */
const isTokenTrayWrapper = (path: string): boolean =>
  /\.app\/Contents\/Resources\/cli\/tokentray$/.test(path);

/** Where CLI_LINK points: a path, `undefined` if absent, `null` if it is not a link. */
async function currentLink(): Promise<string | null | undefined> {
  try {
    return (await lstat(CLI_LINK)).isSymbolicLink() ? await readlink(CLI_LINK) : null;
  } catch {
    return undefined;
  }
}

/** Links CLI_LINK to the CLI, asking for an administrator password only if it must. */
export async function installCliOnPath(): Promise<CliInstallResult> {
  if (process.platform !== 'darwin') {
    return { ok: false, error: 'The installer already put tokentray on PATH on this system.' };
  }
  // A link into a translocated or downloaded copy would break when that copy goes.
  if (!app.isPackaged || !app.isInApplicationsFolder()) {
    return { ok: false, error: 'Move TokenTray to the Applications folder first, then try again.' };
  }
  const target = bundledCliWrapper();
  const current = await currentLink();
  if (current === target) return { ok: true, value: CLI_LINK };
  if (current === null || (current !== undefined && !isTokenTrayWrapper(current))) {
    return {
      ok: false,
      error: `${CLI_LINK} already exists and is not TokenTray's; remove it, then try again.`,
    };
  }
  try {
    if (current !== undefined) await unlink(CLI_LINK);
    await symlink(target, CLI_LINK);
    return { ok: true, value: CLI_LINK };
  } catch {
    // /usr/local/bin is root's (or missing, on a fresh Apple silicon Mac): ask macOS for rights.
    return installWithAdministratorRights(target);
  }
}

async function installWithAdministratorRights(target: string): Promise<CliInstallResult> {
  // The paths travel as arguments, quoted by AppleScript itself, never spliced into the script.
  const script = [
    'on run argv',
    'set {wrapperPath, linkPath} to {item 1 of argv, item 2 of argv}',
    'do shell script "mkdir -p /usr/local/bin && ln -sfn " & quoted form of wrapperPath & " " & ' +
      'quoted form of linkPath with prompt "TokenTray wants to add the tokentray command." ' +
      'with administrator privileges',
    'end run',
  ];
  try {
    await promisify(execFile)('/usr/bin/osascript', [
      ...script.flatMap((line) => ['-e', line]),
      target,
      CLI_LINK,
    ]);
    return { ok: true, value: CLI_LINK };
  } catch (err) {
    const cancelled = /-128|User canceled/i.test(String((err as { stderr?: unknown }).stderr));
    return {
      ok: false,
      error: cancelled
        ? 'Cancelled: tokentray was not installed.'
        : `Could not create ${CLI_LINK}. In Terminal: sudo ln -sfn '${target}' ${CLI_LINK}`,
    };
  }
}

/** Installs, then tells the user what happened: the click handler of the menu items. */
export async function installCliAndReport(): Promise<void> {
  const result = await installCliOnPath();
  await dialog.showMessageBox({
    type: result.ok ? 'info' : 'warning',
    message: result.ok ? 'The tokentray command is installed.' : 'tokentray was not installed.',
    detail: result.ok
      ? `Open a new Terminal window and run: tokentray --help (${result.value})`
      : result.error,
  });
}

/** The menu item (tray or app menu): shown on macOS only. */
export function installCliMenuItem(): MenuItemConstructorOptions {
  return {
    label: 'Install Command Line Tool…',
    visible: process.platform === 'darwin',
    click: () => void installCliAndReport(),
  };
}
