import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, request as httpRequest } from 'node:http';
import { fileURLToPath } from 'node:url';
import { CLI_PATH } from './cli-runner.js';
import { listenOnLoopback } from './loopback.js';

const FILE_LOCK = fileURLToPath(new URL('../../main/node/file-lock.ts', import.meta.url));

/** A process of ours, to be killed: `exited` settles with its exit code or signal. */
export interface Victim {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

function track(child: ChildProcess): Victim {
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stderr: string;
  }>((resolve) => child.once('close', (code, signal) => resolve({ code, signal, stderr })));
  return { child, exited };
}

/** `tokentray ARGS` started in the background, as a user's script would, to be killed mid-way. */
export function startTokentray(args: string[], home: string, env: NodeJS.ProcessEnv = {}): Victim {
  return track(
    spawn(process.execPath, [CLI_PATH, ...args], {
      env: { ...process.env, TOKENTRAY_HOME: home, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
}

/**
 * Another TokenTray process holding one of the data folder's locks (`settings`, `account-NAME`)
 * through the product's own withFileLock, until it is killed. Resolves once the lock is held, with
 * the holder's pid. With `parentNeverReaps`, the holder runs under a `sleep` that never waits for
 * it, so once killed it stays a zombie; `child` is then that parent.
 */
export async function holdLock(
  dataDir: string,
  lock: string,
  options: { staleMs?: number; parentNeverReaps?: boolean } = {},
): Promise<Victim & { pid: number }> {
  const { parentNeverReaps = false, ...lockOptions } = options;
  const script = `import(${JSON.stringify(FILE_LOCK)}).then((m) => m.withFileLock(${JSON.stringify(`${dataDir}/locks/${lock}`)}, () => { process.stdout.write('held ' + process.pid + '\\n'); setInterval(() => undefined, 1 << 30); return new Promise(() => {}); }, ${JSON.stringify(lockOptions)}));`;
  const holder = ['--import', 'tsx', '-e', script];
  const victim = track(
    parentNeverReaps
      ? spawn('sh', ['-c', '"$@" & exec sleep 600', 'sh', process.execPath, ...holder], {
          stdio: ['ignore', 'pipe', 'pipe'],
        })
      : spawn(process.execPath, holder, { stdio: ['ignore', 'pipe', 'pipe'] }),
  );
  const pid = await new Promise<number>((resolve, reject) => {
    let out = '';
    victim.child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const held = /held (\d+)\n/.exec(out);
      if (held) resolve(Number(held[1]));
    });
    void victim.exited.then((e) => reject(new Error(`lock holder exited: ${e.stderr}`)));
  });
  return { ...victim, pid };
}

/**
 * A revocation endpoint in front of the real one that passes each request on, and then never
 * answers: the server has revoked the grant, and the client is still waiting when it is killed.
 */
export async function startStallingRevocation(real: string) {
  let forwarded = 0;
  const waiting = new Set<() => void>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => {
      const upstream = httpRequest(real, { method: 'POST', headers: req.headers }, (answer) => {
        answer.resume();
        answer.on('end', () => {
          forwarded++;
          waiting.forEach((wake) => wake());
        });
      });
      upstream.end(Buffer.concat(chunks));
      res.on('close', () => undefined); // never answered
    });
  });
  const url = await listenOnLoopback(server);
  return {
    url: `${url}/revoke`,
    /** Resolves once `n` revocations reached the real server. */
    forwardedAtLeast: (n: number) =>
      new Promise<void>((resolve) => {
        const check = () => forwarded >= n && resolve();
        waiting.add(check);
        check();
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
