/**
 * Every failure TokenTray reports has a stable code. The CLI maps codes to exit codes and the UI
 * maps them to states, so both stay stable while messages improve.
 *
 * Messages are written for the user: what happened, then what to do next. They never contain a
 * secret; {@link formatError} in ./redact.ts is the one place that renders them, and redacts again.
 */
export type ErrorCode =
  | 'usage'
  | 'invalid_input'
  | 'no_such_account'
  | 'account_exists'
  | 'sign_in_required'
  | 'invalid_client'
  | 'transient'
  | 'bad_response'
  | 'insecure_endpoint'
  | 'discovery_failed'
  | 'keychain_unavailable'
  | 'keychain_write_failed'
  | 'secret_too_large'
  | 'settings_corrupt'
  | 'lock_timeout'
  /** Another process took our lock over while this one was paused: it stopped before acting. */
  | 'lock_lost'
  /** The data folder or config.json can be changed by someone else: they decide where secrets go. */
  | 'unsafe_data_dir'
  /** A stored secret was kept for other endpoints or another client than the account now names. */
  | 'secret_not_bound'
  /** The user said no at the provider (RFC 6749 §4.1.2.1, RFC 8628 §3.5 access_denied). */
  | 'access_denied'
  /** A sign-in went wrong on the way: state mismatch, a bad callback, an expired device code. */
  | 'sign_in_failed'
  /** Nobody finished the sign-in in time. */
  | 'sign_in_timeout'
  | 'cancelled'
  | 'internal';

/** Exit codes of the `tokentray` CLI, as documented in the README. */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  noSuchAccount: 3,
  signInRequired: 4,
  temporary: 5,
} as const;

const exitByCode: Record<ErrorCode, number> = {
  usage: EXIT.usage,
  invalid_input: EXIT.usage,
  insecure_endpoint: EXIT.usage,
  secret_too_large: EXIT.usage,
  account_exists: EXIT.usage,
  no_such_account: EXIT.noSuchAccount,
  sign_in_required: EXIT.signInRequired,
  transient: EXIT.temporary,
  lock_timeout: EXIT.temporary,
  lock_lost: EXIT.temporary,
  invalid_client: EXIT.failure,
  bad_response: EXIT.failure,
  discovery_failed: EXIT.failure,
  keychain_unavailable: EXIT.failure,
  keychain_write_failed: EXIT.failure,
  settings_corrupt: EXIT.failure,
  unsafe_data_dir: EXIT.failure,
  secret_not_bound: EXIT.failure,
  access_denied: EXIT.failure,
  sign_in_failed: EXIT.failure,
  sign_in_timeout: EXIT.failure,
  cancelled: EXIT.failure,
  internal: EXIT.failure,
};

export interface TokenTrayErrorOptions {
  /** What the user can do about it; printed after the message. */
  hint?: string;
  /** The OAuth `error` code from the server, when there was one (RFC 6749 §5.2). */
  oauthError?: string;
  /** For transient failures: how long the server asked us to wait (Retry-After), in ms. */
  retryAfterMs?: number;
  /** Kept for debugging only; never rendered, because library errors can carry response bodies. */
  cause?: unknown;
}

export class TokenTrayError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly oauthError: string | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(code: ErrorCode, message: string, options: TokenTrayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TokenTrayError';
    this.code = code;
    this.hint = options.hint;
    this.oauthError = options.oauthError;
    this.retryAfterMs = options.retryAfterMs;
  }

  get exitCode(): number {
    return exitByCode[this.code];
  }
}

export function isTokenTrayError(err: unknown, code?: ErrorCode): err is TokenTrayError {
  return err instanceof TokenTrayError && (code === undefined || err.code === code);
}

/** Wraps anything thrown into a TokenTrayError without copying its (possibly secret) text. */
export function asTokenTrayError(err: unknown): TokenTrayError {
  if (err instanceof TokenTrayError) return err;
  const name = err instanceof Error ? err.name : typeof err;
  return new TokenTrayError('internal', `Unexpected ${name}.`, {
    hint: 'Please report this with the steps that led to it.',
    cause: err,
  });
}
