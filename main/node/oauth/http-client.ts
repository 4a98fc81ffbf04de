import { Agent, EnvHttpProxyAgent, fetch as undiciFetch, type Dispatcher } from './undici-parts.js';
import { isLoopbackHost } from './endpoint-policy.js';
import { strictlyDecoded } from './strict-utf8.js';

/** Limits on every OAuth HTTP exchange, so a stuck or hostile server cannot hang or flood us. */
export interface HttpLimits {
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  /** The whole exchange, enforced with an AbortSignal on top of the per-phase timeouts. */
  totalTimeoutMs: number;
  maxResponseBytes: number;
}

export const DEFAULT_LIMITS: HttpLimits = {
  connectTimeoutMs: 10_000,
  headersTimeoutMs: 15_000,
  bodyTimeoutMs: 15_000,
  totalTimeoutMs: 30_000,
  // Token responses are a few KiB; a JWT-heavy one stays far below this.
  maxResponseBytes: 1024 * 1024,
};

/** The shape oauth4webapi's `customFetch` calls with, for any method and body. */
export type OAuthFetch = (
  url: string,
  init: {
    method: string;
    headers: Record<string, string>;
    body?: unknown;
    redirect?: 'manual';
    signal?: AbortSignal;
  },
) => Promise<Response>;

/**
 * undici's fetch with our limits, through HTTPS_PROXY / HTTP_PROXY with NO_PROXY exceptions when
 * they are set (EnvHttpProxyAgent), and directly otherwise. Loopback always goes direct: it is
 * plain http (RFC 8252 §8.3), and a proxy would see its secrets in clear text, whatever NO_PROXY
 * says.
 */
export function createOAuthFetch(
  limits: HttpLimits = DEFAULT_LIMITS,
  /** Tests pass undici's MockAgent here to answer every endpoint; else the two below. */
  dispatcher?: Dispatcher,
): OAuthFetch {
  const options = {
    connectTimeout: limits.connectTimeoutMs,
    headersTimeout: limits.headersTimeoutMs,
    bodyTimeout: limits.bodyTimeoutMs,
    maxResponseSize: limits.maxResponseBytes,
    // A CLI exits right after its request; idle sockets must not hold it open.
    keepAliveTimeout: 1_000,
  };
  const proxied: Dispatcher = dispatcher ?? new EnvHttpProxyAgent(options);
  const direct: Dispatcher = dispatcher ?? new Agent(options);
  return async (url, init) => {
    const to = isLoopbackHost(new URL(url).hostname) ? direct : proxied;
    return withKnownQuirksUndone(
      await strictlyDecoded(
        (await undiciFetch(url, { ...(init as object), dispatcher: to })) as unknown as Response,
        url,
      ),
    );
  };
}

/** What a response looked like on the wire, before withKnownQuirksUndone rewrote it. */
export interface AsSent {
  status: number;
  /** For a 4xx answer: what its body was, since RFC 6749 §5.2 says it must be a JSON error. */
  body?: 'empty' | 'json' | 'html' | 'other';
}

const asSent = new WeakMap<object, AsSent>();

/** The status (and for a 4xx, the kind of body) the server really sent, for truthful messages. */
export function sentAs(response: { status: number }): AsSent {
  return asSent.get(response) ?? { status: response.status };
}

/**
 * Undoes two well-known deviations from the RFCs, so each response reads as the standard says:
 * - GitHub answers token-endpoint errors (authorization_pending, bad_verification_code, ...) with
 *   HTTP 200, where RFC 6749 §5.2 and RFC 8628 §3.5 say 400: such a 200 gets its 400 back.
 * - Google's device authorization response names `verification_url` what RFC 8628 §3.2 calls
 *   `verification_uri`.
 */
async function withKnownQuirksUndone(response: Response): Promise<Response> {
  if (response.status >= 400 && response.status < 500) return withBodyKind(response);
  if (response.status !== 200 || !(response.headers.get('content-type') ?? '').includes('json'))
    return response;
  const text = await response.text();
  // The body is read and decoded now: its old length and encoding no longer describe it.
  const headers = new Headers(response.headers);
  headers.delete('content-length');
  headers.delete('content-encoding');
  const respond = (body: string, status = 200) => {
    const rewritten = new Response(body, { status, headers });
    asSent.set(rewritten, { status: 200 });
    return rewritten;
  };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return respond(text);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return respond(text);
  const fields = body as Record<string, unknown>;
  if (typeof fields.verification_url === 'string' && fields.verification_uri === undefined) {
    fields.verification_uri = fields.verification_url;
    return respond(JSON.stringify(fields));
  }
  const isError = typeof fields.error === 'string' && !('access_token' in fields);
  return respond(text, isError ? 400 : 200);
}

/** Notes what a 4xx answer's body is: the messages for an empty or HTML answer differ. */
async function withBodyKind(response: Response): Promise<Response> {
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  let body: AsSent['body'] = 'other';
  if (text.trim() === '') body = 'empty';
  else if (/html/i.test(type) || /^\s*</.test(text)) body = 'html';
  else {
    try {
      JSON.parse(text);
      body = 'json';
    } catch {
      body = 'other';
    }
  }
  const headers = new Headers(response.headers);
  headers.delete('content-length');
  headers.delete('content-encoding');
  const copy = new Response(text === '' ? null : text, { status: response.status, headers });
  asSent.set(copy, { status: response.status, body });
  return copy;
}

/** The per-request deadline handed to oauth4webapi, as a factory so each request gets its own. */
export const totalTimeout = (limits: HttpLimits) => () =>
  AbortSignal.timeout(limits.totalTimeoutMs);

/**
 * `TOKENTRAY_HTTP_TIMEOUT` (seconds) shortens or lengthens the whole-exchange deadline, for slow
 * proxies or for scripts that would rather fail fast. Unset or invalid keeps the defaults.
 */
export function limitsFromEnv(env: NodeJS.ProcessEnv = process.env): HttpLimits {
  const seconds = Number(env.TOKENTRAY_HTTP_TIMEOUT);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 600) return DEFAULT_LIMITS;
  const ms = Math.round(seconds * 1000);
  return {
    ...DEFAULT_LIMITS,
    totalTimeoutMs: ms,
    connectTimeoutMs: Math.min(DEFAULT_LIMITS.connectTimeoutMs, ms),
    headersTimeoutMs: Math.min(DEFAULT_LIMITS.headersTimeoutMs, ms),
    bodyTimeoutMs: Math.min(DEFAULT_LIMITS.bodyTimeoutMs, ms),
  };
}
