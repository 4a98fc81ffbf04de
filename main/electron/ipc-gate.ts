import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import type {
  IpcChannel,
  IpcEventChannel,
  IpcEvents,
  IpcHandlers,
} from '../common/ipc-contract.js';
import { IPC_VALIDATORS } from '../common/ipc-validators.js';
import { callDesktopService, refusedSender } from '../node/desktop/desktop-service-call.js';
import { isTrustedSender } from '../node/desktop/ipc-sender-policy.js';

/**
 * The one gate between the windows and the main process (the only file that touches ipcMain or
 * webContents.send; test/lint/security.test.ts checks). Every channel of the contract is
 * registered here, from IPC_VALIDATORS, so a channel cannot exist without its argument checks.
 * Each call must come from one of our windows, its top frame, showing one of our pages; then its
 * arguments are checked from `unknown`, and the answer is `{ ok, value | error }`.
 */
export function registerIpcHandlers(
  handlers: IpcHandlers,
  isOurWindow: (sender: WebContents) => boolean,
  pages: ReadonlySet<string>,
): () => void {
  const channels = Object.keys(IPC_VALIDATORS) as IpcChannel[];
  for (const channel of channels) {
    ipcMain.handle(channel, (event: IpcMainInvokeEvent, ...args: unknown[]) => {
      const trusted = isTrustedSender(senderFacts(event, isOurWindow), pages);
      return trusted ? callDesktopService(handlers, channel, args) : refusedSender();
    });
  }
  return () => {
    for (const channel of channels) ipcMain.removeHandler(channel);
  };
}

function senderFacts(event: IpcMainInvokeEvent, isOurWindow: (sender: WebContents) => boolean) {
  try {
    const frame = event.senderFrame;
    return {
      isOurWindow: isOurWindow(event.sender),
      isTopFrame: frame !== null && frame.parent === null,
      frameUrl: frame?.url,
    };
  } catch {
    // A frame that navigated away or was destroyed meanwhile throws on access: not trusted.
    return { isOurWindow: false, isTopFrame: false, frameUrl: undefined };
  }
}

/** The one way to message a window: typed by the contract's one-way events. */
export function sendEvent<E extends IpcEventChannel>(
  contents: WebContents,
  channel: E,
  payload: IpcEvents[E],
): void {
  if (!contents.isDestroyed()) contents.send(channel, payload);
}
