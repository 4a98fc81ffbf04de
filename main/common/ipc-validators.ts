import {
  CLIENT_AUTH_METHODS,
  isRedirectPort,
  isValidAccountName,
  PROVIDER_IDS,
  SIGN_IN_METHODS,
} from './account.js';
import type {
  AccountPatch,
  AddAccountRequest,
  IpcCalls,
  IpcChannel,
  OptionsView,
} from './ipc-contract.js';

/** One type guard per argument, in order. */
export type Validators<Args extends unknown[]> = {
  [K in keyof Args]: (value: unknown) => value is Args[K];
};

type Guard<T> = (value: unknown) => value is T;

const MAX_TEXT = 4096;
const MAX_SECRET = 64 * 1024;

const isText =
  (max = MAX_TEXT): Guard<string> =>
  (v): v is string =>
    typeof v === 'string' && v.length <= max;
const isBoolean: Guard<boolean> = (v): v is boolean => typeof v === 'boolean';
const isFlowId: Guard<string> = (v): v is string =>
  typeof v === 'string' && /^[A-Za-z0-9_-]{8,64}$/.test(v);
const isScopes: Guard<string[]> = (v): v is string[] =>
  Array.isArray(v) &&
  v.length <= 100 &&
  v.every((s) => typeof s === 'string' && s.length > 0 && s.length <= 500 && !/\s/.test(s));
const oneOf =
  <T extends string>(values: readonly T[]): Guard<T> =>
  (v): v is T =>
    typeof v === 'string' && (values as readonly string[]).includes(v);

/** A plain object whose keys are all known and whose present values pass their guards. */
function isRecordOf<T>(shape: { [K in keyof T]-?: Guard<T[K]> }, required: (keyof T)[]): Guard<T> {
  return (v): v is T => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
    const entries = Object.entries(v as Record<string, unknown>);
    if (!required.every((key) => (v as Record<string, unknown>)[key as string] !== undefined))
      return false;
    return entries.every(([key, value]) => {
      if (!Object.hasOwn(shape, key)) return false;
      return value === undefined || (shape[key as keyof T] as Guard<unknown>)(value);
    });
  };
}

export const isAddAccountRequest = isRecordOf<AddAccountRequest>(
  {
    name: isValidAccountName,
    label: isText(200),
    provider: oneOf(PROVIDER_IDS),
    method: oneOf(SIGN_IN_METHODS),
    clientId: isText(1000),
    clientSecret: isText(MAX_SECRET),
    clientAuth: oneOf(CLIENT_AUTH_METHODS),
    scopes: isScopes,
    issuer: isText(),
    tenant: isText(200),
    tokenEndpoint: isText(),
    authorizationEndpoint: isText(),
    deviceAuthorizationEndpoint: isText(),
    revocationEndpoint: isText(),
    refreshToken: isText(MAX_SECRET),
    redirectPort: isRedirectPort,
  },
  ['name', 'provider', 'method', 'clientId'],
);

export const isAccountPatch = isRecordOf<AccountPatch>(
  { label: isText(200), scopes: isScopes },
  [],
);

const isFraction: Guard<number> = (v): v is number => typeof v === 'number' && v > 0 && v <= 0.95;
const isClearSeconds: Guard<number> = (v): v is number =>
  Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 3600;

export const isOptionsPatch = isRecordOf<Partial<OptionsView>>(
  {
    clipboardClearSeconds: isClearSeconds,
    refreshAtFraction: isFraction,
    launchAtLogin: isBoolean,
    autoUpdate: isBoolean,
  },
  [],
);

/** Every channel's argument checks, so no handler can be registered without them. */
export const IPC_VALIDATORS: { [C in IpcChannel]: Validators<Parameters<IpcCalls[C]>> } = {
  'accounts:list': [],
  'accounts:copy-token': [isValidAccountName],
  'accounts:refresh': [isValidAccountName],
  'accounts:update': [isValidAccountName, isAccountPatch],
  'accounts:set-default': [isValidAccountName],
  'accounts:remove': [isValidAccountName, isBoolean],
  'providers:list': [],
  'sign-in:start': [isAddAccountRequest],
  'sign-in:again': [isValidAccountName, oneOf(['browser', 'device'] as const)],
  'sign-in:wait': [isFlowId],
  'sign-in:cancel': [isFlowId],
  'sign-in:open-browser': [isFlowId],
  'options:get': [],
  'options:set': [isOptionsPatch],
  'windows:open-settings': [],
  'handoffs:latest': [],
};

/** True when `args` are exactly what `channel` takes. */
export function argumentsValid(channel: IpcChannel, args: unknown[]): boolean {
  const checks = IPC_VALIDATORS[channel] as unknown as Array<(value: unknown) => boolean>;
  return args.length === checks.length && checks.every((check, i) => check(args[i]));
}
