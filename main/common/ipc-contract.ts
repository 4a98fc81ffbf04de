/**
 * The one IPC contract between the main process, the preload and the renderer: channel names and
 * the types that cross. It holds no secret types: the renderer gets status and expiry, never a
 * token (copying happens in the main process).
 */
import type { AccountStatusReport } from './account.js';

/** What the renderer sees of an account: status and expiry, never a secret. */
export type AccountView = AccountStatusReport;

export type IpcResult<T> =
  { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

/** Request/response calls: channel → (arguments) => value. */
export interface IpcCalls {
  'accounts:list': () => AccountView[];
  'accounts:copy-token': (name: string) => null;
  'accounts:refresh': (name: string) => AccountView;
}
export type IpcChannel = keyof IpcCalls;
