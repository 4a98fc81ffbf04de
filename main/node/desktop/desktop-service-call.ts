import { asTokenTrayError, TokenTrayError } from '../../common/errors.js';
import type {
  IpcCalls,
  IpcChannel,
  IpcError,
  IpcHandlers,
  IpcResult,
} from '../../common/ipc-contract.js';
import { argumentsValid, IPC_VALIDATORS } from '../../common/ipc-validators.js';
import { formatError } from '../../common/redact.js';

// The part of the IPC gate that needs no Electron: check the arguments from `unknown`, run the
// handler, and turn whatever happens into `{ ok, value | error }`. The Electron gate adds the
// sender check in front of it; the renderer tests' transport adds its own equivalent. Nothing here
// imports a node: module, so it could live in main/common.

export function isIpcChannel(channel: unknown): channel is IpcChannel {
  return typeof channel === 'string' && Object.hasOwn(IPC_VALIDATORS, channel);
}

/** An error as it crosses to the renderer: its stable code and the redacted text for a person. */
export function toIpcError(err: unknown): IpcError {
  const error = asTokenTrayError(err);
  return { code: error.code, message: formatError(error) };
}

export function refusedSender(): IpcResult<never> {
  return {
    ok: false,
    error: toIpcError(
      new TokenTrayError('usage', 'Refused a request from a page that is not TokenTray.'),
    ),
  };
}

/** Runs one call from the renderer, never throwing: bad arguments and failures become errors. */
export async function callDesktopService<C extends IpcChannel>(
  handlers: IpcHandlers,
  channel: C,
  args: unknown[],
): Promise<IpcResult<ReturnType<IpcCalls[C]>>> {
  try {
    if (!argumentsValid(channel, args)) {
      throw new TokenTrayError('invalid_input', `Invalid arguments for ${channel}.`);
    }
    const handler = handlers[channel] as (...a: unknown[]) => Promise<ReturnType<IpcCalls[C]>>;
    return { ok: true, value: await handler(...args) };
  } catch (err) {
    return { ok: false, error: toIpcError(err) };
  }
}
