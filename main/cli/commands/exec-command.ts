import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { parseArgs } from 'node:util';
import type { ProviderId } from '../../common/account.js';
import { TokenTrayError } from '../../common/errors.js';
import { peekAccount } from '../../node/settings/settings-peek.js';
import { acquireToken } from '../acquire-token.js';
import type { CliContext } from '../cli-context.js';
import { SECRET_ENV_NAMES, withoutSecrets } from '../secret-input.js';
import { parseMinTtl } from '../token-args.js';

const USAGE =
  'Usage: tokentray exec <name> [--env VAR]... [--min-ttl <seconds>] -- <command> [args...]';

/** The variables each preset's own tools read a token from, set besides TOKENTRAY_ACCESS_TOKEN. */
const PRESET_VARIABLES: Partial<Record<ProviderId, string[]>> = {
  google: ['CLOUDSDK_AUTH_ACCESS_TOKEN', 'GOOGLE_OAUTH_ACCESS_TOKEN'],
  github: ['GH_TOKEN', 'GITHUB_TOKEN'],
};

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * `tokentray exec <name> -- <command>`: runs the command with a fresh access token in its
 * environment (as aws-vault and `op run` do), never in its argv, and exits as the command did.
 */
export async function execCommand(args: string[], context: CliContext): Promise<number> {
  const split = args.indexOf('--');
  const [file, ...commandArgs] = split === -1 ? [] : args.slice(split + 1);
  const { values, positionals } = parseArgs({
    args: split === -1 ? args : args.slice(0, split),
    allowPositionals: true,
    options: {
      env: { type: 'string', multiple: true, default: [] },
      'min-ttl': { type: 'string' },
    },
  });
  const [name, extra] = positionals;
  if (name === undefined || extra !== undefined || file === undefined || file === '') {
    throw new TokenTrayError('usage', USAGE, {
      hint: 'Put the command after `--`, for example: tokentray exec work -- curl ...',
    });
  }
  for (const variable of values.env) {
    if (
      !VARIABLE_NAME.test(variable) ||
      (SECRET_ENV_NAMES as readonly string[]).includes(variable)
    ) {
      throw new TokenTrayError(
        'usage',
        `--env ${variable.slice(0, 60)} is not a variable name exec can set.`,
        {
          hint: 'Use letters, digits and "_", not starting with a digit.',
        },
      );
    }
  }
  const minTtl = parseMinTtl(values['min-ttl']);
  const record = await acquireToken(context, minTtl === undefined ? { name } : { name, minTtl });
  const provider = peekAccount(context.dataDir, name)?.provider;
  const names = [
    'TOKENTRAY_ACCESS_TOKEN',
    ...(provider === undefined ? [] : (PRESET_VARIABLES[provider] ?? [])),
    ...values.env,
  ];
  // Never inherited: what `tokentray add` reads its secrets from.
  const env = withoutSecrets(context.env);
  for (const variable of names) env[variable] = record.accessToken;
  return runChild(context, file, commandArgs, env);
}

/**
 * Runs the child with our stdin, stdout and stderr, passes SIGTERM (and a SIGINT no terminal
 * sent) on, and turns its end into our exit status: its code, or 128 + the signal's number, as a shell reports it.
 */
function runChild(
  context: CliContext,
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<number> {
  const own = context.stdout === process.stdout && context.stderr === process.stderr;
  const child = spawn(file, args, {
    env,
    stdio: own && context.stdin === process.stdin ? 'inherit' : 'pipe',
  });
  if (child.stdout !== null)
    child.stdout.on('data', (d: Buffer) => context.stdout.write(d.toString()));
  if (child.stderr !== null)
    child.stderr.on('data', (d: Buffer) => context.stderr.write(d.toString()));
  if (child.stdin !== null) context.stdin.pipe(child.stdin);
  // A Ctrl-C at the terminal reaches the child already: the terminal signals its whole
  // foreground process group, which the child shares with us. Passing it on too would deliver two
  // interrupts, and many tools (terraform, docker compose) take a second one as "force quit". So
  // SIGINT is passed on only where no terminal sends it (a script's `kill -INT`); either way it
  // never kills us before the child has ended.
  const terminalInterrupts = context.stdin === process.stdin && process.stdin.isTTY === true;
  const stops = (['SIGINT', 'SIGTERM'] as const).map((signal) =>
    context.onSignal(signal, () => {
      if (signal !== 'SIGINT' || !terminalInterrupts) child.kill(signal);
    }),
  );
  return new Promise((resolve, reject) => {
    child.on('error', (err: NodeJS.ErrnoException) => {
      for (const stop of stops) stop();
      reject(
        new TokenTrayError(
          'usage',
          err.code === 'ENOENT'
            ? `The command "${file.slice(0, 80)}" was not found.`
            : `The command "${file.slice(0, 80)}" could not be started (${err.code ?? err.name}).`,
          { hint: 'Check its name and your PATH.' },
        ),
      );
    });
    child.on('close', (code, signal) => {
      for (const stop of stops) stop();
      if (child.stdin !== null) context.stdin.unpipe(child.stdin);
      resolve(signal === null ? (code ?? 1) : 128 + (constants.signals[signal] ?? 0));
    });
  });
}
