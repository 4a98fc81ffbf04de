import { renameSync } from 'node:fs';
import type Conf from 'conf';
import type { Account } from '../../common/account.js';
import { TokenTrayError } from '../../common/errors.js';
import { withFileLock } from '../file-lock.js';
import { locksDir } from '../paths.js';
import { ensurePrivateDataDir } from '../private-folder.js';
import {
  DEFAULT_OPTIONS,
  settingsFileOptions,
  type AppOptions,
  type SettingsData,
} from './settings-schema.js';
import { join } from 'node:path';

/** conf for the CLI, electron-store (a conf subclass) for the app: both open the same file. */
export type SettingsBacking = Conf<SettingsData>;
export type OpenBacking = (options: ReturnType<typeof settingsFileOptions>) => SettingsBacking;

/** Told once when an unreadable settings file was moved aside, so the user learns where it went. */
export type SetAsideListener = (notice: { path: string; movedTo: string; reason: string }) => void;

function isCorruption(err: unknown): err is Error {
  return (
    err instanceof Error &&
    (err.name === 'SyntaxError' || err.message.startsWith('Config schema violation:'))
  );
}

/**
 * The settings file: non-secret account metadata and options, validated against one schema.
 * Secrets never come here; they live in the keychain (see ../keychain/secret-vault.ts).
 *
 * Reads go to disk each time (conf does not cache), so several processes see each other's
 * changes. Writes are read-modify-write under a file lock so they do not overwrite each other.
 */
export class SettingsStore {
  private backing: SettingsBacking;

  private constructor(
    readonly dataDir: string,
    private readonly open: OpenBacking,
    private readonly onSetAside: SetAsideListener,
  ) {
    ensurePrivateDataDir(dataDir);
    this.backing = this.openOrSetAside();
  }

  static open(dataDir: string, open: OpenBacking, onSetAside: SetAsideListener): SettingsStore {
    return new SettingsStore(dataDir, open, onSetAside);
  }

  get path(): string {
    return this.backing.path;
  }

  /** The whole file, validated. A file that became corrupt since opening is set aside too. */
  read(): SettingsData {
    let data: Partial<SettingsData>;
    try {
      data = this.backing.store;
    } catch (err) {
      if (!isCorruption(err)) throw err;
      this.backing = this.openOrSetAside();
      data = this.backing.store;
    }
    // A file deleted while we run reads as {}: conf only fills defaults when it opens.
    return {
      ...data,
      accounts: data.accounts ?? {},
      options: { ...DEFAULT_OPTIONS, ...data.options },
    };
  }

  accounts(): Account[] {
    return Object.values(this.read().accounts).sort((a, b) => a.name.localeCompare(b.name));
  }

  account(name: string): Account | undefined {
    return Object.hasOwn(this.read().accounts, name) ? this.read().accounts[name] : undefined;
  }

  requireAccount(name: string): Account {
    const account = this.account(name);
    if (account === undefined) {
      throw new TokenTrayError('no_such_account', `There is no account named "${name}".`, {
        hint: 'Run `tokentray list` to see your accounts, or `tokentray add` to add one.',
      });
    }
    return account;
  }

  options(): AppOptions {
    return { ...DEFAULT_OPTIONS, ...this.read().options };
  }

  /** Applies `change` to a fresh read of the file and writes it back, under the settings lock. */
  async mutate(change: (data: SettingsData) => void): Promise<void> {
    await withFileLock(
      join(locksDir(this.dataDir), 'settings'),
      async () => {
        const data = structuredClone(this.read());
        change(data);
        this.backing.store = data;
      },
      { waitMs: 10_000 },
    );
  }

  async patchAccount(name: string, patch: (account: Account) => void): Promise<void> {
    await this.mutate((data) => {
      const account = data.accounts[name];
      if (account !== undefined) patch(account);
    });
  }

  private openOrSetAside(): SettingsBacking {
    const options = settingsFileOptions(this.dataDir);
    try {
      return this.open(options);
    } catch (err) {
      if (!isCorruption(err)) throw err;
      const path = `${options.cwd}/${options.configName}.json`;
      const movedTo = `${options.cwd}/${options.configName}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
      try {
        renameSync(path, movedTo);
      } catch (renameErr) {
        throw new TokenTrayError(
          'settings_corrupt',
          `The settings file ${path} is unreadable and could not be moved aside.`,
          {
            hint: 'Fix or move that file yourself; TokenTray will not overwrite it. Your secrets are untouched in the OS keychain.',
            cause: renameErr,
          },
        );
      }
      // Only conf's own summary: a schema violation names paths, never values.
      const reason =
        err.name === 'SyntaxError'
          ? 'it is not valid JSON'
          : err.message.replace('Config schema violation: ', 'it breaks the schema: ');
      this.onSetAside({ path, movedTo, reason });
      return this.open(options);
    }
  }
}
