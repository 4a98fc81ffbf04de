import type { AccountStatusReport } from '../../common/account.js';

/** What choosing a menu item (or clicking the icon) does; the tray controller performs it. */
export type TrayAction =
  | { kind: 'copy'; name: string }
  | { kind: 'open-accounts' }
  | { kind: 'open-settings' }
  | { kind: 'install-cli' }
  | { kind: 'quit' };

/** A plain menu model: the Electron glue turns it into a Menu, the tests read it as data. */
export type TrayMenuItem =
  { type: 'item'; label: string; enabled: boolean; action?: TrayAction } | { type: 'separator' };

export interface TrayMenuInput {
  platform: NodeJS.Platform;
  accounts: readonly AccountStatusReport[];
  /** The account a click copies (see {@link defaultAccountName}). */
  defaultAccount: string | undefined;
  /** Offered on macOS, where the app bundle hides the CLI from PATH. */
  canInstallCli: boolean;
}

/**
 * The account a tray click copies: the one the settings name, if it still exists; else the only
 * account, when there is exactly one. Otherwise none, and a click opens the accounts window.
 */
export function defaultAccountName(
  accounts: readonly Pick<AccountStatusReport, 'name'>[],
  configured: string | undefined,
): string | undefined {
  if (configured !== undefined && accounts.some((a) => a.name === configured)) return configured;
  return accounts.length === 1 ? accounts[0]?.name : undefined;
}

/** What a click on the tray icon does. */
export function primaryAction(defaultAccount: string | undefined): TrayAction {
  return defaultAccount === undefined
    ? { kind: 'open-accounts' }
    : { kind: 'copy', name: defaultAccount };
}

/**
 * The tray menu: each account (choose to copy its token), then the windows, then Quit.
 *
 * On Linux a click on the icon only opens this menu (StatusNotifierItem hosts do not report
 * clicks), so the first item does what a click does elsewhere: copy the default account's token.
 */
export function buildTrayMenu(input: TrayMenuInput): TrayMenuItem[] {
  const items: TrayMenuItem[] = [];
  const byName = new Map(input.accounts.map((a) => [a.name, a]));
  const primary = input.defaultAccount === undefined ? undefined : byName.get(input.defaultAccount);
  if (
    input.platform === 'linux' &&
    primary !== undefined &&
    primary.status !== 'sign-in-required'
  ) {
    items.push(
      {
        type: 'item',
        label: `Copy token: ${menuText(primary.label)}`,
        enabled: true,
        action: { kind: 'copy', name: primary.name },
      },
      { type: 'separator' },
    );
  }
  if (input.accounts.length === 0) {
    items.push(
      { type: 'item', label: 'No accounts yet', enabled: false },
      { type: 'item', label: 'Add an Account…', enabled: true, action: { kind: 'open-settings' } },
    );
  } else {
    items.push({ type: 'item', label: 'Copy a token', enabled: false });
    for (const account of input.accounts) items.push(accountItem(account, input.defaultAccount));
  }
  items.push(
    { type: 'separator' },
    { type: 'item', label: 'Open TokenTray', enabled: true, action: { kind: 'open-accounts' } },
    { type: 'item', label: 'Settings…', enabled: true, action: { kind: 'open-settings' } },
  );
  if (input.platform === 'darwin' && input.canInstallCli) {
    items.push({
      type: 'item',
      label: 'Install Command Line Tool…',
      enabled: true,
      action: { kind: 'install-cli' },
    });
  }
  items.push(
    { type: 'separator' },
    { type: 'item', label: 'Quit', enabled: true, action: { kind: 'quit' } },
  );
  return items;
}

function accountItem(
  account: AccountStatusReport,
  defaultAccount: string | undefined,
): TrayMenuItem {
  const mark = account.name === defaultAccount ? ' (default)' : '';
  // A dead grant has no token to copy: its item leads to the window where it signs in again.
  if (account.status === 'sign-in-required') {
    return {
      type: 'item',
      label: `${menuText(account.label)}${mark}: sign in again…`,
      enabled: true,
      action: { kind: 'open-accounts' },
    };
  }
  const note =
    account.status === 'refreshing'
      ? ': refreshing…'
      : account.status === 'error'
        ? ': refresh failing'
        : '';
  return {
    type: 'item',
    label: `${menuText(account.label)}${mark}${note}`,
    enabled: true,
    action: { kind: 'copy', name: account.name },
  };
}

/** Electron reads "&" in a menu label as a mnemonic marker on every platform ("R&D" shows "RD"). */
function menuText(label: string): string {
  return label.replaceAll('&', '&&');
}
