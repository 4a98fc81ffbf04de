import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { createTokenTrayApi, type Invoke, type Subscribe } from '../main/common/ipc-api.js';
import type { IpcEvents } from '../main/common/ipc-contract.js';

// The renderer's whole view of the main process: named functions, never ipcRenderer itself.
const invoke: Invoke = (channel, ...args) => ipcRenderer.invoke(channel, ...args) as Promise<never>;

const subscribe: Subscribe = (channel, listener) => {
  // The event object stays here: the renderer gets the payload only.
  const wrapped = (_event: IpcRendererEvent, payload: unknown) =>
    listener(payload as IpcEvents[typeof channel]);
  ipcRenderer.on(channel, wrapped);
  return () => ipcRenderer.removeListener(channel, wrapped);
};

contextBridge.exposeInMainWorld('tokentray', createTokenTrayApi(invoke, subscribe));
