import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { secondsLeft, type AccessTokenRecord } from '../../common/account.js';
import type { Clock } from '../../common/clock.js';
import { formatError } from '../../common/redact.js';

/** Who the endpoint says the caller is: Compute Engine's "default" service account. */
export interface MetadataIdentity {
  email: string;
  scopes: string[];
  projectId?: string;
  /** gcloud decides it is on Compute Engine by reading this number. */
  projectNumber?: string;
}

export interface MetadataServerOptions {
  /** 0 picks any free port. */
  port: number;
  identity: MetadataIdentity;
  /** A fresh token, by the engine's rules (the broker, or the engine itself in the app). */
  getToken(): Promise<AccessTokenRecord>;
  /** Called once per token handed out, before it is sent. */
  onTokenServed(request: { path: string; userAgent: string }): Promise<void>;
  clock: Clock;
}

export interface MetadataServer {
  /** 127.0.0.1:PORT, for GCE_METADATA_HOST and GCE_METADATA_IP. */
  host: string;
  port: number;
  close(): Promise<void>;
}

const FLAVOR = { 'metadata-flavor': 'Google' } as const;
const ROOT = '/computeMetadata/v1';
const SERVICE_ACCOUNTS = `${ROOT}/instance/service-accounts`;

/**
 * The Compute Engine metadata protocol, as far as Google's client libraries use it to get a token
 * (https://cloud.google.com/compute/docs/metadata/querying-metadata), on loopback only.
 *
 * Any web page can make a browser send requests to loopback, so before anything else a request
 * must show that it comes from a metadata client and not from a page: the `Metadata-Flavor: Google`
 * header (which a cross-origin page cannot send without a CORS preflight, and preflights get no
 * CORS answer here), no `Origin` at all, and a `Host` that is this server's own address (which a
 * DNS-rebinding page cannot fake). Everything else is 403.
 */
export async function startMetadataServer(options: MetadataServerOptions): Promise<MetadataServer> {
  let port = options.port;
  const server = createServer((req, res) => {
    void answer(req, res, port, options).catch(() => {
      if (!res.headersSent) res.writeHead(500, FLAVOR);
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    host: `127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function answer(
  req: IncomingMessage,
  res: ServerResponse,
  port: number,
  options: MetadataServerOptions,
): Promise<void> {
  const host = req.headers.host;
  if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) {
    return send(res, 403, 'text', 'Forbidden: the Host header is not this server.\n');
  }
  if (req.headers.origin !== undefined) {
    return send(res, 403, 'text', 'Forbidden: requests from web pages are refused.\n');
  }
  if (req.headers['metadata-flavor'] !== 'Google') {
    return send(res, 403, 'text', 'Forbidden: the Metadata-Flavor: Google header is missing.\n');
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return send(res, 405, 'text', 'Method not allowed.\n');
  }
  // Query strings these paths don't need (?scopes=, ?alt=) are ignored; only ?recursive counts.
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const path = decodePath(url.pathname);
  if (path === undefined) return send(res, 404, 'text', 'Not found.\n');
  const { identity } = options;
  const listing = (...names: string[]) =>
    send(res, 200, 'text', names.map((n) => `${n}\n`).join(''));

  if (path === '/') return listing('computeMetadata/');
  if (path === `${ROOT}/`) return listing('instance/', 'project/');
  if (path === `${ROOT}/instance` || path === `${ROOT}/instance/`)
    return listing('service-accounts/');
  if (path === SERVICE_ACCOUNTS || path === `${SERVICE_ACCOUNTS}/`) {
    return listing('default/', `${identity.email}/`);
  }
  if (path === `${ROOT}/project/project-id` && identity.projectId !== undefined) {
    return send(res, 200, 'text', identity.projectId);
  }
  if (path === `${ROOT}/project/numeric-project-id` && identity.projectNumber !== undefined) {
    return send(res, 200, 'text', identity.projectNumber);
  }
  const account = serviceAccountPath(path, identity.email);
  if (account === undefined) return send(res, 404, 'text', 'Not found.\n');
  switch (account) {
    case '':
      return url.searchParams.get('recursive') === 'true'
        ? send(res, 200, 'json', {
            aliases: ['default'],
            email: identity.email,
            scopes: identity.scopes,
          })
        : listing('aliases', 'email', 'scopes', 'token');
    case 'email':
      return send(res, 200, 'text', identity.email);
    case 'scopes':
      return listing(...identity.scopes);
    case 'token': {
      let record: AccessTokenRecord;
      try {
        record = await options.getToken();
      } catch (err) {
        // The client library shows this text; it says what to do (sign in again, retry later).
        return send(res, 503, 'text', `TokenTray: ${formatError(err)}\n`);
      }
      await options.onTokenServed({
        path,
        userAgent: String(req.headers['user-agent'] ?? ''),
      });
      return send(res, 200, 'json', {
        access_token: record.accessToken,
        expires_in: secondsLeft(record, options.clock.now()),
        token_type: 'Bearer',
      });
    }
    default:
      return send(res, 404, 'text', 'Not found.\n');
  }
}

/** Python's google-auth may send the email's "@" as %40. */
function decodePath(path: string): string | undefined {
  try {
    return decodeURIComponent(path);
  } catch {
    return undefined;
  }
}

/** `.../service-accounts/{default|<email>}/<rest>` → rest ('' for the folder itself). */
function serviceAccountPath(path: string, email: string): string | undefined {
  for (const alias of ['default', email]) {
    const base = `${SERVICE_ACCOUNTS}/${alias}`;
    if (path === base || path === `${base}/`) return '';
    if (path.startsWith(`${base}/`)) return path.slice(base.length + 1);
  }
  return undefined;
}

function send(
  res: ServerResponse,
  status: number,
  kind: 'text' | 'json',
  body: string | object,
): void {
  res.writeHead(status, {
    ...FLAVOR,
    'content-type': kind === 'json' ? 'application/json' : 'text/plain; charset=utf-8',
    'cache-control': 'no-store',
  });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}
