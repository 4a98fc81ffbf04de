import { execFile } from 'node:child_process';
import { parseArgs, promisify } from 'node:util';
import { validateAccountName } from '../../common/account.js';
import { TokenTrayError } from '../../common/errors.js';
import { peekAccount } from '../../node/settings/settings-peek.js';
import { acquireToken, refreshIfCurrent } from '../acquire-token.js';
import type { CliContext } from '../cli-context.js';
import {
  formatCredentialAnswer,
  parseHost,
  readCredentialRequest,
  requestMatchesHost,
} from '../git-credential-protocol.js';
import { selfCommand, shellQuote } from '../self-command.js';

const USAGE =
  'Usage: tokentray git-credential <name> [--host <host[:port]>] [--username <name>] <get|store|erase>\n' +
  '       tokentray git-credential setup <name> [--host <host[:port]>] [--global|--local]';

/**
 * `tokentray git-credential`: a git credential helper (`git help credential`). git runs it as
 * configured in `credential.helper` and appends the operation. It answers only for the account's
 * host, so git asks its next helper for every other one.
 */
export async function gitCredentialCommand(args: string[], context: CliContext): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      host: { type: 'string' },
      username: { type: 'string' },
      global: { type: 'boolean', default: false },
      local: { type: 'boolean', default: false },
    },
  });
  if (values.host !== undefined && parseHost(values.host) === undefined) {
    throw new TokenTrayError('usage', `--host "${values.host.slice(0, 80)}" is not a host name.`, {
      hint: 'Give a name or address with an optional port, such as git.example.com or 127.0.0.1:8080.',
    });
  }
  if (values.global && values.local) {
    throw new TokenTrayError('usage', 'Give --global or --local, not both.');
  }
  if (positionals[0] === 'setup' && positionals.length === 2) {
    return setup(context, validateAccountName(positionals[1]), values.host, values.local);
  }
  const [name, operation, extra] = positionals;
  if (name === undefined || operation === undefined || extra !== undefined) {
    throw new TokenTrayError('usage', USAGE);
  }
  // Read whatever the operation: git writes its request to every helper, `store` included.
  const request = await readCredentialRequest(context.stdin);
  // `store` keeps nothing (the token lives in the keychain already), and git may add operations
  // in future versions: a helper ignores those it does not know.
  if (operation !== 'get' && operation !== 'erase') return;
  const account = peekAccount(context.dataDir, name);
  const host = values.host ?? (account?.provider === 'github' ? 'github.com' : undefined);
  if (host === undefined) {
    if (account === undefined) {
      throw new TokenTrayError('no_such_account', `There is no account "${name}".`, {
        hint: 'Run `tokentray list` to see the accounts.',
      });
    }
    throw new TokenTrayError('usage', `The git helper for "${name}" needs --host.`, {
      hint: `Run \`tokentray git-credential setup ${name} --host <your git host>\`.`,
    });
  }
  if (!requestMatchesHost(request, host)) return;
  if (operation === 'erase') {
    // git refused this password. Refresh only if it is still the current token.
    const refused = request.get('password');
    if (refused !== undefined && refused !== '') await refreshIfCurrent(context, name, refused);
    return;
  }
  const record = await acquireToken(context, { name });
  context.stdout.write(
    formatCredentialAnswer({
      username: values.username ?? (account?.provider === 'github' ? 'x-access-token' : 'oauth2'),
      password: record.accessToken,
      password_expiry_utc: String(Math.floor(record.expiresAt / 1000)),
    }),
  );
}

/** Writes the `credential.helper` line with `git config`, once, to the global or local config. */
async function setup(
  context: CliContext,
  name: string,
  host: string | undefined,
  local: boolean,
): Promise<void> {
  const helper = `!${selfCommand(context.env)} git-credential ${name}${host === undefined ? '' : ` --host ${shellQuote(host)}`}`;
  const scope = local ? '--local' : '--global';
  const git = (args: string[]) =>
    promisify(execFile)('git', ['config', scope, ...args], { env: context.env, timeout: 30_000 });
  let present: string[] = [];
  try {
    present = (await git(['--get-all', 'credential.helper'])).stdout.split('\n');
  } catch (err) {
    // Exit status 1: no such key yet. Anything else (no git, --local outside a repository) is real.
    if ((err as { code?: unknown }).code !== 1) throw gitConfigFailed(err);
  }
  if (present.includes(helper)) {
    context.stderr.write(`git already asks TokenTray for "${name}" (${scope.slice(2)} config).\n`);
    return;
  }
  try {
    await git(['--add', 'credential.helper', helper]);
  } catch (err) {
    throw gitConfigFailed(err);
  }
  context.stderr.write(
    `git now asks TokenTray for "${name}"${host === undefined ? '' : ` on ${host}`} (${scope.slice(2)} config):\n  credential.helper = ${helper}\n`,
  );
}

function gitConfigFailed(err: unknown): TokenTrayError {
  const { code, stderr } = err as { code?: unknown; stderr?: unknown };
  return new TokenTrayError(
    'usage',
    code === 'ENOENT'
      ? 'git was not found.'
      : `git config failed: ${String(stderr ?? '')
          .trim()
          .slice(0, 300)}`,
    { hint: 'Install git, or run setup with --local inside a repository.' },
  );
}
