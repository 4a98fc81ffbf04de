import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { AppOptions } from '../settings/settings-schema.js';

/**
 * Whether TokenTray starts at login. Until the user chooses (options.launchAtLogin unset), it does
 * as soon as an account exists: a tray app that keeps tokens fresh is only useful while it runs,
 * and before the first account there is nothing to keep fresh.
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

/**
 * Applies the wanted setting when it changes, and once at start. Only on a change: the user may
 * have switched it off in the OS's own settings, and re-asserting the same wish on every account
 * event would fight them.
 */
export class LoginItemSync {
  #applied: boolean | undefined;

  constructor(private readonly port: LoginItemPort) {}

  /** Returns true when it changed the OS setting. */
  apply(wanted: boolean): boolean {
    if (this.#applied === wanted) return false;
    this.#applied = wanted;
    if (this.port.isEnabled() === wanted) return false;
    this.port.setEnabled(wanted);
    return true;
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

/** The autostart entry that starts `executable`. */
export function xdgAutostartEntry(executable: string): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=TokenTray',
    'Comment=Keeps a fresh OAuth 2.0 access token within a click',
    `Exec=${quoteExecArgument(executable)}`,
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
    writeFileSync(this.file, xdgAutostartEntry(this.executable), { mode: 0o644 });
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
