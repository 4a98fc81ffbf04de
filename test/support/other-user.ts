import { execFile } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { chmod, mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { listenOnLoopback } from './loopback.js';

const run = promisify(execFile);

/**
 * Another local user, as an attacker: `nobody`, through util-linux's setpriv. Changing user needs
 * root, which the test runner (and CI's `.ci/run`) has; elsewhere the tests that need it skip.
 */
export const canBecomeNobody = process.getuid?.() === 0;

/** Runs a shell command as `nobody`, with no supplementary groups and an empty environment. */
export async function asNobody(script: string): Promise<void> {
  await run(
    'setpriv',
    ['--reuid=nobody', '--regid=nogroup', '--clear-groups', '--', 'sh', '-c', script],
    { env: { PATH: '/usr/bin:/bin' } },
  );
}

/**
 * A temp folder like /tmp itself: everyone may create entries in it, and only remove their own.
 * In the system's /tmp, not the test run's private one (0700: the other user could not reach it).
 * The caller removes it.
 */
export async function sharedTempDir(): Promise<string> {
  const dir = await mkdtemp(join('/tmp', 'tokentray-shared-'));
  await chmod(dir, 0o1777);
  return dir;
}

/** What an attacker's server on loopback was sent: every request, whole. */
export interface Capture {
  url: string;
  requests: Array<{
    method: string;
    path: string;
    headers: IncomingMessage['headers'];
    body: string;
  }>;
  close(): Promise<void>;
}

/**
 * A server an attacker would run to collect secrets: it records every request and answers like a
 * token endpoint would, so a client that sends it anything has every reason to carry on.
 */
export async function startCapturingServer(): Promise<Capture> {
  const requests: Capture['requests'] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ access_token: 'stolen', token_type: 'Bearer', expires_in: 3600 }));
    });
  });
  const url = await listenOnLoopback(server);
  return {
    url,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
