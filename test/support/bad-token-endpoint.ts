// A token endpoint that misbehaves on purpose, served over real HTTP on loopback, to prove the
// client turns each kind of broken or hostile response into a clear error and stores nothing
// from it. The misbehaviour is chosen by the path: POST /token/<mode>, or POST /token/current for
// whichever mode the test set last (an account's endpoint stays put while its server turns bad).
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { listenOnLoopback } from './loopback.js';

export const BAD_MODES = [
  'not-json',
  'html-error',
  'html-200',
  'no-access-token',
  'negative-expires',
  'string-expires',
  'huge-expires',
  'oversized',
  'slow-headers',
  'server-error',
  'rate-limited',
  'invalid-grant',
  'invalid-client',
  'bad-utf8',
  'rotated-bad-utf8',
  'bad-token-chars',
  'rotated-bad-token-chars',
  'rotated-huge',
  'ok',
] as const;

export type BadMode = (typeof BAD_MODES)[number];

export interface BadTokenEndpoint {
  /** The token endpoint URL that misbehaves as `mode`. */
  url(mode: BadMode): string;
  /** The URL whose misbehaviour follows {@link setCurrent}. */
  readonly currentUrl: string;
  setCurrent(mode: BadMode): void;
  /** How many requests reached /token/*, whatever the mode. */
  requests(): number;
  /** Stops the server and destroys every socket, including ones left hanging by `slow-headers`. */
  close(): Promise<void>;
}

const OVERSIZED_BYTES = 3 * 1024 * 1024; // Comfortably past the 2 MiB a client should accept.
const CHUNK = 'x'.repeat(64 * 1024);

const BAD_GATEWAY_PAGE =
  '<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n' +
  '<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n';

// What a captive portal or an SSO login wall returns with a cheerful 200.
const LOGIN_WALL_PAGE =
  '<!DOCTYPE html>\n<html><head><title>Sign in to continue</title></head>\n' +
  '<body><form method="post" action="/login"><input name="user"><button>Sign in</button></form></body></html>\n';

function isBadMode(value: string): value is BadMode {
  return (BAD_MODES as readonly string[]).includes(value);
}

/** JSON whose bytes are not all UTF-8: `bytes` go between the two halves as they are. */
function sendRawJson(res: ServerResponse, head: string, bytes: number[], tail: string): void {
  const body = Buffer.concat([Buffer.from(head), Buffer.from(bytes), Buffer.from(tail)]);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
  res.end(body);
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': 'application/json',
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(JSON.stringify(body));
}

function sendText(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType });
  res.end(body);
}

// Chunked, with no Content-Length, so the client cannot refuse it up front: it has to stop
// reading once it has seen too much. Honours backpressure and stops when the client hangs up.
function streamOversizedJson(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.write('{"access_token":"at-oversized","token_type":"Bearer","expires_in":3600,"padding":"');
  let sent = 0;
  const pump = (): void => {
    while (sent < OVERSIZED_BYTES) {
      if (res.destroyed) return;
      sent += CHUNK.length;
      if (!res.write(CHUNK)) {
        res.once('drain', pump);
        return;
      }
    }
    res.end('"}');
  };
  // A client that aborts mid-stream is the expected outcome, not an error here.
  res.on('error', () => {});
  pump();
}

export async function startBadTokenEndpoint(): Promise<BadTokenEndpoint> {
  let requestCount = 0;
  let okCount = 0;
  const sockets = new Set<Socket>();

  const respond = (mode: BadMode, res: ServerResponse): void => {
    switch (mode) {
      case 'not-json':
        return sendText(res, 200, 'text/plain', 'ok');
      case 'html-error':
        return sendText(res, 502, 'text/html; charset=utf-8', BAD_GATEWAY_PAGE);
      case 'html-200':
        return sendText(res, 200, 'text/html; charset=utf-8', LOGIN_WALL_PAGE);
      case 'no-access-token':
        return sendJson(res, 200, { token_type: 'Bearer', expires_in: 3600 });
      case 'negative-expires':
        return sendJson(res, 200, {
          access_token: 'at-negative',
          token_type: 'Bearer',
          expires_in: -5,
        });
      case 'string-expires':
        return sendJson(res, 200, {
          access_token: 'at-string',
          token_type: 'Bearer',
          expires_in: 'soon',
        });
      case 'huge-expires':
        return sendJson(res, 200, {
          access_token: 'at-huge',
          token_type: 'Bearer',
          expires_in: 1e12,
        });
      case 'oversized':
        return streamOversizedJson(res);
      case 'slow-headers':
        // Never answer. close() destroys the socket.
        return;
      case 'server-error':
        return sendJson(res, 503, { error: 'temporarily_unavailable' }, { 'retry-after': '1' });
      case 'rate-limited':
        res.writeHead(429, { 'content-type': 'text/plain', 'retry-after': '2' });
        res.end('Too Many Requests');
        return;
      case 'invalid-grant':
        return sendJson(res, 400, {
          error: 'invalid_grant',
          error_description: 'Token has been expired or revoked.',
        });
      case 'invalid-client':
        return sendJson(res, 401, { error: 'invalid_client' });
      case 'bad-utf8':
        return sendRawJson(
          res,
          '{"access_token":"at-',
          [0xff, 0xfe],
          '","token_type":"Bearer","expires_in":3600}',
        );
      case 'rotated-bad-utf8':
        // A valid access token, and a rotated refresh token a broken proxy mangled.
        return sendRawJson(
          res,
          '{"access_token":"at-ok","refresh_token":"rt-',
          [0xc3, 0x28],
          '","token_type":"Bearer","expires_in":3600}',
        );
      case 'bad-token-chars':
        return sendJson(res, 200, {
          access_token: 'at-\u001b]0;pwned\u0007',
          token_type: 'Bearer',
          expires_in: 3600,
        });
      case 'rotated-bad-token-chars':
        return sendJson(res, 200, {
          access_token: 'at-ok',
          refresh_token: 'rt-tökén',
          token_type: 'Bearer',
          expires_in: 3600,
        });
      case 'rotated-huge':
        // A rotated refresh token of 100 KB: valid characters, beyond what TokenTray keeps.
        return sendJson(res, 200, {
          access_token: 'at-ok',
          refresh_token: 'r'.repeat(100_000),
          token_type: 'Bearer',
          expires_in: 3600,
        });
      case 'ok':
        // No refresh_token: like Google, the old one stays valid (RFC 6749 §6).
        okCount += 1;
        return sendJson(res, 200, {
          access_token: `at-${okCount}`,
          token_type: 'Bearer',
          expires_in: 3600,
        });
    }
  };

  let current: BadMode = 'ok';
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = /^\/token\/([^/?]+)/.exec(req.url ?? '')?.[1];
    const mode = path === 'current' ? current : path;
    if (mode === undefined) {
      return sendJson(res, 404, {
        error: 'not_found',
        error_description: 'use POST /token/<mode>',
      });
    }
    requestCount += 1;
    if (!isBadMode(mode)) {
      return sendJson(res, 404, { error: 'not_found', error_description: `unknown mode ${mode}` });
    }
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    // Read the whole form first, as a real server does, so the client is never cut off mid-upload.
    req.resume();
    req.once('end', () => respond(mode, res));
  });

  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  const base = await listenOnLoopback(server);

  let closing: Promise<void> | undefined;

  return {
    url: (mode) => `${base}/token/${mode}`,
    currentUrl: `${base}/token/current`,
    setCurrent: (mode) => (current = mode),
    requests: () => requestCount,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}
