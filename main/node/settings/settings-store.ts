import { renameSync, statSync } from 'node:fs';
import type Conf from 'conf';
import type { Account } from '../../common/account.js';
import { TokenTrayError } from '../../common/errors.js';
import { withFileLock } from '../file-lock.js';
import { locksDir } from '../paths.js';
import { ensurePrivateDataDir } from '../private-folder.js';
import { SCHEMA_VIOLATION, settingsFileOptions } from './settings-file-options.js';
import { DEFAULT_OPTIONS, type AppOptions, type SettingsData } from './settings-schema.js';
import { join } from 'node:path';

/** conf for the CLI, electron-store (a conf subclass) for the app: both open the same file. */
export type SettingsBacking = Conf<SettingsData>;
export type OpenBacking = (options: ReturnType<typeof settingsFileOptions>) => SettingsBacking;

/** Told once when an unreadable settings file was moved aside, so the user learns where it went. */
export type SetAsideListener = (notice: { path: string; movedTo: string; reason: string }) => void;

function isCorruption(err: unknown): err is Error {
  return (
    err instanceof Error && (err.name === 'SyntaxError' || err.message.startsWith(SCHEMA_VIOLATION))
  );
}

/**
 * The settings file: non-secret account metadata and options, validated against one schema.
 * Secrets never come here; they live in the keychain (see ../keychain/secret-vault.ts).
 *
 * The file is parsed and validated once, then served from a snapshot until it changes on disk:
 * every read compares the file's inode, size and mtime (one stat, no parse) with the snapshot's,
 * so another process's change is still seen at once. Writes are read-modify-write under a file
 * lock so they do not overwrite each other.
 */
export class SettingsStore {
  private backing: SettingsBacking;
  /** The last parse, and the stat it belongs to. Deeply frozen: callers share it. */
  private snapshot: { stamp: string; data: SettingsData } | undefined;
  /** How often the file was parsed and validated (conf's `store` getter), for the bench. */
  readonly counts = { parses: 0 };

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

  /**
   * The whole file, validated; parsed again only when it changed on disk. A file that became
   * corrupt since opening is set aside too. The result is frozen: change it through mutate().
   */
  read(): SettingsData {
    const stamp = this.stamp();
    if (this.snapshot?.stamp === stamp) return this.snapshot.data;
    let data: Partial<SettingsData>;
    try {
      data = this.parse();
    } catch (err) {
      if (!isCorruption(err)) throw err;
      this.backing = this.openOrSetAside();
      data = this.parse();
    }
    // A file deleted while we run reads as {}: conf only fills defaults when it opens.
    const whole = deepFreeze({
      ...data,
      accounts: data.accounts ?? {},
      options: { ...DEFAULT_OPTIONS, ...data.options },
    });
    this.snapshot = { stamp, data: whole };
    return whole;
  }

  accounts(): Account[] {
    return Object.values(this.read().accounts).sort((a, b) => a.name.localeCompare(b.name));
  }

  account(name: string): Account | undefined {
    const { accounts } = this.read();
    return Object.hasOwn(accounts, name) ? accounts[name] : undefined;
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
        // Parsed again whatever the stat says: a write that reused the inode, kept the size and
        // landed in the same timestamp tick looks unchanged, and building on it would lose it.
        this.snapshot = undefined;
        const data = structuredClone(this.read());
        change(data);
        this.backing.store = data;
        // Under the lock no other writer can come between the write and this stat.
        this.snapshot = { stamp: this.stamp(), data: deepFreeze(structuredClone(data)) };
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

  private parse(): Partial<SettingsData> {
    this.counts.parses++;
    return this.backing.store;
  }

  /** What identifies one version of the file: a write by conf renames a new file into place. */
  private stamp(): string {
    try {
      const st = statSync(this.backing.path, { bigint: true });
      return `${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
    } catch {
      return 'none';
    }
  }

  private openOrSetAside(): SettingsBacking {
    const options = settingsFileOptions(this.dataDir);
    try {
      this.counts.parses++;
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
          : err.message.replace(SCHEMA_VIOLATION, 'it breaks the schema: ');
      this.onSetAside({ path, movedTo, reason });
      return this.open(options);
    }
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
