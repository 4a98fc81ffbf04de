import Conf from 'conf';
import type { Clock } from '../common/clock.js';
import type { HeldAppAnswer } from './cached-token.js';
import { systemClock } from '../common/clock.js';
import { loadKeytar } from '../node/keychain/keychain-backend.js';
import { SecretVault, keychainService } from '../node/keychain/secret-vault.js';
import { TokenEngine } from '../node/engine/token-engine.js';
import { limitsFromEnv } from '../node/oauth/http-client.js';
import { TokenClient } from '../node/oauth/token-client.js';
import { resolveDataDir } from '../node/paths.js';
import type { SettingsData } from '../node/settings/settings-schema.js';
import { SettingsStore } from '../node/settings/settings-store.js';

/** Where a command writes: a process's stdout/stderr, or a test's buffer. */
export interface OutputStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/**
 * Everything a command may touch outside its arguments, as gh's commands take IOStreams and a
 * factory: commands never reach for `process` or open their own engine, so tests run them
 * in-process with their own streams, environment and clock.
 */
export interface CliContext {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly stdin: NodeJS.ReadableStream & { readonly isTTY?: boolean };
  /** The environment the command sees. Secrets read from it are deleted from it (see secret-input). */
  readonly env: NodeJS.ProcessEnv;
  readonly clock: Clock;
  /** The data folder (settings, locks, broker socket), from `env`. */
  readonly dataDir: string;
  /** The keychain service name, from `env`. */
  readonly keychainService: string;
  /** The engine, opened on first use and then shared by the whole invocation. */
  engine(): TokenEngine;
  /** Runs `handler` on Ctrl-C until the returned function is called. */
  onInterrupt(handler: () => void): () => void;
  /** Runs `handler` on each `signal` until the returned function is called (exec passes them on). */
  onSignal(signal: NodeJS.Signals, handler: () => void): () => void;
  /**
   * What the fast path already asked the app, once: a long-running caller (serve) asks anew.
   */
  takeHeldAppAnswer(): HeldAppAnswer | undefined;
}

export interface CliContextOptions {
  stdout?: OutputStream;
  stderr?: OutputStream;
  stdin?: CliContext['stdin'];
  env?: NodeJS.ProcessEnv;
  clock?: Clock;
  /** How the engine is built; the default opens the real settings file and keychain. */
  openEngine?: (context: CliContext) => TokenEngine;
  /** Where Ctrl-C comes from; the default is the process's SIGINT. */
  onInterrupt?: CliContext['onInterrupt'];
  /** Where the signals exec and serve pass on come from; the default is the process's. */
  onSignal?: CliContext['onSignal'];
  /** The fast path's question to the app, when it ran (main/cli/tokentray.ts). */
  heldAppAnswer?: HeldAppAnswer;
}

/** The context of a real `tokentray` process, or of a test that overrides parts of it. */
export function createCliContext(options: CliContextOptions = {}): CliContext {
  const env = options.env ?? process.env;
  const openEngine = options.openEngine ?? openCliEngine;
  let engine: TokenEngine | undefined;
  let held = options.heldAppAnswer;
  const context: CliContext = {
    stdout: options.stdout ?? process.stdout,
    stderr: options.stderr ?? process.stderr,
    stdin: options.stdin ?? process.stdin,
    env,
    clock: options.clock ?? systemClock,
    dataDir: resolveDataDir(env),
    keychainService: keychainService(env),
    engine: () => (engine ??= openEngine(context)),
    onInterrupt:
      options.onInterrupt ??
      ((handler) => {
        process.once('SIGINT', handler);
        return () => process.off('SIGINT', handler);
      }),
    onSignal:
      options.onSignal ??
      ((signal, handler) => {
        process.on(signal, handler);
        return () => process.off(signal, handler);
      }),
    takeHeldAppAnswer: () => {
      const taken = held;
      held = undefined;
      return taken;
    },
  };
  return context;
}

/** The engine as the CLI runs it: settings through conf, secrets through keytar. */
export function openCliEngine(context: CliContext): TokenEngine {
  const settings = SettingsStore.open(
    context.dataDir,
    (options) =>
      new Conf<SettingsData>(options as ConstructorParameters<typeof Conf<SettingsData>>[0]),
    ({ path, movedTo, reason }) => {
      context.stderr.write(
        `tokentray: warning: the settings file ${path} was unreadable (${reason}) and was moved to ${movedTo}.\n` +
          'tokentray: its accounts are hidden until you repair that file and move it back; their secrets are untouched in the keychain.\n',
      );
    },
  );
  return new TokenEngine({
    settings,
    vault: new SecretVault(loadKeytar, context.keychainService),
    client: new TokenClient({
      limits: limitsFromEnv(context.env),
      now: () => context.clock.now(),
    }),
    clock: context.clock,
  });
}
