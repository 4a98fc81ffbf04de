import type {
  IpcCalls,
  IpcChannel,
  IpcEventChannel,
  IpcEvents,
  IpcResult,
} from './ipc-contract.js';

export type Invoke = <C extends IpcChannel>(
  channel: C,
  ...args: Parameters<IpcCalls[C]>
) => Promise<IpcResult<ReturnType<IpcCalls[C]>>>;

export type Subscribe = <E extends IpcEventChannel>(
  channel: E,
  listener: (payload: IpcEvents[E]) => void,
) => () => void;

/**
 * The renderer's whole view of the main process: named functions over the contract. The preload
 * builds it on ipcRenderer; the renderer tests build the very same object on a test transport, so
 * the renderer code cannot tell them apart.
 */
export function createTokenTrayApi(invoke: Invoke, subscribe: Subscribe) {
  return {
    listAccounts: () => invoke('accounts:list'),
    copyToken: (name: string) => invoke('accounts:copy-token', name),
    refresh: (name: string) => invoke('accounts:refresh', name),
    updateAccount: (...a: Parameters<IpcCalls['accounts:update']>) =>
      invoke('accounts:update', ...a),
    setDefault: (name: string) => invoke('accounts:set-default', name),
    removeAccount: (name: string, revoke: boolean) => invoke('accounts:remove', name, revoke),
    listProviders: () => invoke('providers:list'),
    startSignIn: (...a: Parameters<IpcCalls['sign-in:start']>) => invoke('sign-in:start', ...a),
    signInAgain: (...a: Parameters<IpcCalls['sign-in:again']>) => invoke('sign-in:again', ...a),
    waitForSignIn: (flowId: string) => invoke('sign-in:wait', flowId),
    cancelSignIn: (flowId: string) => invoke('sign-in:cancel', flowId),
    openSignInBrowser: (flowId: string) => invoke('sign-in:open-browser', flowId),
    getOptions: () => invoke('options:get'),
    setOptions: (...a: Parameters<IpcCalls['options:set']>) => invoke('options:set', ...a),
    openSettings: () => invoke('windows:open-settings'),
    latestHandOffs: () => invoke('handoffs:latest'),
    onAccountsChanged: (listener: (accounts: IpcEvents['accounts:changed']) => void) =>
      subscribe('accounts:changed', listener),
  };
}
export type TokenTrayApi = ReturnType<typeof createTokenTrayApi>;
