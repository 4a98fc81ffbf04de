import type { Account } from '../../main/common/account.js';
import { engineParts, type TokenEngine } from '../../main/node/engine/token-engine.js';
import { spawn } from 'node:child_process';
import { CLI_PATH, freshHome, inProcessTokentray, type CliResult } from './cli-runner.js';
import { addRotatingAccount, openEngine } from './engine-fixture.js';
import { keychainOf, type KeychainView } from './keychain-inspect.js';
import { startLocalProvider, type LocalProvider } from './local-provider.js';

/**
 * The setting shared by the hand-off tests (exec, git, kubectl, GCE, completion, info): a real
 * rotating authorization server, a data folder and keychain service of the file's own, and
 * accounts added the way `tokentray add` adds them. `cli` runs the built CLI in a new process on
 * that folder and service, as git, kubectl and shells run it.
 */
export interface HandoffFixture {
  provider: LocalProvider;
  home: string;
  service: string;
  engine: TokenEngine;
  /** The file's keychain service, seen as a test sees it. */
  keychain: KeychainView;
  /** The environment a CLI process gets: this fixture's folder and keychain, no secrets. */
  env: NodeJS.ProcessEnv;
  addAccount(
    name: string,
    options?: { scopes?: string[]; preset?: Account['provider'] },
  ): Promise<void>;
  /** Runs the built CLI with `input` on its stdin (closed at once when there is none). */
  cli(args: string[], env?: NodeJS.ProcessEnv, input?: string): Promise<CliResult>;
  /** The same command in this process (inProcessTokentray), where no process is being tested. */
  run(args: string[], input?: string): Promise<CliResult>;
  close(): Promise<void>;
}

/** `service` is the test file's own: testService(import.meta.url). */
export async function startHandoffFixture(service: string): Promise<HandoffFixture> {
  const provider = await startLocalProvider();
  const home = await freshHome();
  const engine = openEngine(home, service);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TOKENTRAY_HOME: home,
    TOKENTRAY_KEYCHAIN_SERVICE: service,
  };
  delete env.TOKENTRAY_CLIENT_SECRET;
  delete env.TOKENTRAY_REFRESH_TOKEN;
  return {
    provider,
    home,
    service,
    engine,
    keychain: keychainOf(service),
    env,
    async addAccount(name, options = {}) {
      const scopes = options.scopes ?? ['openid', 'offline_access', 'profile'];
      await addRotatingAccount(engine, provider, name, { scopes, mintScope: scopes.join(' ') });
      if (options.preset !== undefined) {
        // The presets' endpoints are the real providers'; this keeps the local server's endpoint
        // and marks the account as the preset, which is all the hand-offs read.
        const preset = options.preset;
        await engineParts(engine).settings.patchAccount(name, (account) => {
          account.provider = preset;
        });
      }
    },
    cli: (args, extra = {}, input = '') => runCli(args, { ...env, ...extra }, input),
    run: (args, input) =>
      inProcessTokentray(service)(args, home, {}, input === undefined ? {} : { input }),
    async close() {
      for (const name of engine.accountNames()) await engineParts(engine).vault.deleteAccount(name);
      await provider.close();
    },
  };
}

function runCli(args: string[], env: NodeJS.ProcessEnv, input: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_PATH, ...args], { env, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(input);
  });
}
