import { EXIT, TokenTrayError, asTokenTrayError } from '../common/errors.js';
import { formatError } from '../common/redact.js';
import { createCliContext, type CliContext } from './cli-context.js';
import { isCommandName, type CommandName } from './command-names.js';
import { USAGE } from './usage.js';

// The fast path (./tokentray.ts) builds the context of the invocation it hands over.
export { createCliContext } from './cli-context.js';

/**
 * A command: its arguments after the command name, and the context it runs in. It returns an exit
 * code only when it has its own (exec passes on its child's); otherwise success is 0.
 */
export type Command = (args: string[], context: CliContext) => Promise<unknown>;

/**
 * Each command is loaded when it runs: a `refresh` that also loaded what `exec`, `serve` and the
 * sign-in flows need (child processes, an HTTP server, readline) paid for them at every start.
 */
const commands: Record<CommandName, () => Promise<Command>> = {
  add: async () => (await import('./commands/add-command.js')).addCommand,
  token: async () => (await import('./commands/token-command.js')).tokenCommand,
  refresh: async () => (await import('./commands/refresh-command.js')).refreshCommand,
  list: async () => (await import('./commands/list-command.js')).listCommand,
  remove: async () => (await import('./commands/remove-command.js')).removeCommand,
  exec: async () => (await import('./commands/exec-command.js')).execCommand,
  'git-credential': async () =>
    (await import('./commands/git-credential-command.js')).gitCredentialCommand,
  serve: async () => (await import('./commands/serve-command.js')).serveCommand,
  info: async () => (await import('./commands/info-command.js')).infoCommand,
  completion: async () => (await import('./commands/completion-command.js')).completionCommand,
  __complete: async () => (await import('./commands/completion-command.js')).completeCommand,
};

/** Runs one CLI invocation and returns its exit code. Errors end here, rendered once, redacted. */
export async function runCli(
  argv: string[],
  context: CliContext = createCliContext(),
): Promise<number> {
  const [name, ...rest] = argv;
  if (
    name === undefined ||
    name === 'help' ||
    name === '--help' ||
    name === '-h' ||
    rest.includes('--help')
  ) {
    context.stdout.write(USAGE);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === '-v') {
    context.stdout.write(`${typeof VERSION === 'string' ? VERSION : 'dev'}\n`);
    return EXIT.ok;
  }
  const command = isCommandName(name) ? commands[name] : undefined;
  try {
    if (command === undefined) {
      throw new TokenTrayError('usage', `Unknown command "${name.slice(0, 40)}".`, {
        hint: 'Run `tokentray --help` for the commands.',
      });
    }
    const code = await (await command())(rest, context);
    return typeof code === 'number' ? code : EXIT.ok;
  } catch (err) {
    const error = isArgsError(err)
      ? new TokenTrayError('usage', err.message, { hint: 'Run `tokentray --help` for usage.' })
      : asTokenTrayError(err);
    context.stderr.write(`tokentray: ${formatError(error).replace(/\n/g, '\ntokentray: ')}\n`);
    return error.exitCode;
  }
}

/** Set by the build (esbuild `define`) from package.json. */
declare const VERSION: string | undefined;

/** node:util parseArgs reports unknown or malformed options with these codes. */
function isArgsError(err: unknown): err is Error {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}
