/**
 * The one IPC contract between the main process, the preload and the renderer: channel names and
 * the types that cross. Secrets only ever travel towards the main process (a client secret or a
 * pasted refresh token typed into the settings window). Nothing sent to the renderer holds one:
 * it gets status, expiry, scopes and who signed in; copying a token happens in the main process.
 */
import type { AccountStatusReport, ClientAuthMethod, ProviderId, SignInMethod } from './account.js';

/** What the renderer sees of an account. */
export interface AccountView extends AccountStatusReport {
  /** The scopes asked for when the account was added. */
  scopes: string[];
  isDefault: boolean;
}

/** A provider preset as the settings window offers it. */
export interface ProviderView {
  id: ProviderId;
  title: string;
  /** One line: what the user must register on the provider's side. */
  register: string;
  defaultScopes: string[];
  /** The connection fields this provider needs the user to fill in. */
  fields: ProviderField[];
  methods: SignInMethod[];
  /** Where the client-secret field applies: 'required', 'optional' or 'none'. */
  clientSecret: 'required' | 'optional' | 'none';
}
export type ProviderField =
  | 'issuer'
  | 'tenant'
  | 'tokenEndpoint'
  | 'authorizationEndpoint'
  | 'deviceAuthorizationEndpoint'
  | 'revocationEndpoint';

/** Everything needed to add an account, from the settings window or the CLI. */
export interface AddAccountRequest {
  name: string;
  label?: string;
  provider: ProviderId;
  method: SignInMethod;
  clientId: string;
  clientSecret?: string;
  clientAuth?: ClientAuthMethod;
  /** Omitted: the preset's default scopes. */
  scopes?: string[];
  issuer?: string;
  tenant?: string;
  tokenEndpoint?: string;
  authorizationEndpoint?: string;
  deviceAuthorizationEndpoint?: string;
  revocationEndpoint?: string;
  /** For method 'paste' only. */
  refreshToken?: string;
  /** Browser sign-in: listen on this loopback port, for servers that match redirect URIs exactly. */
  redirectPort?: number;
}

/** Where a sign-in stands. The first value comes back from `sign-in:start`, the last from `sign-in:wait`. */
export type SignInProgress =
  | { flowId: string; state: 'waiting-for-browser'; authorizationUrl: string }
  | {
      flowId: string;
      state: 'waiting-for-device';
      userCode: string;
      verificationUri: string;
      verificationUriComplete: string | null;
      /** ISO 8601: when the user code stops working. */
      expiresAt: string;
    }
  | { flowId: string; state: 'done'; account: AccountView }
  | { flowId: string; state: 'failed'; error: IpcError }
  | { flowId: string; state: 'cancelled' };

export interface RemoveOutcome {
  /** RFC 7009: whether the provider was told to revoke the grant. */
  revocation: 'revoked' | 'skipped' | 'unsupported' | 'failed';
  /** Set when revocation failed: the account was removed anyway. */
  warning?: string;
}

export interface AccountPatch {
  label?: string;
  /** Takes effect at the next sign-in: a refresh keeps the scope originally granted (RFC 6749 §6). */
  scopes?: string[];
}

/** The options the settings window edits. */
export interface OptionsView {
  clipboardClearSeconds: number;
  refreshAtFraction: number;
  launchAtLogin: boolean;
  autoUpdate: boolean;
}

/** One access token handed to another program (the GCE endpoint): who asked, never the token. */
export interface HandOffView {
  /** ISO 8601. */
  at: string;
  account: string;
  surface: string;
  path: string;
  userAgent: string;
}

export interface IpcError {
  code: string;
  message: string;
}

export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: IpcError };

/** Request/response calls: channel → (arguments) => value. */
export interface IpcCalls {
  'accounts:list': () => AccountView[];
  'accounts:copy-token': (name: string) => null;
  'accounts:refresh': (name: string) => AccountView;
  'accounts:update': (name: string, patch: AccountPatch) => AccountView;
  'accounts:set-default': (name: string) => null;
  'accounts:remove': (name: string, revoke: boolean) => RemoveOutcome;
  'providers:list': () => ProviderView[];
  'sign-in:start': (request: AddAccountRequest) => SignInProgress;
  /** Signs an existing account in again (after sign-in-required), the way it was added. */
  'sign-in:again': (name: string, method: 'browser' | 'device') => SignInProgress;
  'sign-in:wait': (flowId: string) => SignInProgress;
  'sign-in:cancel': (flowId: string) => null;
  /** Opens the flow's own URL in the user's browser again; never any other URL. */
  'sign-in:open-browser': (flowId: string) => null;
  'options:get': () => OptionsView;
  'options:set': (patch: Partial<OptionsView>) => OptionsView;
  'windows:open-settings': () => null;
  /** The latest tokens handed out to other programs, newest first (the audit log). */
  'handoffs:latest': () => HandOffView[];
}
export type IpcChannel = keyof IpcCalls;

/** One-way messages from the main process: channel → payload. */
export interface IpcEvents {
  'accounts:changed': AccountView[];
}
export type IpcEventChannel = keyof IpcEvents;

/** The main side of every call, as the gate registers it and the test transport serves it. */
export type IpcHandlers = {
  [C in IpcChannel]: (...args: Parameters<IpcCalls[C]>) => Promise<ReturnType<IpcCalls[C]>>;
};
