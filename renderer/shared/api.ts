import type { TokenTrayApi } from '../../main/common/ipc-api.js';
import type { IpcError, IpcResult } from '../../main/common/ipc-contract.js';

// The renderer's window type is derived from the preload's API, not kept in step by hand.
declare global {
  interface Window {
    tokentray: TokenTrayApi;
  }
}

/** The preload's named functions: the only way this page reaches the main process. */
export const api: TokenTrayApi = window.tokentray;

/** What to show for a failed call, or for a renderer-side failure that has no IpcError. */
export function errorText(error: IpcError | string): string {
  return typeof error === 'string' ? error : error.message;
}

/** The value of a successful call, or undefined after showing its error with `fail`. */
export function valueOr<T>(result: IpcResult<T>, fail: (error: IpcError) => void): T | undefined {
  if (result.ok) return result.value;
  fail(result.error);
  return undefined;
}
