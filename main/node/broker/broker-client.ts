import type { AccessTokenRecord } from '../../common/account.js';
import { TokenTrayError } from '../../common/errors.js';
import { registerSecret } from '../../common/redact.js';
import { brokerAddress, isPrivateDir } from './broker-address.js';
import {
  BROKER_PROTOCOL_VERSION,
  LineSplitter,
  encodeMessage,
  isAccessTokenRecord,
  isHello,
  isWireError,
  type BrokerRequest,
} from './broker-protocol.js';

/** A live app says hello at once, even mid-refresh: silence means a frozen or foreign listener. */
const HELLO_TIMEOUT_MS = 1_000;
/** The engine's own worst case bounds an answer: the account lock (45 s) plus its HTTP timeouts. */
const ANSWER_TIMEOUT_MS = 120_000;

/**
 * What the running app answered. `undefined` from the functions below means "no app to ask" (none
 * running, a stale socket, another version, a broken answer): the caller then does the work itself,
 * under the file lock, which is always safe.
 */
export type BrokerAnswer<T> =
  { ok: true; value: T; warning?: string } | { ok: false; error: TokenTrayError };

export async function askBrokerForToken(
  dataDir: string,
  query: { name: string; minTtl?: number; service: string },
): Promise<BrokerAnswer<AccessTokenRecord> | undefined> {
  const response = await askBroker(dataDir, {
    v: BROKER_PROTOCOL_VERSION,
    id: 1,
    op: 'token',
    name: query.name,
    service: query.service,
    ...(query.minTtl === undefined ? {} : { minTtl: query.minTtl }),
  });
  return settle(response, (r) => {
    if (!isAccessTokenRecord(r.record)) return undefined;
    registerSecret(r.record.accessToken);
    return r.record;
  });
}

export async function askBrokerToRefresh(
  dataDir: string,
  query: { name: string; service: string },
): Promise<BrokerAnswer<{ expiresAt: number }> | undefined> {
  const response = await askBroker(dataDir, {
    v: BROKER_PROTOCOL_VERSION,
    id: 1,
    op: 'refresh',
    ...query,
  });
  return settle(response, (r) =>
    Number.isFinite(r.expiresAt) ? { expiresAt: r.expiresAt as number } : undefined,
  );
}

/**
 * One request on one connection. Never throws and never hangs: every failure, and silence past the
 * timeouts, resolves to undefined.
 */
export async function askBroker(
  dataDir: string,
  request: BrokerRequest,
  answerTimeoutMs = ANSWER_TIMEOUT_MS,
): Promise<Record<string, unknown> | undefined> {
  try {
    const address = await brokerAddress(dataDir);
    if (address.kind === 'unix' && !isPrivateDir(address.dir)) return undefined;
    // Loaded only when there is an app to ask, and synchronously (no ES module loader): node:net
    // costs the CLI's cached-token path about a millisecond.
    const { createConnection } = process.getBuiltinModule('node:net');
    return await new Promise((resolve) => {
      const socket = createConnection(address.path);
      const lines = new LineSplitter();
      let greeted = false;
      let timer = setTimeout(() => finish(undefined), HELLO_TIMEOUT_MS);
      function finish(result: Record<string, unknown> | undefined): void {
        clearTimeout(timer);
        socket.destroy();
        resolve(result);
      }
      socket.on('error', () => finish(undefined));
      socket.on('close', () => finish(undefined));
      // Sent at once, not after the hello: the common case costs one round trip.
      socket.on('connect', () => socket.write(encodeMessage(request)));
      socket.on('data', (chunk: Buffer) => {
        const got = lines.push(chunk);
        if (got === undefined) return finish(undefined);
        for (const line of got) {
          const message = parseObject(line);
          if (message === undefined) return finish(undefined);
          if (!greeted) {
            if (!isHello(message) || message.v !== BROKER_PROTOCOL_VERSION)
              return finish(undefined);
            greeted = true;
            clearTimeout(timer);
            timer = setTimeout(() => finish(undefined), answerTimeoutMs);
          } else if (message.id === request.id || message.id === null) {
            return finish(message);
          }
        }
      });
    });
  } catch {
    return undefined;
  }
}

/** An error answer becomes the same TokenTrayError the engine threw in the app. */
function settle<T>(
  response: Record<string, unknown> | undefined,
  value: (response: Record<string, unknown>) => T | undefined,
): BrokerAnswer<T> | undefined {
  if (response === undefined) return undefined;
  if (response.ok === true) {
    const v = value(response);
    if (v === undefined) return undefined;
    const { warning } = response;
    return typeof warning === 'string' && warning.length <= 2000
      ? { ok: true, value: v, warning }
      : { ok: true, value: v };
  }
  // A declined request, or the broker itself failing ('internal'): do the work here instead.
  const e = response.error;
  if (!isWireError(e) || e.code === 'internal') return undefined;
  return {
    ok: false,
    error: new TokenTrayError(e.code, e.message, {
      hint: e.hint,
      oauthError: e.oauthError,
      retryAfterMs: e.retryAfterMs,
    }),
  };
}

function parseObject(line: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
