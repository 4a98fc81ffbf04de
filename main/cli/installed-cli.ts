import { realpathSync } from 'node:fs';
import { EXIT, TokenTrayError, asTokenTrayError } from '../common/errors.js';
import { formatError, redact } from '../common/redact.js';
import { askBrokerForToken, askBrokerToRefresh } from '../node/broker/broker-client.js';
import { keychainService } from '../node/keychain/keychain-service.js';
import { resolveDataDir } from '../node/paths.js';
import { appLaunchFor, startAppInBackground, waitUntil } from './app-launch.js';
import { parseTokenArgs } from './token-args.js';
import { formatToken } from './token-output.js';

// The `tokentray` installed with the app: a small executable of its own (a Node single executable
// application, built by build/sea/build-sea.mjs), so the app binary need not run as Node
// (electron-builder's runAsNode fuse is off). It only asks the running app's broker, which hands
// out access tokens and nothing else; it never opens the keychain itself. When the app is not
// running it starts it in the background and waits a bounded time for the broker.

/**
 * The app needs a moment to start and unlock the keychain; a script should not hang for long.
 * TOKENTRAY_START_TIMEOUT (seconds, 1 to 300) changes it.
 */
function appStartLimitMs(env: NodeJS.ProcessEnv = process.env): number {
  const seconds = Number(env.TOKENTRAY_START_TIMEOUT);
  return Number.isInteger(seconds) && seconds >= 1 && seconds <= 300 ? seconds * 1000 : 20_000;
}

const USAGE = `tokentray: fresh OAuth 2.0 access tokens from the TokenTray app.

Usage:
  tokentray token <name> [--format raw|header|json|exec-credential] [--min-ttl <seconds>]
      Without --min-ttl: at least 60 s left, or half the life of shorter-lived tokens.
      exec-credential: a Kubernetes ExecCredential, for kubectl's exec credential plugin.
  tokentray refresh <name>

Accounts are added, listed and removed in the TokenTray window (tray menu: Open TokenTray).
When TokenTray is not running, this starts it in the background (tray only) and waits for it,
20 seconds at most (TOKENTRAY_START_TIMEOUT=<seconds> changes that).
Exit codes: 0 ok, 1 failure, 2 usage or invalid input, 3 no such account,
            4 sign-in required, 5 temporary failure (network, server, timeout).
`;

declare const VERSION: string | undefined;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE);
    return command === undefined ? EXIT.usage : EXIT.ok;
  }
  if (command === '--version' || command === '-v') {
    process.stdout.write(`${typeof VERSION === 'string' ? VERSION : 'dev'}\n`);
    return EXIT.ok;
  }
  const dataDir = resolveDataDir();
  const service = keychainService();
  if (command === 'token') {
    const args = parseTokenArgs(rest);
    const answer = await fromApp(() =>
      askBrokerForToken(dataDir, { name: args.name, minTtl: args.minTtl, service }),
    );
    if (!answer.ok) throw answer.error;
    // A still-valid token after a passing refresh failure: the token on stdout, why on stderr.
    if (answer.warning !== undefined)
      process.stderr.write(`tokentray: warning: ${redact(answer.warning)}\n`);
    process.stdout.write(formatToken(answer.value, args.format));
    return EXIT.ok;
  }
  if (command === 'refresh') {
    const [name, extra] = rest;
    if (name === undefined || extra !== undefined) {
      throw new TokenTrayError('usage', 'Usage: tokentray refresh <name>');
    }
    const answer = await fromApp(() => askBrokerToRefresh(dataDir, { name, service }));
    if (!answer.ok) throw answer.error;
    process.stdout.write(
      `Refreshed ${name}; the token is good until ${new Date(answer.value.expiresAt).toISOString()}.\n`,
    );
    return EXIT.ok;
  }
  throw new TokenTrayError(
    'usage',
    `"${command.slice(0, 40)}" is not a command of the installed tokentray.`,
    {
      hint: 'Add, list and remove accounts in the TokenTray window; run `tokentray --help` for the commands here.',
    },
  );
}

/**
 * The running app's answer. With no app to ask, starts it in the background and asks again until
 * it answers or the start limit passes.
 */
async function fromApp<T>(ask: () => Promise<T | undefined>): Promise<T> {
  const first = await ask();
  if (first !== undefined) return first;
  const launch = appLaunchFor(realpathSync(process.execPath), process.platform);
  try {
    await startAppInBackground(launch);
  } catch (err) {
    throw new TokenTrayError('internal', `Could not start TokenTray (${launch.command}).`, {
      hint: 'Reinstall TokenTray, or start it from your applications menu, then try again.',
      cause: err,
    });
  }
  let answer: T | undefined;
  const limitMs = appStartLimitMs();
  await waitUntil(async () => (answer = await ask()) !== undefined, limitMs);
  if (answer === undefined) throw noApp(limitMs);
  return answer;
}

function noApp(limitMs: number): TokenTrayError {
  return new TokenTrayError('transient', `TokenTray did not answer within ${limitMs / 1000} s.`, {
    hint: 'Start TokenTray from your applications menu (if it shows a problem, it says what to do), then try again.',
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // node:util parseArgs reports unknown or malformed options with ERR_PARSE_ARGS_* codes.
    const code = (err as { code?: unknown }).code;
    const error =
      typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')
        ? new TokenTrayError('usage', (err as Error).message, {
            hint: 'Run `tokentray --help` for usage.',
          })
        : asTokenTrayError(err);
    process.stderr.write(`tokentray: ${formatError(error).replace(/\n/g, '\ntokentray: ')}\n`);
    process.exitCode = error.exitCode;
  },
);
