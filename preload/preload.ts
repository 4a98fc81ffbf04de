import { contextBridge, ipcRenderer } from 'electron';
import type { IpcCalls, IpcChannel, IpcResult } from '../main/common/ipc-contract.js';

// The renderer's whole view of the main process: named functions, never ipcRenderer itself.
function invoke<C extends IpcChannel>(
  channel: C,
  ...args: Parameters<IpcCalls[C]>
): Promise<IpcResult<ReturnType<IpcCalls[C]>>> {
  return ipcRenderer.invoke(channel, ...args) as Promise<IpcResult<ReturnType<IpcCalls[C]>>>;
}

export const tokentrayApi = {
  listAccounts: () => invoke('accounts:list'),
  copyToken: (name: string) => invoke('accounts:copy-token', name),
  refresh: (name: string) => invoke('accounts:refresh', name),
};
export type TokenTrayApi = typeof tokentrayApi;

contextBridge.exposeInMainWorld('tokentray', tokentrayApi);
