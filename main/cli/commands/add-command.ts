import { parseArgs } from 'node:util';
import { CLIENT_AUTH_METHODS, parseScopes, type ClientAuthMethod } from '../../common/account.js';
import { TokenTrayError } from '../../common/errors.js';
import { addAccount } from '../../node/engine/account-registry.js';
import { openCliEngine } from '../cli-context.js';
import { readSecret } from '../secret-input.js';
import { describeLifetime } from './describe-lifetime.js';

/** `tokentray add <name> ...`: store an account and prove it with one refresh. */
export async function addCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      'token-endpoint': { type: 'string' },
      issuer: { type: 'string' },
      'client-id': { type: 'string' },
      scope: { type: 'string' },
      label: { type: 'string' },
      'auth-method': { type: 'string' },
    },
  });
  const [name, extra] = positionals;
  if (name === undefined || extra !== undefined) {
    throw new TokenTrayError(
      'usage',
      'Usage: tokentray add <name> (--token-endpoint <url> | --issuer <url>) --client-id <id> [--scope "<scopes>"] [--label <text>]',
    );
  }
  if (values['client-id'] === undefined)
    throw new TokenTrayError('usage', '--client-id is required.');
  if ((values['token-endpoint'] === undefined) === (values.issuer === undefined)) {
    throw new TokenTrayError('usage', 'Give exactly one of --token-endpoint and --issuer.');
  }
  const authMethod = values['auth-method'];
  if (
    authMethod !== undefined &&
    !(CLIENT_AUTH_METHODS as readonly string[]).includes(authMethod)
  ) {
    throw new TokenTrayError('usage', `Unknown --auth-method "${authMethod}".`, {
      hint: `Use one of: ${CLIENT_AUTH_METHODS.join(', ')}.`,
    });
  }
  const clientSecret =
    authMethod === 'none'
      ? undefined
      : await readSecret(
          'TOKENTRAY_CLIENT_SECRET',
          'Client secret (leave empty for a public client): ',
          authMethod !== undefined,
        );
  const refreshToken = await readSecret('TOKENTRAY_REFRESH_TOKEN', 'Refresh token: ', true);

  const engine = openCliEngine();
  const { account, token } = await addAccount(engine, {
    name,
    clientId: values['client-id'],
    scopes: parseScopes(values.scope),
    refreshToken: refreshToken ?? '',
    ...(values.label === undefined ? {} : { label: values.label }),
    ...(values['token-endpoint'] === undefined ? {} : { tokenEndpoint: values['token-endpoint'] }),
    ...(values.issuer === undefined ? {} : { issuer: values.issuer }),
    ...(clientSecret === undefined ? {} : { clientSecret }),
    ...(authMethod === undefined ? {} : { clientAuth: authMethod as ClientAuthMethod }),
  });
  process.stderr.write(
    `Added "${account.name}". Its access token is valid for ${describeLifetime(token.expiresAt - engine.clock.now())}.\n`,
  );
}
