import { chmod, lstat, mkdir, unlink } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { TokenTrayError, asTokenTrayError } from '../../common/errors.js';
import { redact } from '../../common/redact.js';
import type { TokenEngine } from '../engine/token-engine.js';
import { brokerAddress, type BrokerAddress } from './broker-address.js';
import { ForcedRefreshLimit } from './forced-refresh-limit.js';
import {
  BROKER_PROTOCOL_VERSION,
  LineSplitter,
  encodeMessage,
  parseRequest,
  type BrokerRequest,
  type BrokerResponse,
  type DeclineReason,
  type WireError,
} from './broker-protocol.js';

/** A connection with no request under way is closed after this long. */
const IDLE_MS = 10_000;
/** Far above what scripts open at once; a cap on what a runaway loop can cost the app. */
const MAX_CONNECTIONS = 256;

export interface Broker {
  /** The socket path (unix) or pipe name (Windows) the CLI connects to. */
  readonly address: string;
  /** Stops listening, drops open connections (their clients fall back), removes the socket. */
  close(): Promise<void>;
}

/**
 * Makes `engine` the one process that refreshes while the app runs: the CLI asks it for tokens over
 * a socket only this user can open, instead of refreshing on its own (see ./broker-protocol.ts).
 * Every answer comes from the engine, so a crowd of CLIs still costs one refresh per account.
 */
export async function startBroker(engine: TokenEngine, dataDir: string): Promise<Broker> {
  const address = await brokerAddress(dataDir);
  if (address.kind === 'unix') await preparePrivateDir(address.dir);
  const sockets = new Set<Socket>();
  let closing = false;
  const forced = new ForcedRefreshLimit({ now: () => engine.now() });
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serve(socket, (request) =>
      closing ? declined(request.id, 'closing') : answer(engine, forced, request),
    );
  });
  server.maxConnections = MAX_CONNECTIONS;
  await listenReplacingStale(server, address);
  try {
    // The 0700 folder already keeps others out, from before listen(); this is for tools that look.
    if (address.kind === 'unix') await chmod(address.path, 0o600);
  } catch (err) {
    server.close();
    throw err;
  }
  // After listen, an accept failure (EMFILE) is reported here: it must not take the app down.
  server.on('error', () => undefined);

  let closed: Promise<void> | undefined;
  return {
    address: address.path,
    close() {
      closing = true;
      // For a unix socket, libuv removes the socket file as the server closes.
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closed;
    },
  };
}

/**
 * One connection: a hello, then one answer per request line. One request is in flight at a time,
 * and nothing more is read while it runs or while the answers wait to be written (the client is
 * not reading them), so what a connection can cost is bounded: one line being split, the lines of
 * one chunk, one answer. A client that pipelines requests waits for the kernel's socket buffer.
 */
function serve(socket: Socket, handle: (request: BrokerRequest) => Promise<BrokerResponse>): void {
  socket.on('error', () => undefined); // a client that left mid-answer
  const queue: string[] = [];
  let busy = false;
  let writeBlocked = false;
  let done = false;
  const send = (message: BrokerResponse): void => {
    if (socket.destroyed || !socket.writable) return;
    if (!socket.write(encodeMessage(message))) {
      writeBlocked = true;
      socket.once('drain', () => {
        writeBlocked = false;
        next();
      });
    }
  };
  const refuse = (id: number | null, reason: DeclineReason): void => {
    done = true;
    queue.length = 0;
    socket.end(encodeMessage({ id, ok: false, declined: reason }));
  };
  const next = (): void => {
    while (!done && !busy && !writeBlocked && queue.length > 0) {
      const parsed = parseRequest(queue.shift() as string);
      if ('declined' in parsed) return refuse(parsed.id, parsed.declined);
      busy = true;
      void handle(parsed.request)
        .then(send)
        .catch(() => undefined) // an answer never rejects; nothing may reach the app as unhandled
        .finally(() => {
          busy = false;
          next();
        });
    }
    if (done || busy || writeBlocked || queue.length > 0) socket.pause();
    else socket.resume();
  };
  socket.setTimeout(IDLE_MS, () => {
    if (!busy) socket.destroy(); // idle, or not reading its answers
  });
  socket.write(encodeMessage({ tokentray: 'broker', v: BROKER_PROTOCOL_VERSION }));
  const lines = new LineSplitter();
  socket.on('data', (chunk: Buffer) => {
    if (done) return;
    const got = lines.push(chunk);
    if (got === undefined) return refuse(null, 'line_too_long');
    queue.push(...got);
    next();
  });
}

