import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** The product name; Electron derives its userData folder from it, and so do we. */
export const APP_NAME = 'TokenTray';

/**
 * The folder holding the settings file and the lock files. It is Electron's `userData` folder for
 * this app, computed without Electron so the CLI and the app agree; `TOKENTRAY_HOME` moves it.
 */
export function resolveDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  const override = env.TOKENTRAY_HOME;
  if (override !== undefined && override.trim() !== '') return resolve(override);
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', APP_NAME);
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), APP_NAME);
  const xdgConfig = env.XDG_CONFIG_HOME;
  return join(
    xdgConfig !== undefined && xdgConfig !== '' ? xdgConfig : join(home, '.config'),
    APP_NAME,
  );
}

export const SETTINGS_FILE = 'config.json';
export const settingsPath = (dataDir: string): string => join(dataDir, SETTINGS_FILE);
export const locksDir = (dataDir: string): string => join(dataDir, 'locks');
/** Non-secret per-account state: the token generation (see ./settings/token-ledger.ts). */
export const stateDir = (dataDir: string): string => join(dataDir, 'state');
/** Adds and removes under way (see ./settings/account-journal.ts). */
export const journalDir = (dataDir: string): string => join(dataDir, 'journal');
/** Compiled code of the CLI, to start it sooner (see ../cli/code-cache.ts); no secrets. */
export const codeCacheDir = (dataDir: string): string => join(dataDir, 'code-cache');
