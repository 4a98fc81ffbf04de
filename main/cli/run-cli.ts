import { EXIT, TokenTrayError, asTokenTrayError } from '../common/errors.js';
import { formatError } from '../common/redact.js';
import { addCommand } from './commands/add-command.js';
import { completeCommand, completionCommand } from './commands/completion-command.js';
import { execCommand } from './commands/exec-command.js';
import { gitCredentialCommand } from './commands/git-credential-command.js';
import { infoCommand } from './commands/info-command.js';
import { listCommand } from './commands/list-command.js';
import { refreshCommand } from './commands/refresh-command.js';
import { removeCommand } from './commands/remove-command.js';
import { serveCommand } from './commands/serve-command.js';
import { tokenCommand } from './commands/token-command.js';
import { createCliContext, type CliContext } from './cli-context.js';
import { USAGE } from './usage.js';

// The fast path (./tokentray.ts) builds the context of the invocation it hands over.
export { createCliContext } from './cli-context.js';

/**
 * A command: its arguments after the command name, and the context it runs in. It returns an exit
 * code only when it has its own (exec passes on its child's); otherwise success is 0.
 */
export type Command = (args: string[], context: CliContext) => Promise<unknown>;

const commands: Record<string, Command> = {
  add: addCommand,
  token: tokenCommand,
  refresh: refreshCommand,
  list: listCommand,
  remove: removeCommand,
  exec: execCommand,
  'git-credential': gitCredentialCommand,
  serve: serveCommand,
  info: infoCommand,
  completion: completionCommand,
  __complete: completeCommand,
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
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  try {
    if (command === undefined) {
      throw new TokenTrayError('usage', `Unknown command "${name.slice(0, 40)}".`, {
        hint: 'Run `tokentray --help` for the commands.',
      });
    }
    const code = await command(rest, context);
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
