import { isValidAccountName, type AccessTokenRecord } from '../../common/account.js';
import { TokenTrayError, type ErrorCode } from '../../common/errors.js';

/**
 * The wire format between the running app (the broker) and the CLI: newline-delimited JSON over a
 * local socket. On connect the broker sends a {@link BrokerHello}; the client sends requests and
 * gets one answer per request, matched by `id`. Anything the broker cannot serve is declined, and a
 * declined client does the work itself under the file lock, so the two sides may differ in version.
 */
export const BROKER_PROTOCOL_VERSION = 1;

/** Real messages are a few hundred bytes; a longer line is a broken or hostile peer. */
export const MAX_LINE_BYTES = 64 * 1024;

export interface BrokerHello {
  tokentray: 'broker';
  v: number;
}

/**
 * `service` is the keychain service the client would use itself. A broker serving another
 * keychain declines, so TOKENTRAY_KEYCHAIN_SERVICE means the same with or without the app.
 */
export type BrokerRequest =
  /** No minTtl: the default rule of main/common/token-need.ts, the same as in the CLI. */
  | { v: number; id: number; op: 'token'; name: string; minTtl?: number; service: string }
  | { v: number; id: number; op: 'refresh'; name: string; service: string };

/** A TokenTrayError as it crosses the socket: the same code, so the CLI exits the same way. */
export interface WireError {
  code: ErrorCode;
  message: string;
  hint?: string;
  oauthError?: string;
  retryAfterMs?: number;
}

/** Why the broker will not serve a request; the client then falls back to doing it itself. */
export type DeclineReason =
  'bad_request' | 'line_too_long' | 'unsupported_version' | 'other_keychain' | 'closing';

/** A `refresh` answer carries no token: the secret crosses only when it was asked for. */
export type BrokerResponse =
  /** `warning`: the token is still valid, but a refresh it needed failed for a passing reason. */
  | { id: number; ok: true; record: AccessTokenRecord; warning?: string }
  | { id: number; ok: true; expiresAt: number }
  | { id: number; ok: false; error: WireError }
  | { id: number | null; ok: false; declined: DeclineReason };

export function encodeMessage(message: BrokerHello | BrokerRequest | BrokerResponse): string {
  return `${JSON.stringify(message)}\n`;
}

/**
 * Splits a byte stream into lines. Splitting on the byte 0x0A is safe in UTF-8, which never uses
 * it inside a multi-byte character. Returns undefined once a line outgrows {@link MAX_LINE_BYTES},
 * before buffering more of it.
 */
export class LineSplitter {
  private pending: Buffer[] = [];
  private size = 0;

  push(chunk: Buffer): string[] | undefined {
    const lines: string[] = [];
    let start = 0;
    for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, start)) {
      const part = chunk.subarray(start, nl);
      if (this.size + part.length > MAX_LINE_BYTES) return undefined;
      this.pending.push(part);
      lines.push(Buffer.concat(this.pending).toString('utf8'));
      this.pending = [];
      this.size = 0;
      start = nl + 1;
    }
    const rest = chunk.subarray(start);
    this.size += rest.length;
    if (this.size > MAX_LINE_BYTES) return undefined;
    if (rest.length > 0) this.pending.push(rest);
    return lines;
  }
}

/** Checks a request line from `unknown`, field by field; the broker trusts nothing it reads. */
export function parseRequest(
  line: string,
): { request: BrokerRequest } | { id: number | null; declined: DeclineReason } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { id: null, declined: 'bad_request' };
  }
  if (typeof value !== 'object' || value === null) return { id: null, declined: 'bad_request' };
  const r = value as Record<string, unknown>;
  const id = typeof r.id === 'number' && Number.isSafeInteger(r.id) ? r.id : null;
  if (id === null) return { id, declined: 'bad_request' };
  if (r.v !== BROKER_PROTOCOL_VERSION) return { id, declined: 'unsupported_version' };
  if (!isValidAccountName(r.name) || typeof r.service !== 'string' || r.service.length > 256)
    return { id, declined: 'bad_request' };
  const base = { v: r.v, id, name: r.name, service: r.service };
  if (r.op === 'refresh') return { request: { ...base, op: 'refresh' } };
  if (r.op === 'token' && r.minTtl === undefined) return { request: { ...base, op: 'token' } };
  if (
    r.op === 'token' &&
    typeof r.minTtl === 'number' &&
    Number.isInteger(r.minTtl) &&
    r.minTtl >= 0 &&
    r.minTtl <= 86_400
  )
    return { request: { ...base, op: 'token', minTtl: r.minTtl } };
  return { id, declined: 'bad_request' };
}

/**
 * A code this build knows: exactly those with an exit code, as errors.ts keeps that map complete.
 * (`typeof` shuts out names inherited from Object.prototype, such as "toString".)
 */
function isErrorCode(code: string): code is ErrorCode {
  return typeof new TokenTrayError(code as ErrorCode, '').exitCode === 'number';
}

const optionalString = (v: unknown): v is string | undefined =>
  v === undefined || typeof v === 'string';

export function isHello(value: unknown): value is BrokerHello {
  const h = value as Partial<BrokerHello> | null;
  return typeof h === 'object' && h !== null && h.tokentray === 'broker' && typeof h.v === 'number';
}

export function isWireError(value: unknown): value is WireError {
  const e = value as Record<string, unknown> | null;
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof e.code === 'string' &&
    isErrorCode(e.code) &&
    typeof e.message === 'string' &&
    optionalString(e.hint) &&
    optionalString(e.oauthError) &&
    (e.retryAfterMs === undefined || typeof e.retryAfterMs === 'number')
  );
}

export function isAccessTokenRecord(value: unknown): value is AccessTokenRecord {
  const r = value as Record<string, unknown> | null;
  return (
    typeof r === 'object' &&
    r !== null &&
    typeof r.accessToken === 'string' &&
    r.accessToken.length > 0 &&
    typeof r.tokenType === 'string' &&
    Number.isFinite(r.expiresAt) &&
    Number.isFinite(r.issuedAt) &&
    optionalString(r.scope)
  );
}
