import {
  CLIENT_AUTH_METHODS,
  isRedirectPort,
  PROVIDER_IDS,
  REDIRECT_PORT_RANGE,
  validateAccountName,
  type Account,
  type AccountEndpoints,
  type ClientAuthMethod,
} from '../../common/account.js';
import { accountExists, clientSecretRule } from '../../common/add-account-rules.js';
import { TokenTrayError } from '../../common/errors.js';
import { registerSecret } from '../../common/redact.js';
import type { AddAccountRequest } from '../../common/ipc-contract.js';
import { engineParts, type TokenEngine } from '../engine/token-engine.js';
import { checkEndpointUrl } from '../oauth/endpoint-policy.js';
import { PROVIDER_PRESETS, type FixedEndpoints, type ProviderPreset } from './provider-presets.js';

const TYPED_ENDPOINTS = [
  ['tokenEndpoint', 'token endpoint', '--token-endpoint'],
  ['authorizationEndpoint', 'authorization endpoint', '--authorization-endpoint'],
  [
    'deviceAuthorizationEndpoint',
    'device authorization endpoint',
    '--device-authorization-endpoint',
  ],
  ['revocationEndpoint', 'revocation endpoint', '--revocation-endpoint'],
] as const;

const TENANT_PATTERN = /^[A-Za-z0-9][A-Za-z0-9.-]{0,99}$/;
const MULTI_TENANT = new Set(['common', 'organizations', 'consumers']);

/**
 * Checks a request to add an account and turns it into the account it would store: the preset's
 * endpoints (discovered where the provider publishes metadata), scopes and parameters. Nothing is
 * sent but discovery, and nothing is stored.
 */
export async function draftAccount(
  engine: TokenEngine,
  request: AddAccountRequest,
): Promise<{ account: Account; clientSecret: string | undefined }> {
  const name = validateAccountName(request.name);
  if (engineParts(engine).settings.account(name) !== undefined) throw accountExists(name);
  const preset = checkRequestShape(request);
  const clientId = request.clientId.trim();
  if (clientId === '')
    throw new TokenTrayError('invalid_input', 'The client id is empty.', {
      hint: `Pass it with --client-id. ${preset.register}`,
    });
  if (request.clientAuth !== undefined && !CLIENT_AUTH_METHODS.includes(request.clientAuth)) {
    throw new TokenTrayError(
      'invalid_input',
      `Unknown client authentication method "${String(request.clientAuth)}".`,
      { hint: `Use one of: ${CLIENT_AUTH_METHODS.join(', ')}.` },
    );
  }
  const clientSecret =
    request.clientAuth === 'none' || request.clientSecret === '' ? undefined : request.clientSecret;
  // Secrets typed into the app arrive here first: make sure no error or log can ever echo them.
  if (clientSecret !== undefined) registerSecret(clientSecret);
  if (request.refreshToken !== undefined && request.refreshToken !== '')
    registerSecret(request.refreshToken.trim());
  const secretRule = clientSecretRule(preset, request.method, request.clientAuth);
  if (clientSecret === undefined && secretRule.need === 'required')
    throw new TokenTrayError('invalid_input', secretRule.because, { hint: secretRule.hint });
  if (request.method === 'paste' && (request.refreshToken ?? '').trim() === '') {
    throw new TokenTrayError('invalid_input', 'The refresh token is empty.', {
      hint: 'Set TOKENTRAY_REFRESH_TOKEN, or paste it at the prompt.',
    });
  }

  if (request.redirectPort !== undefined) {
    if (!isRedirectPort(request.redirectPort))
      throw new TokenTrayError(
        'usage',
        `The redirect port must be a whole number from ${REDIRECT_PORT_RANGE.min} to ${REDIRECT_PORT_RANGE.max}, not "${String(request.redirectPort).slice(0, 20)}".`,
      );
    if (request.method !== 'browser')
      throw new TokenTrayError('usage', 'A redirect port is for browser sign-in (--login) only.');
  }
  const { endpoints, authMethods } = await resolveEndpoints(engine, preset, request);
  const account: Account = {
    name,
    label: request.label?.trim() || name,
    provider: preset.id,
    ...(request.method === 'client-credentials' ? { grant: 'client_credentials' as const } : {}),
    ...endpoints,
    ...(preset.authParams === undefined ? {} : { authParams: { ...preset.authParams } }),
    clientId,
    clientAuth: request.clientAuth ?? chooseAuthMethod(clientSecret, authMethods),
    scopes: request.scopes ?? [...preset.defaultScopes],
    // Kept so that signing in again uses the same redirect URI the server knows.
    ...(request.redirectPort === undefined ? {} : { redirectPort: request.redirectPort }),
    createdAt: new Date(engineParts(engine).clock.now()).toISOString(),
  };
  return { account, clientSecret };
}

