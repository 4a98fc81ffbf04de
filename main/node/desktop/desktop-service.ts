import { dirname } from 'node:path';
import { TokenTrayError } from '../../common/errors.js';
import type {
  AccountPatch,
  AccountView,
  IpcHandlers,
  OptionsView,
} from '../../common/ipc-contract.js';
import { removeAccount } from '../engine/account-registry.js';
import type { TokenEngine } from '../engine/token-engine.js';
import { latestTokenAudit } from '../handoff/token-audit-log.js';
import type { SettingsStore } from '../settings/settings-store.js';
import { providerViews } from '../sign-in/sign-in-session.js';
import { accountView, accountViews } from './account-views.js';
import { effectiveLaunchAtLogin } from './login-item.js';
import { SignInFlows } from './sign-in-flow-service.js';
import {
  optionsQuestion,
  removeQuestion,
  requireConsent,
  type AskUser,
} from './user-confirmation.js';

export interface DesktopServiceDeps {
  engine: TokenEngine;
  /** The settings file the windows edit: labels, scopes, the default account, the options. */
  settings: SettingsStore;
  /** The main process's clipboard action: the token goes from the engine to the clipboard, never to a window. */
  copyToken(name: string): Promise<void>;
  /** Opens a URL in the user's browser (sign-in pages). */
  openUrl(url: string): Promise<void>;
  openSettings(): void;
  /**
   * Applies options the user changed that live outside the settings file (launch at login,
   * updates, the refresh plan). `patch` is what they changed; only that may reach the OS.
   */
  applyOptions?(options: OptionsView, patch: Partial<OptionsView>): void;
  /** The OS login item as it is now, wherever the user set it; undefined where there is none. */
  launchAtLoginNow?(): boolean | undefined;
  /** A native dialog of the main process: what the windows ask for that only the user may allow. */
  askUser: AskUser;
}

export type AccountsListener = (accounts: AccountView[]) => void;

export interface DesktopService {
  handlers: IpcHandlers;
  /**
   * Every change to the accounts, status changes included, debounced: one push to the windows,
   * which re-render from the whole list. The tray follows the engine's status events itself.
   */
  onAccountsChanged(listener: AccountsListener): () => void;
  /**
   * Only what the windows changed (an account stored, edited or removed, the default), not status
   * events: for what follows the set of accounts (the schedule, the tray's menu, launch at login).
   */
  onAccountsEdited(listener: () => void): () => void;
  dispose(): void;
}

/** How many hand-offs the accounts window lists. */
const HAND_OFFS_SHOWN = 5;

/** Bursts of status events (refreshing, then fresh) become one push. */
const PUSH_DEBOUNCE_MS = 50;

/** What the accounts and settings windows call, as plain values; the IPC gate wraps them. */
export function createDesktopService(deps: DesktopServiceDeps): DesktopService {
  const { engine, settings } = deps;
  const listeners = new Set<AccountsListener>();
  const editListeners = new Set<() => void>();
  let pushTimer: NodeJS.Timeout | undefined;
  const options = (): OptionsView => optionsView(settings, deps.launchAtLoginNow?.());

  const push = async (): Promise<void> => {
    pushTimer = undefined;
    if (listeners.size === 0) return;
    const views = await accountViews(engine, settings);
    for (const listener of listeners) listener(views);
  };
  const changed = (): void => {
    if (pushTimer !== undefined) return;
    pushTimer = setTimeout(() => void push().catch(() => undefined), PUSH_DEBOUNCE_MS);
  };
  const edited = (): void => {
    changed();
    for (const listener of editListeners) listener();
  };
  const stopStatus = engine.onStatus(changed);
  const flows = new SignInFlows({
    engine,
    settings,
    openUrl: deps.openUrl,
    onStored: edited,
    askUser: deps.askUser,
  });

  const handlers: IpcHandlers = {
    // The window's first look also loads what the engine has not read yet, so a keychain that
    // cannot answer (at the app's start, say) fails here and the window says why and what to do.
    'accounts:list': async () => {
      await engine.load();
      return accountViews(engine, settings);
    },
    'accounts:copy-token': async (name) => {
      settings.requireAccount(name);
      await deps.copyToken(name);
      return null;
    },
    'accounts:refresh': async (name) => {
      await engine.refresh(name);
      return accountView(engine, settings, name);
    },
    'accounts:update': async (name, patch) => {
      settings.requireAccount(name);
      const clean = checkPatch(patch);
      await settings.patchAccount(name, (account) => {
        if (clean.label !== undefined) account.label = clean.label;
        if (clean.scopes !== undefined) account.scopes = clean.scopes;
      });
      edited();
      return accountView(engine, settings, name);
    },
    'accounts:set-default': async (name) => {
      settings.requireAccount(name);
      await settings.mutate((data) => {
        data.defaultAccount = name;
      });
      edited();
      return null;
    },
    'accounts:remove': async (name, revoke) => {
      // The window asked already; this asks in a dialog a compromised window cannot answer.
      await requireConsent(deps.askUser, removeQuestion(settings.requireAccount(name), revoke));
      const outcome = await removeAccount(engine, name, { revoke });
      edited();
      return outcome;
    },
    'providers:list': async () => providerViews(),
    'sign-in:start': (request) => flows.start(request),
    'sign-in:again': (name, method) => flows.again(name, method),
    'sign-in:wait': (flowId) => flows.wait(flowId),
    'sign-in:cancel': async (flowId) => {
      flows.cancel(flowId);
      return null;
    },
    'sign-in:open-browser': async (flowId) => {
      await flows.openBrowser(flowId);
      return null;
    },
    'options:get': async () => options(),
    'options:set': async (patch) => {
      await requireConsent(deps.askUser, optionsQuestion(options(), patch));
      await settings.mutate((data) => {
        for (const [key, value] of Object.entries(patch)) {
          if (value !== undefined) Object.assign(data.options, { [key]: value });
        }
      });
      const now = options();
      deps.applyOptions?.(now, patch);
      return now;
    },
    'windows:open-settings': async () => {
      deps.openSettings();
      return null;
    },
    // The audit log sits in the data folder, beside the settings file.
    'handoffs:latest': () => latestTokenAudit(dirname(settings.path), HAND_OFFS_SHOWN),
  };

  return {
    handlers,
    onAccountsChanged(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onAccountsEdited(listener) {
      editListeners.add(listener);
      return () => editListeners.delete(listener);
    },
    dispose() {
      stopStatus();
      flows.dispose();
      if (pushTimer !== undefined) clearTimeout(pushTimer);
      listeners.clear();
      editListeners.clear();
    },
  };
}

function optionsView(settings: SettingsStore, launchAtLoginNow: boolean | undefined): OptionsView {
  const options = settings.options();
  return {
    clipboardClearSeconds: options.clipboardClearSeconds,
    refreshAtFraction: options.refreshAtFraction,
    launchAtLogin: launchAtLoginNow ?? effectiveLaunchAtLogin(options, settings.accounts().length),
    autoUpdate: options.autoUpdate,
  };
}

function checkPatch(patch: AccountPatch): AccountPatch {
  const label = patch.label?.trim();
  if (label === '') {
    throw new TokenTrayError('invalid_input', 'The label is empty.', {
      hint: 'Type a name to show for this account, or keep the old one.',
    });
  }
  return {
    ...(label === undefined ? {} : { label }),
    ...(patch.scopes ? { scopes: patch.scopes } : {}),
  };
}
