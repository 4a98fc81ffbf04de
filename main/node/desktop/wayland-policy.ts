import { X11_SWITCH } from '../../common/app-identity.js';
/**
 * Linux Wayland and the clipboard. Electron 38 and later run as native Wayland clients in a
 * Wayland session (`--ozone-platform` defaults to auto). A Wayland compositor honours a clipboard
 * write only from a surface holding the keyboard focus, and a tray menu is never one: the copy is
 * dropped without an error, while `clipboard.readText()` answers from Chromium's own cache as if
 * it had worked. Under XWayland (`--ozone-platform=x11`) an X11 client may own the clipboard
 * without focus, and the compositor hands it on to Wayland apps.
 *
 * The platform is chosen in Chromium's earliest startup, before the main script runs, so
 * `app.commandLine.appendSwitch` is too late: the switch must be on the command line. The
 * packages put it there (the .desktop files and the autostart entry); a launch without it (a
 * terminal, the bare AppImage) starts TokenTray once more with it, before taking the
 * single-instance lock.
 */
export { X11_SWITCH };

/** Set on the relaunched process, so it never relaunches again. */
export const RELAUNCHED_ENV = 'TOKENTRAY_OZONE_RELAUNCHED';

export interface OzoneFacts {
  platform: NodeJS.Platform;
  /** process.argv: the executable first. */
  argv: readonly string[];
  /** What Chromium chose: app.commandLine.getSwitchValue('ozone-platform'), '' if unset. */
  chosen: string;
  env: NodeJS.ProcessEnv;
}

/** An explicit --ozone-platform on the command line is the user's choice, and is kept. */
function hasOzoneSwitch(argv: readonly string[]): boolean {
  return argv.some((arg) => arg === '--ozone-platform' || arg.startsWith('--ozone-platform='));
}

/** Whether this process draws as a native Wayland client. */
export function runsOnWayland(facts: OzoneFacts): boolean {
  if (facts.platform !== 'linux') return false;
  if (facts.chosen !== '') return facts.chosen === 'wayland';
  return facts.env.XDG_SESSION_TYPE === 'wayland' && (facts.env.WAYLAND_DISPLAY ?? '') !== '';
}

/**
 * The command that starts TokenTray again under XWayland, or undefined when this process should
 * go on: not Linux, not Wayland, an explicit choice, already relaunched, no X server to run on
 * (DISPLAY unset: no XWayland), or the e2e suite (Playwright holds this process's debug pipe).
 */
export function x11Relaunch(
  facts: OzoneFacts,
  execPath: string,
): { command: string; args: string[] } | undefined {
  const { env, argv } = facts;
  if (!runsOnWayland(facts) || hasOzoneSwitch(argv)) return undefined;
  if (env[RELAUNCHED_ENV] === '1' || env.TOKENTRAY_E2E === '1') return undefined;
  if ((env.DISPLAY ?? '') === '') return undefined;
  // An AppImage runs from a temporary mount that goes with this process; APPIMAGE is the file.
  const appImage = env.APPIMAGE;
  const command = appImage !== undefined && appImage !== '' ? appImage : execPath;
  return { command, args: [...argv.slice(1), X11_SWITCH] };
}
