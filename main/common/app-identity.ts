/**
 * The app's identity, which electron-builder.yml's `appId` must equal (test/packaging checks).
 * On Windows it is the AppUserModelID: toasts show only when the running process names the same
 * one as the Start-menu shortcut the installer made (electron-builder gives that shortcut appId).
 */
export const APP_ID = 'dev.tokentray.app';

/**
 * The flag the installed CLI starts the app with when it is not running: the tray and the broker
 * only, no window (a window still opens when something needs the user, such as the keychain).
 */
export const BACKGROUND_FLAG = '--background';

/** Makes Chromium run under XWayland on Linux (see main/node/desktop/wayland-policy.ts for why). */
export const X11_SWITCH = '--ozone-platform=x11';
