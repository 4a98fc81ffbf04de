import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { TokenTrayError } from '../common/errors.js';
import { registerSecret } from '../common/redact.js';
import type { CliContext } from './cli-context.js';

/** The environment variables that may carry a secret to the CLI. */
export const SECRET_ENV_NAMES = ['TOKENTRAY_CLIENT_SECRET', 'TOKENTRAY_REFRESH_TOKEN'] as const;

/** `env` for a process we start (a browser, an `exec` command): without any secret we were given. */
export function withoutSecrets(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const copy = { ...env };
  for (const name of SECRET_ENV_NAMES) Reflect.deleteProperty(copy, name);
  return copy;
}

/**
 * Secrets never come from argv, where `ps` and shell history would show them. They come from an
 * environment variable, or from a prompt that does not echo, when a person is at a terminal.
 * A variable is removed from the environment as soon as it is read, so no program started
 * afterwards (the browser above all, which lives on for hours) inherits it.
 */
export async function readSecret(
  context: CliContext,
  envName: (typeof SECRET_ENV_NAMES)[number],
  prompt: string,
  required: boolean,
): Promise<string | undefined> {
  const fromEnv = context.env[envName];
  // Gone from the environment once read, so no child (a browser, an `exec` command) inherits it.
  Reflect.deleteProperty(context.env, envName);
  if (fromEnv !== undefined && fromEnv !== '') {
    registerSecret(fromEnv);
    return fromEnv;
  }
  if (context.stdin.isTTY === true && context.stderr.isTTY === true) {
    const value = (await hiddenPrompt(context, prompt)).trim();
    registerSecret(value);
    if (value !== '' || !required) return value === '' ? undefined : value;
  }
  if (!required) return undefined;
  throw new TokenTrayError(
    'usage',
    `No ${prompt
      .replace(/[:(].*$/, '')
      .trim()
      .toLowerCase()} was given.`,
    {
      hint: `Set ${envName} in the environment (secrets are never taken from the command line), or run in a terminal to be prompted.`,
    },
  );
}

function hiddenPrompt(context: CliContext, prompt: string): Promise<string> {
  const muted = new Writable({ write: (_chunk, _encoding, done) => done() });
  // The terminal stops echoing (readline's raw mode) before the prompt invites typing.
  const rl = createInterface({ input: context.stdin, output: muted, terminal: true });
  context.stderr.write(prompt);
  return new Promise((resolve, reject) => {
    rl.on('SIGINT', () => {
      rl.close();
      context.stderr.write('\n');
      reject(new TokenTrayError('usage', 'Cancelled.'));
    });
    rl.question('', (answer) => {
      rl.close();
      context.stderr.write('\n');
      resolve(answer);
    });
  });
}
