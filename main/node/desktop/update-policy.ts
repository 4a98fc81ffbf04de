/** How this copy of TokenTray was installed, as far as updates care. */
export type PackageKind = 'mac' | 'nsis' | 'AppImage' | 'deb' | 'rpm' | 'pacman' | 'unpacked';

/**
 * The kind, from what the package left: electron-builder writes `resources/package-type` ("deb",
 * "rpm", "pacman") into its Linux system packages, and an AppImage's runtime sets APPIMAGE.
 * A Linux build with neither is an unpacked folder (`--dir`, a tarball) that nothing updates.
 */
export function packageKind(
  platform: NodeJS.Platform,
  env: NodeJS.ProcessEnv,
  packageTypeFile: () => string | undefined,
): PackageKind {
  if (platform === 'darwin') return 'mac';
  if (platform === 'win32') return 'nsis';
  if ((env.APPIMAGE ?? '') !== '') return 'AppImage';
  const type = packageTypeFile()?.trim();
  return type === 'deb' || type === 'rpm' || type === 'pacman' ? type : 'unpacked';
}

export interface UpdatePolicy {
  /** Look for a newer release at all. */
  check: boolean;
  /** Download it and install it when the app quits. */
  install: boolean;
  /** What to tell the user when one is available and this app does not install it. */
  notice?: (version: string) => { title: string; body: string };
}

const viaPackageManager = (tool: string) => (version: string) => ({
  title: `TokenTray ${version} is available`,
  body: `Update it with your package manager (${tool}); TokenTray does not install system packages itself.`,
});

/**
 * Who installs an update, per package:
 * - macOS, Windows: the app, after Squirrel.Mac / the NSIS updater check the signature against
 *   this build's own signer.
 * - AppImage: the app, replacing its own file, which the user owns (no root involved).
 * - deb, rpm, pacman: the system's package manager. electron-updater would run `pkexec dpkg -i`
 *   at quit on a file sitting in a user-writable cache: any process of the user could swap that
 *   file in between, and get root when the user answers the routine password prompt. So these
 *   only say that an update exists.
 * - An unpacked folder: nothing.
 */
export function updatePolicy(kind: PackageKind): UpdatePolicy {
  switch (kind) {
    case 'mac':
    case 'nsis':
    case 'AppImage':
      return { check: true, install: true };
    case 'deb':
      return { check: true, install: false, notice: viaPackageManager('apt') };
    case 'rpm':
      return { check: true, install: false, notice: viaPackageManager('dnf or zypper') };
    case 'pacman':
      return { check: true, install: false, notice: viaPackageManager('pacman') };
    case 'unpacked':
      return { check: false, install: false };
  }
}