/**
 * One answer, from the engine's memory when it can. An account removed and added again under the
 * same name (by the CLI while the app runs) is another grant: the engine keys what it remembers by
 * the account's creation time, so nothing of the old grant answers for the new one (and forced
 * refreshes share a result only within one grant, see ./forced-refresh-limit.ts).
 */
async function answer(
  engine: TokenEngine,
  forced: ForcedRefreshLimit,
  request: BrokerRequest,
): Promise<BrokerResponse> {
  const { id, name } = request;
  if (request.service !== engine.keychainService) return declined(id, 'other_keychain');
  try {
    if (request.op === 'token') {
      let warning: string | undefined;
      const record = await engine.getToken(name, {
        ...(request.minTtl === undefined ? {} : { minTtl: request.minTtl }),
        onWarning: (message) => (warning = redact(message)),
      });
      return { id, ok: true, record, ...(warning === undefined ? {} : { warning }) };
    }
    // Keyed by the account's creation time too: a new grant under the name shares nothing.
    const createdAt = engine.accounts().find((a) => a.name === name)?.createdAt ?? '';
    const record = await forced.run(`${name}\n${createdAt}`, () => engine.refresh(name));
    return { id, ok: true, expiresAt: record.expiresAt };
  } catch (err) {
    return { id, ok: false, error: toWire(asTokenTrayError(err)) };
  }
}

function declined(id: number, reason: DeclineReason): Promise<BrokerResponse> {
  return Promise.resolve({ id, ok: false, declined: reason });
}

/** Redacted again here: this message leaves the process. */
function toWire(error: TokenTrayError): WireError {
  return {
    code: error.code,
    message: redact(error.message),
    ...(error.hint === undefined ? {} : { hint: redact(error.hint) }),
    ...(error.oauthError === undefined ? {} : { oauthError: error.oauthError }),
    ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
  };
}

/**
 * The socket's folder must be ours and 0700 before listen(): that, not the socket's mode, is what
 * keeps other users out (Node has no portable way to read the peer's uid, and setting the umask
 * around listen() would race with every other file the app creates meanwhile).
 */
async function preparePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const st = await lstat(dir);
  if (!st.isDirectory() || st.uid !== process.getuid?.()) {
    throw new TokenTrayError(
      'internal',
      `${dir} is not a folder of this user's, so TokenTray will not serve tokens through it.`,
      { hint: 'Remove it (or move TOKENTRAY_HOME elsewhere) and restart TokenTray.' },
    );
  }
  if ((st.mode & 0o077) !== 0) await chmod(dir, 0o700);
}

/** A socket file left by a crashed app is replaced; a live broker is never taken over. */
async function listenReplacingStale(server: Server, address: BrokerAddress): Promise<void> {
  try {
    await listen(server, address.path);
  } catch (err) {
    if ((err as { code?: unknown }).code !== 'EADDRINUSE') throw err;
    if (address.kind === 'pipe' || (await answersConnect(address.path))) {
      throw new TokenTrayError(
        'internal',
        'Another TokenTray app is already serving tokens for this data folder.',
        { hint: 'Quit the other TokenTray, or give this one its own TOKENTRAY_HOME.', cause: err },
      );
    }
    await unlink(address.path).catch(() => undefined);
    await listen(server, address.path);
  }
}

function listen(server: Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(path, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/** Only a refused connection proves the file stale; anything else might be a live broker. */
function answersConnect(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createConnection(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', (err: NodeJS.ErrnoException) =>
      resolve(err.code !== 'ECONNREFUSED' && err.code !== 'ENOENT'),
    );
  });
}
