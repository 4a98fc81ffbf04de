import { parseArgs } from 'node:util';
import {
  CLIENT_AUTH_METHODS,
  isRedirectPort,
  PROVIDER_IDS,
  REDIRECT_PORT_RANGE,
  parseScopes,
  type ClientAuthMethod,
  type ProviderId,
  type SignInMethod,
} from '../../common/account.js';
import { clientSecretRule } from '../../common/add-account-rules.js';
import { TokenTrayError } from '../../common/errors.js';
import type { AddAccountRequest } from '../../common/ipc-contract.js';
import { checkRequestShape } from '../../node/sign-in/account-draft.js';
import { PROVIDER_PRESETS } from '../../common/provider-presets.js';
import { startSignIn } from '../../node/sign-in/sign-in-session.js';
import type { CliContext } from '../cli-context.js';
import { readSecret } from '../secret-input.js';
import { describeLifetime } from './describe-lifetime.js';
import { followSignIn } from './follow-sign-in.js';

const ADD_OPTIONS = {
  provider: { type: 'string' },
  issuer: { type: 'string' },
  tenant: { type: 'string' },
  'token-endpoint': { type: 'string' },
  'authorization-endpoint': { type: 'string' },
  'device-authorization-endpoint': { type: 'string' },
  'revocation-endpoint': { type: 'string' },
  'client-id': { type: 'string' },
  scope: { type: 'string' },
  label: { type: 'string' },
  'auth-method': { type: 'string' },
  login: { type: 'boolean', default: false },
  device: { type: 'boolean', default: false },
  'client-credentials': { type: 'boolean', default: false },
  open: { type: 'boolean', default: false },
  timeout: { type: 'string' },
  'redirect-port': { type: 'string' },
} as const;

/** `tokentray add <name> ...`: sign in (browser or device), a machine account, or a pasted token. */
export async function addCommand(args: string[], context: CliContext): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: ADD_OPTIONS });
  const [name, extra] = positionals;
  if (name === undefined || extra !== undefined) {
    throw new TokenTrayError(
      'usage',
      'Usage: tokentray add <name> --provider <p> --client-id <id> [--login | --device | --client-credentials]',
      {
        hint: 'Run `tokentray --help` for every option.',
      },
    );
  }
  if (values['client-id'] === undefined)
    throw new TokenTrayError('usage', '--client-id is required.');
  const method = methodOf(values);
  const provider = providerOf(values.provider, values.issuer);
  const preset = PROVIDER_PRESETS[provider];
  const authMethod = values['auth-method'];
  if (
    authMethod !== undefined &&
    !(CLIENT_AUTH_METHODS as readonly string[]).includes(authMethod)
  ) {
    throw new TokenTrayError('usage', `Unknown --auth-method "${authMethod}".`, {
      hint: `Use one of: ${CLIENT_AUTH_METHODS.join(', ')}.`,
    });
  }
  const timeoutMs = timeoutOf(values.timeout);
  const redirectPort = redirectPortOf(values['redirect-port'], method);

  const base: AddAccountRequest = {
    name,
    provider,
    method,
    clientId: values['client-id'],
    ...(values.scope === undefined ? {} : { scopes: parseScopes(values.scope) }),
    ...optional({
      label: values.label,
      issuer: values.issuer,
      tenant: values.tenant,
      tokenEndpoint: values['token-endpoint'],
      authorizationEndpoint: values['authorization-endpoint'],
      deviceAuthorizationEndpoint: values['device-authorization-endpoint'],
      revocationEndpoint: values['revocation-endpoint'],
      clientAuth: authMethod as ClientAuthMethod | undefined,
      redirectPort,
    }),
  };
  // Mistakes in the options first, before anyone is asked for a secret.
  checkRequestShape(base);

  const secretRule = clientSecretRule(preset, method, authMethod as ClientAuthMethod | undefined);
  const needsSecret = secretRule.need === 'required';
  const clientSecret =
    secretRule.need === 'none'
      ? undefined
      : await readSecret(
          context,
          'TOKENTRAY_CLIENT_SECRET',
          needsSecret ? 'Client secret: ' : 'Client secret (leave empty for a public client): ',
          needsSecret,
        );
  const refreshToken =
    method === 'paste'
      ? await readSecret(context, 'TOKENTRAY_REFRESH_TOKEN', 'Refresh token: ', true)
      : undefined;
  const request: AddAccountRequest = { ...base, ...optional({ clientSecret, refreshToken }) };
  const engine = context.engine();
  const account = await followSignIn(context, (deps) => startSignIn(engine, request, deps), {
    timeoutMs,
    openDeviceUrl: values.open,
  });
  const token = await engine.getToken(account.name, { minTtl: 0 });
  context.stderr.write(
    `Added "${account.name}"${account.who === undefined ? '' : ` (${account.who})`}. Its access token is valid for ${describeLifetime(token.expiresAt - context.clock.now())}.\n`,
  );
}

function methodOf(values: {
  login: boolean;
  device: boolean;
  'client-credentials': boolean;
}): SignInMethod {
  const chosen = [
    values.login && ('browser' as const),
    values.device && ('device' as const),
    values['client-credentials'] && ('client-credentials' as const),
  ].filter((m) => m !== false);
  if (chosen.length > 1)
    throw new TokenTrayError('usage', 'Choose one of --login, --device and --client-credentials.');
  return chosen[0] ?? 'paste';
}

/** Without --provider, an issuer means any OpenID provider and endpoints mean custom, as before presets. */
function providerOf(value: string | undefined, issuer: string | undefined): ProviderId {
  if (value === undefined) return issuer === undefined ? 'custom' : 'oidc';
  if (!(PROVIDER_IDS as readonly string[]).includes(value)) {
    throw new TokenTrayError('usage', `Unknown --provider "${value.slice(0, 40)}".`, {
      hint: `Use one of: ${PROVIDER_IDS.join(', ')}.`,
    });
  }
  return value as ProviderId;
}

function timeoutOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds < 1 || seconds > 3600) {
    throw new TokenTrayError(
      'usage',
      `--timeout must be between 1 and 3600 seconds, not "${value.slice(0, 20)}".`,
    );
  }
  return seconds * 1000;
}

function redirectPortOf(value: string | undefined, method: SignInMethod): number | undefined {
  if (value === undefined) return undefined;
  if (method !== 'browser')
    throw new TokenTrayError('usage', '--redirect-port goes with --login only.');
  const port = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  if (!isRedirectPort(port)) {
    throw new TokenTrayError(
      'usage',
      `--redirect-port must be a port from ${REDIRECT_PORT_RANGE.min} to ${REDIRECT_PORT_RANGE.max}, not "${value.slice(0, 20)}".`,
      {
        hint: 'Give the port of the redirect URI registered at the provider, e.g. 8765 for http://127.0.0.1:8765/callback.',
      },
    );
  }
  return port;
}

function optional<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(values).filter(([, v]) => v !== undefined),
  ) as Partial<T>;
}
