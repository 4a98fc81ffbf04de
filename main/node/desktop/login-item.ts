import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { AppOptions } from '../settings/settings-schema.js';

/**
 * Whether TokenTray starts at login, as the settings window shows it when there is no OS login
 * item to ask (a development run). Until a choice is recorded it is on once an account exists.
 */
export function effectiveLaunchAtLogin(
  options: Pick<AppOptions, 'launchAtLogin'>,
  accountCount: number,
): boolean {
  return options.launchAtLogin ?? accountCount > 0;
}

/** The OS login-item setting; app.setLoginItemSettings on macOS and Windows, XDG autostart on Linux. */
export interface LoginItemPort {
  isEnabled(): boolean;
  setEnabled(enabled: boolean): void;
}

/** Where the app records that the choice was made (options.launchAtLogin in the settings). */
export interface LoginItemRecord {
  /** undefined until TokenTray turned the item on for the first account, or the user chose. */
  recorded(): boolean | undefined;
  record(enabled: boolean): Promise<void>;
}

/**
 * Launch at login, without fighting the user. A tray app that keeps tokens fresh is only useful
 * while it runs, so TokenTray turns its login item on once: when the first account exists and no
 * choice was ever recorded. From then on the OS setting is the user's, wherever they change it
 * (the settings window, System Settings, GNOME Tweaks, Task Manager): the app reads it and never
 * asserts it again, at start or on any account event.
 */
export class LoginItemSync {
  #turnedOn = false;

  constructor(
    private readonly port: LoginItemPort,
    private readonly choice: LoginItemRecord,
  ) {}

  /** At start and after every account change. Returns true when it turned the item on. */
  async accountsAre(count: number): Promise<boolean> {
    if (count === 0 || this.#turnedOn || this.choice.recorded() !== undefined) return false;
    this.#turnedOn = true;
    // Recorded first: should the OS refuse, the app must not try again on every event.
    await this.choice.record(true);
    if (this.port.isEnabled()) return false;
    this.port.setEnabled(true);
    return true;
  }

  /** The user switched the option in TokenTray's settings window (which records it itself). */
  userChose(enabled: boolean): void {
    if (this.port.isEnabled() !== enabled) this.port.setEnabled(enabled);
  }

  /** The OS setting now: what the settings window shows. */
  isEnabled(): boolean {
    return this.port.isEnabled();
  }
}

/**
 * Linux has no login-item API in Electron (app.setLoginItemSettings is macOS and Windows only).
 * Desktops follow the XDG Autostart spec instead: a .desktop file in $XDG_CONFIG_HOME/autostart.
 * https://specifications.freedesktop.org/autostart-spec/latest/
 */
export function xdgAutostartFile(env: NodeJS.ProcessEnv = process.env, home = homedir()): string {
  const config = env.XDG_CONFIG_HOME;
  return join(
    config !== undefined && config !== '' ? config : join(home, '.config'),
    'autostart',
    'tokentray.desktop',
  );
}

/** The autostart entry that starts `executable` with `args` (which need no quoting). */
export function xdgAutostartEntry(executable: string, args: readonly string[] = []): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=TokenTray',
    'Comment=Keeps a fresh OAuth 2.0 access token within a click',
    `Exec=${[quoteExecArgument(executable), ...args].join(' ')}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/** An XDG autostart file as a {@link LoginItemPort}. */
export class XdgAutostart implements LoginItemPort {
  constructor(
    private readonly file: string,
    private readonly executable: string,
    private readonly args: readonly string[] = [],
  ) {}

  isEnabled(): boolean {
    // A file the user edited to Hidden=true is their "off" (the spec's way to disable an entry).
    return (
      existsSync(this.file) && !/^Hidden\s*=\s*true\s*$/m.test(readFileSync(this.file, 'utf8'))
    );
  }

  setEnabled(enabled: boolean): void {
    if (!enabled) return rmSync(this.file, { force: true });
    mkdirSync(dirname(this.file), { recursive: true });
    writeFileSync(this.file, xdgAutostartEntry(this.executable, this.args), { mode: 0o644 });
  }
}

/**
 * Quotes one argument of a desktop entry's Exec key: in double quotes, with `"`, `` ` ``, `$` and
 * `\` escaped by a backslash, `%` doubled (field codes), and then every backslash doubled again
 * by the string escaping that applies to all values.
 * https://specifications.freedesktop.org/desktop-entry-spec/latest/exec-variables.html
 */
export function quoteExecArgument(argument: string): string {
  const quoted = `"${argument.replace(/(["`$\\])/g, '\\$1').replaceAll('%', '%%')}"`;
  return quoted.replaceAll('\\', '\\\\');
}
