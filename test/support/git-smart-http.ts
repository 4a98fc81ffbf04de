import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A git smart-HTTP server on 127.0.0.1: Debian's `git http-backend` (the CGI program git ships for
 * exactly this) behind a small Node server that lets a request through only when its Basic
 * password is a token `isActive` accepts (the test asks oidc-provider by introspection). Anything
 * else gets 401 with a Basic challenge, which is what makes git ask its credential helpers.
 */
export interface GitServer {
  /** e.g. http://127.0.0.1:PORT */
  url: string;
  /** `host` as git sends it: 127.0.0.1:PORT */
  host: string;
  /** Passwords seen, in order, and whether each was let through. */
  attempts: Array<{ username: string; accepted: boolean }>;
  close(): Promise<void>;
}

export async function startGitServer(
  projectRoot: string,
  isActive: (token: string) => Promise<boolean>,
): Promise<GitServer> {
  const attempts: GitServer['attempts'] = [];
  const server = createServer((req, res) => {
    void handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const [scheme, encoded] = (req.headers.authorization ?? '').split(' ');
    const decoded = scheme === 'Basic' ? Buffer.from(encoded ?? '', 'base64').toString() : '';
    const colon = decoded.indexOf(':');
    const username = colon === -1 ? '' : decoded.slice(0, colon);
    const password = colon === -1 ? '' : decoded.slice(colon + 1);
    const accepted = password !== '' && (await isActive(password));
    if (req.headers.authorization !== undefined) attempts.push({ username, accepted });
    if (!accepted) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="test git"' }).end();
      return;
    }
    await cgi(req, res, projectRoot, username);
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    attempts,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

/** Runs `git http-backend` for one request, by the CGI rules (RFC 3875), as git's docs show. */
function cgi(
  req: IncomingMessage,
  res: ServerResponse,
  projectRoot: string,
  user: string,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    GIT_PROJECT_ROOT: projectRoot,
    GIT_HTTP_EXPORT_ALL: '1',
    GATEWAY_INTERFACE: 'CGI/1.1',
    REQUEST_METHOD: req.method ?? 'GET',
    PATH_INFO: decodeURIComponent(url.pathname),
    QUERY_STRING: url.search.slice(1),
    CONTENT_TYPE: req.headers['content-type'] ?? '',
    REMOTE_USER: user,
    REMOTE_ADDR: '127.0.0.1',
  };
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === 'string') env[`HTTP_${name.toUpperCase().replace(/-/g, '_')}`] = value;
  }
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'ignore'] });
    req.pipe(child.stdin);
    let head = Buffer.alloc(0);
    let headerDone = false;
    child.stdout.on('data', (chunk: Buffer) => {
      if (headerDone) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end === -1) return;
      headerDone = true;
      let status = 200;
      for (const line of head.subarray(0, end).toString().split('\r\n')) {
        const colon = line.indexOf(':');
        const key = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (key.toLowerCase() === 'status') status = Number(value.split(' ')[0]);
        else res.setHeader(key, value);
      }
      res.writeHead(status);
      res.write(head.subarray(end + 4));
    });
    child.on('error', reject);
    child.on('close', () => {
      res.end();
      resolve();
    });
  });
}