export { accountExists };

/**
 * The checks that need nothing but the request itself, so a mistake in the options is reported
 * before anyone is asked for a secret or anything is sent.
 */
export function checkRequestShape(request: AddAccountRequest): ProviderPreset {
  if (!PROVIDER_IDS.includes(request.provider)) {
    throw new TokenTrayError(
      'usage',
      `Unknown provider "${String(request.provider).slice(0, 40)}".`,
      {
        hint: `Use one of: ${PROVIDER_IDS.join(', ')}.`,
      },
    );
  }
  const preset = PROVIDER_PRESETS[request.provider];
  if (!preset.methods.includes(request.method)) {
    throw new TokenTrayError(
      'usage',
      `${preset.title} accounts cannot be added by ${request.method.replace('-', ' ')}.`,
      { hint: `Use one of: ${preset.methods.join(', ')}.` },
    );
  }
  const typed = TYPED_ENDPOINTS.filter(([key]) => request[key] !== undefined);
  // A typed endpoint beside an issuer would be trusted for that issuer's RFC 9207 `iss` and ID
  // tokens while it sends codes and secrets elsewhere (a mix-up, RFC 9700 §4.4): refuse it.
  if (request.issuer !== undefined && typed.length > 0) {
    throw new TokenTrayError(
      'usage',
      `${typed.map(([, , flag]) => flag).join(', ')} cannot be combined with --issuer: the endpoints come from the issuer's own metadata.`,
      {
        hint: 'Give only --issuer, or leave it out and type every endpoint (--provider custom).',
      },
    );
  }
  const ownsEndpoints = preset.issuer !== undefined || preset.endpoints !== undefined;
  if (ownsEndpoints && (typed.length > 0 || request.issuer !== undefined)) {
    throw new TokenTrayError('usage', `The ${preset.title} preset sets its own endpoints.`, {
      hint: 'Leave out --issuer and the endpoint options, or use --provider custom to type them in.',
    });
  }
  if (request.tenant !== undefined && preset.id !== 'microsoft') {
    throw new TokenTrayError('usage', '--tenant is for --provider microsoft only.');
  }
  tenantOf(preset, request);

  if (preset.id === 'oidc' && request.issuer === undefined) {
    throw new TokenTrayError('usage', 'An OpenID provider is found by its issuer URL.', {
      hint: 'Give --issuer, for example --issuer https://login.example.com.',
    });
  }
  if (
    preset.id === 'custom' &&
    request.issuer === undefined &&
    request.tokenEndpoint === undefined
  ) {
    throw new TokenTrayError('usage', 'A custom provider needs its token endpoint.', {
      hint: 'Give --token-endpoint (and --authorization-endpoint for --login), or --issuer to discover them.',
    });
  }
  if (
    preset.id === 'custom' &&
    request.issuer === undefined &&
    request.method === 'browser' &&
    request.authorizationEndpoint === undefined
  ) {
    throw new TokenTrayError('usage', 'Browser sign-in needs an authorization endpoint.', {
      hint: 'Give --authorization-endpoint, or add the account with --device or a pasted refresh token.',
    });
  }
  return preset;
}

