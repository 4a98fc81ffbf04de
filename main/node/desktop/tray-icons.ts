import { TRAY_STATES, type TrayState } from './tray-state.js';

/**
 * How the tray icon is drawn:
 * - `template`: black + alpha, named …Template, which macOS alone tints for its menu bar;
 * - `on-dark`: a white glyph, for dark taskbars and panels;
 * - `on-light`: a black glyph, for light ones.
 * Windows and Linux never tint, so a template there is black on a black taskbar.
 */
export type TrayIconLook = 'template' | 'on-dark' | 'on-light';

export interface TrayTheme {
  /**
   * Whether the taskbar or panel is dark: Electron's nativeTheme.shouldUseDarkColorsForSystemIntegratedUI
   * on Windows (the taskbar follows the system theme, not the apps'), shouldUseDarkColors elsewhere.
   */
  darkPanel: boolean;
  /** XDG_CURRENT_DESKTOP, colon-separated (Linux). */
  desktop?: string | undefined;
}

/**
 * Desktops whose top bar is dark whatever the theme: GNOME's (and so Ubuntu's) panel, Pantheon's,
 * and Budgie's by default. A theme-following icon would be black there in the light theme.
 */
const ALWAYS_DARK_PANELS = new Set(['gnome', 'ubuntu', 'unity', 'pantheon', 'budgie']);

/** The look for this platform and theme. */
export function trayIconLook(platform: NodeJS.Platform, theme: TrayTheme): TrayIconLook {
  if (platform === 'darwin') return 'template';
  if (platform === 'linux') {
    const desktops = (theme.desktop ?? '').toLowerCase().split(':');
    // KDE, XFCE, Cinnamon, MATE: the panel follows the theme.
    if (desktops.some((d) => ALWAYS_DARK_PANELS.has(d)) && !desktops.includes('kde')) {
      return 'on-dark';
    }
  }
  return theme.darkPanel ? 'on-dark' : 'on-light';
}

/**
 * The icon file of a state in a look. Beside each, nativeImage.createFromPath picks up the
 * high-DPI variants: @2x for templates; @1.25x, @1.5x and @2x for the others.
 */
export function trayIconFile(state: TrayState, look: TrayIconLook): string {
  return look === 'template' ? `tray-${state}Template.png` : `tray-${state}-${look}.png`;
}

/** The icon drawn before there were per-state icons; used when a state's own file is missing. */
export const FALLBACK_TRAY_ICON = 'trayTemplate.png';

/** Each state's file for the look, or the fallback: a missing asset must not cost the tray. */
export function trayIconFiles(
  look: TrayIconLook,
  exists: (file: string) => boolean,
): Record<TrayState, string> {
  const files = {} as Record<TrayState, string>;
  for (const state of TRAY_STATES) {
    const own = trayIconFile(state, look);
    files[state] = exists(own) ? own : FALLBACK_TRAY_ICON;
  }
  return files;
}

/** The high-DPI variants shipped beside each 1x file, per look. */
export const TRAY_ICON_SCALES: Record<TrayIconLook, readonly { suffix: string; px: number }[]> = {
  template: [
    { suffix: '', px: 16 },
    { suffix: '@2x', px: 32 },
  ],
  'on-dark': [
    { suffix: '', px: 16 },
    { suffix: '@1.25x', px: 20 },
    { suffix: '@1.5x', px: 24 },
    { suffix: '@2x', px: 32 },
  ],
  'on-light': [
    { suffix: '', px: 16 },
    { suffix: '@1.25x', px: 20 },
    { suffix: '@1.5x', px: 24 },
    { suffix: '@2x', px: 32 },
  ],
};
