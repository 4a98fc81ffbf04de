import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import type { IpcCalls, IpcChannel, IpcResult } from '../common/ipc-contract.js';
import { asTokenTrayError, TokenTrayError } from '../common/errors.js';
import { formatError } from '../common/redact.js';

/** One type guard per argument, in order. */
type Validators<Args extends unknown[]> = {
  [K in keyof Args]: (value: unknown) => value is Args[K];
};

/**
 * The one gate every IPC handler goes through: the sender must be one of our windows, its top
 * frame, showing our own page; every argument is checked from `unknown`; and the result is
 * `{ ok, value | error }`, never a thrown error carrying who knows what.
 */
export function handle<C extends IpcChannel>(
  channel: C,
  isOurs: (sender: WebContents) => boolean,
  validators: Validators<Parameters<IpcCalls[C]>>,
  handler: (...args: Parameters<IpcCalls[C]>) => Promise<ReturnType<IpcCalls[C]>>,
): void {
  ipcMain.handle(
    channel,
    async (
      event: IpcMainInvokeEvent,
      ...args: unknown[]
    ): Promise<IpcResult<ReturnType<IpcCalls[C]>>> => {
      try {
        const frame = event.senderFrame;
        if (
          !isOurs(event.sender) ||
          frame === null ||
          frame.parent !== null ||
          !frame.url.startsWith('file://')
        ) {
          throw new TokenTrayError('usage', 'Refused a request from a page that is not TokenTray.');
        }
        const checks = validators as unknown as Array<(value: unknown) => boolean>;
        if (args.length !== checks.length || !checks.every((check, i) => check(args[i]))) {
          throw new TokenTrayError('invalid_input', `Invalid arguments for ${channel}.`);
        }
        return { ok: true, value: await handler(...(args as Parameters<IpcCalls[C]>)) };
      } catch (err) {
        const error = asTokenTrayError(err);
        return { ok: false, error: { code: error.code, message: formatError(error) } };
      }
    },
  );
}