async function resolveEndpoints(
  engine: TokenEngine,
  preset: ProviderPreset,
  request: AddAccountRequest,
): Promise<{ endpoints: AccountEndpoints; authMethods?: string[] }> {
  const typed = TYPED_ENDPOINTS.filter(([key]) => request[key] !== undefined);
  let endpoints: AccountEndpoints | undefined;
  let authMethods: string[] | undefined;
  const issuer = preset.issuer ?? request.issuer;
  if (issuer !== undefined) {
    const found = await engineParts(engine).client.discover(issuer);
    const { authMethods: methods, ...rest } = found;
    checkDiscoveredHosts(preset, rest);
    endpoints = rest;
    authMethods = methods;
  } else if (preset.endpoints !== undefined) {
    endpoints = preset.endpoints(tenantOf(preset, request));
  }
  // Typed endpoints: the whole configuration of a custom provider (never beside an issuer).
  const merged: Partial<FixedEndpoints> & { issuer?: string } = { ...endpoints };
  for (const [key, what] of typed) merged[key] = checkEndpointUrl(request[key] ?? '', what).href;
  if (merged.tokenEndpoint === undefined) {
    throw new TokenTrayError('usage', 'A custom provider needs its token endpoint.', {
      hint: 'Give --token-endpoint (and --authorization-endpoint for --login), or --issuer to discover them.',
    });
  }
  checkEndpointUrl(merged.tokenEndpoint, 'token endpoint');
  if (request.method === 'browser' && merged.authorizationEndpoint === undefined) {
    throw new TokenTrayError('usage', 'Browser sign-in needs an authorization endpoint.', {
      hint: 'Give --authorization-endpoint, or add the account with --device or a pasted refresh token.',
    });
  }
  if (request.method === 'device' && merged.deviceAuthorizationEndpoint === undefined) {
    throw new TokenTrayError('usage', 'This provider does not offer device sign-in.', {
      hint: 'Give --device-authorization-endpoint, or use --login instead.',
    });
  }
  return {
    endpoints: merged as AccountEndpoints,
    ...(authMethods === undefined ? {} : { authMethods }),
  };
}

/**
 * Every discovered endpoint must be on the issuer's own host: a document that sends the code or
 * the client secret to another host is a mix-up in the making. A preset lists the exceptions it
 * knows to be real (Google's token endpoint is on oauth2.googleapis.com).
 */
function checkDiscoveredHosts(preset: ProviderPreset, found: AccountEndpoints): void {
  const home = new URL(found.issuer ?? found.tokenEndpoint).host;
  const allowed = new Set([home, ...(preset.otherEndpointHosts ?? [])]);
  for (const [key, what] of TYPED_ENDPOINTS) {
    const value = found[key];
    if (value === undefined) continue;
    const host = new URL(value).host;
    if (!allowed.has(host)) {
      const knownPreset = Object.values(PROVIDER_PRESETS).find(
        (p) => p.issuer !== undefined && p.issuer === found.issuer && p.id !== preset.id,
      );
      throw new TokenTrayError(
        'discovery_failed',
        `The metadata of ${home} puts its ${what} on another host, ${host}, so TokenTray will not use it.`,
        {
          hint:
            knownPreset === undefined
              ? 'If this provider really works that way, report it to TokenTray; until then, check the issuer URL.'
              : `This is ${knownPreset.title}'s own layout: use --provider ${knownPreset.id}, which expects it.`,
        },
      );
    }
  }
}

function tenantOf(preset: ProviderPreset, request: AddAccountRequest): string {
  if (preset.id !== 'microsoft') return '';
  const tenant = (request.tenant ?? 'common').trim();
  if (!TENANT_PATTERN.test(tenant)) {
    throw new TokenTrayError('invalid_input', `"${tenant.slice(0, 100)}" is not a tenant.`, {
      hint: 'Give the directory (tenant) ID or its domain, e.g. contoso.onmicrosoft.com; or leave it out for "common".',
    });
  }
  if (request.method === 'client-credentials' && MULTI_TENANT.has(tenant.toLowerCase())) {
    throw new TokenTrayError('usage', 'A machine account needs a specific tenant.', {
      hint: 'Give --tenant with the directory (tenant) ID from the app registration.',
    });
  }
  return tenant;
}

/**
 * When discovery lists both, Basic is preferred: RFC 6749 §2.3.1 says servers MUST support it
 * and that sending the secret in the body is NOT RECOMMENDED, and a header stays out of the
 * request-body logs that proxies and frameworks keep. Its old interop problem (ids with "-"
 * refused) was oauth4webapi's encoding, which clientSecretBasic in token-response.ts fixes.
 */
function chooseAuthMethod(
  secret: string | undefined,
  supported: string[] | undefined,
): ClientAuthMethod {
  if (secret === undefined) return 'none';
  if (supported === undefined || supported.includes('client_secret_basic'))
    return 'client_secret_basic';
  return supported.includes('client_secret_post') ? 'client_secret_post' : 'client_secret_basic';
}
