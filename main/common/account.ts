import { TokenTrayError } from './errors.js';

/** How the client authenticates at the token endpoint (RFC 6749 §2.3, RFC 8414 §2). */
export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';
export const CLIENT_AUTH_METHODS: readonly ClientAuthMethod[] = [
  'client_secret_basic',
  'client_secret_post',
  'none',
];

/** The provider presets (see main/node/sign-in/provider-presets.ts). */
export type ProviderId = 'google' | 'microsoft' | 'github' | 'oidc' | 'custom';
export const PROVIDER_IDS: readonly ProviderId[] = [
  'google',
  'microsoft',
  'github',
  'oidc',
  'custom',
];

/**
 * How the account gets new access tokens: by refresh token (RFC 6749 §6), or, for machine
 * accounts, by asking again with the client's own credentials (RFC 6749 §4.4).
 */
export type GrantKind = 'refresh_token' | 'client_credentials';

/** The ways to add an account (and to sign in again). */
export type SignInMethod = 'browser' | 'device' | 'paste' | 'client-credentials';
export const SIGN_IN_METHODS: readonly SignInMethod[] = [
  'browser',
  'device',
  'paste',
  'client-credentials',
];

/** The non-secret description of an account, as kept in the settings file. */
export interface Account {
  name: string;
  label: string;
  /** Absent in accounts added before presets existed: those are 'custom'. */
  provider?: ProviderId;
  /** Absent means 'refresh_token'. */
  grant?: GrantKind;
  /** Where refreshes go. Resolved from the issuer by discovery when one was given. */
  tokenEndpoint: string;
  issuer?: string;
  revocationEndpoint?: string;
  /** Kept so the account can sign in again the way it was added. */
  authorizationEndpoint?: string;
  deviceAuthorizationEndpoint?: string;
  /**
   * The ID token signing algorithms discovery announced (`id_token_signing_alg_values_supported`,
   * OpenID Discovery §3); without them an ID token is checked as RS256 (OpenID Core §3.1.3.7).
   */
  idTokenSigningAlgs?: string[];
  /** A fixed loopback redirect port, for servers that compare redirect URIs port and all. */
  redirectPort?: number;
  /** Extra authorization request parameters a provider needs, e.g. Google's access_type=offline. */
  authParams?: Record<string, string>;
  clientId: string;
  clientAuth: ClientAuthMethod;
  scopes: string[];
  /** Who signed in, from the ID Token's email or name claim, when the provider sent one. */
  who?: string;
  createdAt: string;
  /** Set when the grant is known dead, so no process presents its refresh token again. */
  signInRequired?: { since: string; reason: string };
  /** The last refresh failure, for `list` and the UI; cleared by the next success. */
  lastError?: { at: string; code: string; message: string };
}

/** Where an account's authorization server takes requests, as far as it is known. */
export type AccountEndpoints = Pick<
  Account,
  | 'issuer'
  | 'idTokenSigningAlgs'
  | 'tokenEndpoint'
  | 'authorizationEndpoint'
  | 'deviceAuthorizationEndpoint'
  | 'revocationEndpoint'
>;

/** What each account reports to the UI and to `tokentray list`. */
export type AccountStatus = 'fresh' | 'stale' | 'refreshing' | 'sign-in-required' | 'error';

/** One account as the UI and `tokentray list` show it. Never holds a secret. */
export interface AccountStatusReport {
  name: string;
  label: string;
  provider: ProviderId;
  grant: GrantKind;
  who: string | null;
  status: AccountStatus;
  /** ISO 8601, or null when no token is cached. */
  expiresAt: string | null;
  scope: string | null;
  message?: string;
}

/** The cached access token, kept in the keychain next to the refresh token. */
export interface AccessTokenRecord {
  accessToken: string;
  tokenType: string;
  /** Epoch ms. Computed from the moment the request was sent, so network time never extends it. */
  expiresAt: number;
  /** Epoch ms at which the request that produced it was sent. */
  issuedAt: number;
  scope?: string;
}

/**
 * A fixed loopback redirect port (--redirect-port): unprivileged, so no one needs root to listen.
 * RFC 8252 §7.3 lets the port vary; this is for servers that compare it anyway.
 */
export const REDIRECT_PORT_RANGE = { min: 1024, max: 65535 } as const;

/**
 * Said wherever the redirect URI is named. RFC 8252 §7.3 lets a native app's port vary, but some
 * servers compare it exactly: then register a port and give it to TokenTray.
 */
export const REDIRECT_PORT_HINT =
  'If the provider insists on an exact port, register http://127.0.0.1:<port>/callback and give that port with --redirect-port (or Advanced > Redirect port).';

export function isRedirectPort(value: unknown): value is number {
  return (
    Number.isInteger(value) &&
    (value as number) >= REDIRECT_PORT_RANGE.min &&
    (value as number) <= REDIRECT_PORT_RANGE.max
  );
}

/** Account names: safe in keychain entry names, lock file names and shell arguments. */
export const ACCOUNT_NAME_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

export function isValidAccountName(name: unknown): name is string {
  return (
    typeof name === 'string' && ACCOUNT_NAME_PATTERN.test(name) && name !== '.' && name !== '..'
  );
}

export function validateAccountName(name: unknown): string {
  if (!isValidAccountName(name)) {
    throw new TokenTrayError(
      'invalid_input',
      `"${String(name).slice(0, 80)}" is not a valid account name.`,
      {
        hint: 'Use 1 to 64 letters, digits, "-", "_" or ".", for example "work-google".',
      },
    );
  }
  return name;
}

export function parseScopes(value: string | undefined): string[] {
  return (value ?? '').split(/[\s,]+/).filter((s) => s.length > 0);
}

/** Seconds of life left, never negative. */
export function secondsLeft(record: Pick<AccessTokenRecord, 'expiresAt'>, now: number): number {
  return Math.max(0, Math.floor((record.expiresAt - now) / 1000));
}
