import type { AccessTokenRecord, AccountStatusReport } from '../../common/account.js';
import type { Clock, TimerHandle } from '../../common/clock.js';
import { asTokenTrayError, type TokenTrayError } from '../../common/errors.js';
import type { ClipboardGuard } from './clipboard-guard.js';
import {
  buildTrayMenu,
  defaultAccountName,
  primaryAction,
  type TrayAction,
  type TrayMenuItem,
} from './tray-menu.js';
import { overallTrayState, trayTooltip, type TrayState } from './tray-state.js';

/** The tray icon as the controller drives it; Electron's Tray in the app, a fake in tests. */
export interface TrayPort {
  setState(state: TrayState): void;
  setToolTip(text: string): void;
  /** Text beside the icon in the macOS menu bar; the glue ignores it on other platforms. */
  setTitle(text: string): void;
  setMenu(items: TrayMenuItem[]): void;
}

export interface TrayControllerDeps {
  tray: TrayPort;
  engine: {
    getToken(name: string, options: { minTtl?: number }): Promise<AccessTokenRecord>;
    statuses(): Promise<AccountStatusReport[]>;
  };
  /** The default account as the settings name it (it may name an account since removed). */
  configuredDefault(): string | undefined;
  clipboard: ClipboardGuard;
  clock: Clock;
  platform: NodeJS.Platform;
  canInstallCli: boolean;
  openAccounts(): void;
  openSettings(): void;
  installCli?(): void;
  quit(): void;
  /** A copy the user asked for failed; the tooltip alone is easy to miss, so the app tells them. */
  onCopyFailed(error: TokenTrayError, accountLabel: string): void;
  /**
   * A copy from the tray worked. Where the tray can show no "Copied" (Linux: AppIndicator has no
   * tooltip, and there is no menu-bar title), the app confirms it another way.
   */
  onTrayCopied?(accountLabel: string): void;
}

/** How long "Copied" stays in the tooltip and the macOS menu bar. */
export const FEEDBACK_MS = 4_000;

/**
 * What the tray shows and what clicking it does. It keeps the icon, tooltip and menu in step with
 * the accounts, and copies tokens through the clipboard guard with brief feedback.
 */
export class TrayController {
  readonly #deps: TrayControllerDeps;
  #reports: AccountStatusReport[] = [];
  #feedback: TimerHandle | undefined;
  #updating: Promise<void> | undefined;
  #again = false;
  #disposed = false;

  constructor(deps: TrayControllerDeps) {
    this.#deps = deps;
  }

  /** The accounts as last shown. */
  get reports(): readonly AccountStatusReport[] {
    return this.#reports;
  }

  /**
   * Re-reads every account and redraws icon, tooltip and menu. Calls while one runs are folded
   * into one more run after it, so a burst of status events costs two reads, not one per event.
   */
  update(): Promise<void> {
    if (this.#updating !== undefined) {
      this.#again = true;
      return this.#updating;
    }
    this.#updating = (async () => {
      do {
        this.#again = false;
        this.#show(await this.#deps.engine.statuses());
      } while (this.#again && !this.#disposed);
    })().finally(() => (this.#updating = undefined));
    return this.#updating;
  }

  /** A click on the icon: copy the default account's token, or open the window if there is none. */
  click(): Promise<void> {
    return this.perform(primaryAction(this.#defaultAccount()));
  }

  /** Runs a menu action. Never rejects: a failed copy is reported, not thrown into Electron. */
  async perform(action: TrayAction): Promise<void> {
    const deps = this.#deps;
    switch (action.kind) {
      case 'copy':
        await this.copy(action.name).then(
          () => deps.onTrayCopied?.(this.#label(action.name)),
          (err: unknown) => deps.onCopyFailed(asTokenTrayError(err), this.#label(action.name)),
        );
        return;
      case 'open-accounts':
        return deps.openAccounts();
      case 'open-settings':
        return deps.openSettings();
      case 'install-cli':
        return deps.installCli?.();
      case 'quit':
        return deps.quit();
    }
  }

  /** Copies a fresh token of `name` (from the tray or a window) and says so; rejects on failure. */
  async copy(name: string): Promise<void> {
    const label = this.#label(name);
    try {
      // The CLI's default rule (main/common/token-need.ts): at least a minute, or half the life of a
      // shorter-lived token, so a copy never fails for a provider of short-lived tokens.
      const record = await this.#deps.engine.getToken(name, {});
      const { clearsInSeconds } = await this.#deps.clipboard.copy(record.accessToken);
      const clears = clearsInSeconds === undefined ? '' : `: clears in ${clearsInSeconds} s`;
      this.#flash(`Copied ${label}${clears}`, 'Copied');
    } catch (err) {
      this.#flash(`Could not copy ${label}`, '');
      throw asTokenTrayError(err);
    }
  }

  dispose(): void {
    this.#disposed = true;
    if (this.#feedback !== undefined) this.#deps.clock.clearTimer(this.#feedback);
    this.#feedback = undefined;
  }

  #defaultAccount(): string | undefined {
    return defaultAccountName(this.#reports, this.#deps.configuredDefault());
  }

  #label(name: string): string {
    return this.#reports.find((r) => r.name === name)?.label ?? name;
  }

  #show(reports: AccountStatusReport[]): void {
    if (this.#disposed) return;
    this.#reports = reports;
    const deps = this.#deps;
    deps.tray.setState(overallTrayState(reports));
    if (this.#feedback === undefined) deps.tray.setToolTip(trayTooltip(reports));
    deps.tray.setMenu(
      buildTrayMenu({
        platform: deps.platform,
        accounts: reports,
        defaultAccount: this.#defaultAccount(),
        canInstallCli: deps.canInstallCli,
      }),
    );
  }

  /** Shows `tooltip` (and `title` in the macOS menu bar) for a moment, then the state again. */
  #flash(tooltip: string, title: string): void {
    const { tray, clock } = this.#deps;
    if (this.#disposed) return;
    if (this.#feedback !== undefined) clock.clearTimer(this.#feedback);
    tray.setToolTip(tooltip);
    tray.setTitle(title);
    this.#feedback = clock.setTimer(() => {
      this.#feedback = undefined;
      tray.setToolTip(trayTooltip(this.#reports));
      tray.setTitle('');
    }, FEEDBACK_MS);
  }
}
