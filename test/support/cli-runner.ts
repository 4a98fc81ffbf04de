import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createCliContext, type CliContextOptions } from '../../main/cli/cli-context.js';
import { runCli } from '../../main/cli/run-cli.js';

/** The built CLI, exactly as `npx tokentray` runs it. `npm test` builds it first. */
export const CLI_PATH = fileURLToPath(
  new URL('../../dist/main/cli/tokentray.cjs', import.meta.url),
);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Everything any CLI run printed, so tests can scan it all for secrets at the end. */
export const transcript: CliResult[] = [];

/** A process started by the tests, and what it printed once it has ended. */
export interface Started {
  child: ChildProcessWithoutNullStreams;
  /** Everything printed so far, as it comes. */
  output(): { stdout: string; stderr: string };
  done: Promise<CliResult & { ms: number }>;
}

/** Starts `command ARGS` with exactly `env`, timing it from spawn to close. */
export function start(command: string, args: string[], env: NodeJS.ProcessEnv): Started {
  const startedAt = process.hrtime.bigint();
  const child = spawn(command, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliResult & { ms: number }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - startedAt) / 1e6;
      resolve({ code: code ?? -1, stdout, stderr, ms });
    });
  });
  return { child, output: () => ({ stdout, stderr }), done };
}

/** Runs `node ARGS` in a new process with exactly `env`, timing it from spawn to close. */
export function runNode(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<CliResult & { ms: number }> {
  const started = start(process.execPath, args, env);
  started.child.stdin.end();
  return started.done;
}

/** The environment of a spawned `tokentray` with its settings in `home`. */
export function cliEnv(home: string, env: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    TOKENTRAY_HOME: home,
    TOKENTRAY_CLIENT_SECRET: '',
    TOKENTRAY_REFRESH_TOKEN: '',
    ...env,
  };
}

/**
 * Runs `tokentray ARGS` in a new process with its settings in `home`. For what only a real
 * process shows: the `bin` entry, the fast path, exit codes, signals, processes racing.
 */
export async function tokentray(
  args: string[],
  home: string,
  env: NodeJS.ProcessEnv = {},
): Promise<CliResult> {
  const { code, stdout, stderr } = await runNode([CLI_PATH, ...args], cliEnv(home, env));
  const result = { code, stdout, stderr };
  transcript.push(result);
  return result;
}

/** `tokentray` in a new process, as above, on the test file's keychain `service`. */
export function spawnedTokentray(service: string) {
  return (args: string[], home: string, env: NodeJS.ProcessEnv = {}): Promise<CliResult> =>
    tokentray(args, home, { TOKENTRAY_KEYCHAIN_SERVICE: service, ...env });
}

export async function freshHome(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'tokentray-home-'));
}

export interface InProcessOptions {
  /** The clock the command runs on; the real one by default. */
  clock?: CliContextOptions['clock'];
  /** Receives the handler the command would run on Ctrl-C. */
  onInterrupt?: CliContextOptions['onInterrupt'];
  /** How the command's own engine is opened, if it needs one; the CLI's real one by default. */
  openEngine?: CliContextOptions['openEngine'];
  /** What the command reads on stdin (git's credential requests, say); none by default. */
  input?: string;
}

/**
 * `tokentray ARGS` run in this process through runCli, as the `bin` entry runs it after its fast
 * path: its own streams (buffers), its own environment (settings in `home`, the test file's
 * keychain `service`), its own engine. Returns what a spawned run would, and logs it in `transcript`.
 */
export function inProcessTokentray(service: string) {
  return async (
    args: string[],
    home: string,
    env: NodeJS.ProcessEnv = {},
    options: InProcessOptions = {},
  ): Promise<CliResult> => {
    let stdout = '';
    let stderr = '';
    const context = createCliContext({
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      stdin: Readable.from(options.input === undefined ? [] : [options.input]),
      env: {
        ...process.env,
        TOKENTRAY_HOME: home,
        TOKENTRAY_KEYCHAIN_SERVICE: service,
        TOKENTRAY_CLIENT_SECRET: '',
        TOKENTRAY_REFRESH_TOKEN: '',
        ...env,
      },
      ...(options.clock === undefined ? {} : { clock: options.clock }),
      ...(options.openEngine === undefined ? {} : { openEngine: options.openEngine }),
      onInterrupt: options.onInterrupt ?? (() => () => undefined),
    });
    const code = await runCli(args, context);
    const result = { code, stdout, stderr };
    transcript.push(result);
    return result;
  };
}
