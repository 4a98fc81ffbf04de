import { REDIRECT_PORT_HINT, type ProviderId, type SignInMethod } from './account.js';
import type { ProviderField, ProviderView } from './ipc-contract.js';

/** Endpoints a preset knows without discovery. */
export interface FixedEndpoints {
  tokenEndpoint: string;
  authorizationEndpoint?: string;
  deviceAuthorizationEndpoint?: string;
  revocationEndpoint?: string;
}

export interface ProviderPreset extends ProviderView {
  /** Discovery by this issuer (RFC 8414 / OpenID Discovery), when the preset has a fixed one. */
  issuer?: string;
  /** Or endpoints built from the tenant (Microsoft) or fixed (GitHub). */
  endpoints?: (tenant: string) => FixedEndpoints;
  /**
   * Hosts other than the issuer's that this provider's discovered endpoints may use. Anything
   * else off the issuer's host is refused (see checkDiscoveredHosts in account-draft.ts).
   */
  otherEndpointHosts?: string[];
  /** Extra authorization request parameters. */
  authParams?: Record<string, string>;
  /**
   * A refresh ends the previous access token as well as the previous refresh token, so an early
   * background refresh would break every token already handed out (see ./provider-traits.ts).
   */
  refreshEndsPreviousToken?: true;
}

const ALL: SignInMethod[] = ['browser', 'device', 'paste', 'client-credentials'];
const USER: SignInMethod[] = ['browser', 'device', 'paste'];
const ENDPOINT_FIELDS: ProviderField[] = [
  'tokenEndpoint',
  'authorizationEndpoint',
  'deviceAuthorizationEndpoint',
  'revocationEndpoint',
];

const microsoftBase = (tenant: string) =>
  `https://login.microsoftonline.com/${encodeURIComponent(tenant)}/oauth2/v2.0`;

/**
 * What each provider needs. Microsoft's multi-tenant issuers ("common", "organizations") publish
 * metadata whose `issuer` holds a {tenantid} placeholder, which fails RFC 8414 §3.3's issuer
 * check, so its endpoints are built from the tenant instead of discovered.
 */
export const PROVIDER_PRESETS: Record<ProviderId, ProviderPreset> = {
  google: {
    id: 'google',
    title: 'Google',
    register:
      'In Google Cloud Console, APIs & Services > Credentials, create an OAuth client ID of type "Desktop app" (or "TVs and Limited Input devices" for device sign-in).',
    issuer: 'https://accounts.google.com',
    // Google's token, device and revocation endpoints live on oauth2.googleapis.com.
    otherEndpointHosts: ['oauth2.googleapis.com'],
    // Google issues a refresh token only with access_type=offline, and again only with consent.
    authParams: { access_type: 'offline', prompt: 'consent' },
    defaultScopes: ['openid', 'email'],
    fields: [],
    methods: USER,
    clientSecret: 'required',
  },
  microsoft: {
    id: 'microsoft',
    title: 'Microsoft Entra ID',
    register:
      'In Entra ID > App registrations, add the "Mobile and desktop applications" platform with redirect URI http://127.0.0.1/callback, and turn on "Allow public client flows" for device sign-in.' +
      ` ${REDIRECT_PORT_HINT}`,
    endpoints: (tenant) => ({
      tokenEndpoint: `${microsoftBase(tenant)}/token`,
      authorizationEndpoint: `${microsoftBase(tenant)}/authorize`,
      deviceAuthorizationEndpoint: `${microsoftBase(tenant)}/devicecode`,
    }),
    // offline_access is what makes Entra issue a (rotating) refresh token.
    defaultScopes: ['openid', 'profile', 'offline_access', 'User.Read'],
    fields: ['tenant'],
    methods: ALL,
    clientSecret: 'optional',
  },
  github: {
    id: 'github',
    title: 'GitHub (GitHub App)',
    register:
      'Create a GitHub App with "Expire user authorization tokens" on, callback URL http://127.0.0.1/callback, and "Enable Device Flow" for device sign-in.' +
      ` ${REDIRECT_PORT_HINT}`,
    endpoints: () => ({
      tokenEndpoint: 'https://github.com/login/oauth/access_token',
      authorizationEndpoint: 'https://github.com/login/oauth/authorize',
      deviceAuthorizationEndpoint: 'https://github.com/login/device/code',
    }),
    // A GitHub App's permissions are set on the app, not asked for with scopes.
    defaultScopes: [],
    // "Once you use a refresh token, that refresh token and the old user access token will no
    // longer work": https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/refreshing-user-access-tokens
    refreshEndsPreviousToken: true,
    fields: [],
    methods: USER,
    clientSecret: 'optional',
  },
  oidc: {
    id: 'oidc',
    title: 'Any OpenID provider',
    register:
      'Register a native (public or confidential) client with redirect URI http://127.0.0.1/callback and the refresh_token grant.' +
      ` ${REDIRECT_PORT_HINT}`,
    // OpenID Connect Core §11: offline_access is honoured only together with prompt=consent.
    authParams: { prompt: 'consent' },
    defaultScopes: ['openid', 'offline_access'],
    fields: ['issuer'],
    methods: ALL,
    clientSecret: 'optional',
  },
  custom: {
    id: 'custom',
    title: 'Custom OAuth 2.0',
    register:
      "Register a client with redirect URI http://127.0.0.1/callback; type in the endpoints from the provider's documentation." +
      ` ${REDIRECT_PORT_HINT}`,
    defaultScopes: [],
    fields: ENDPOINT_FIELDS,
    methods: ALL,
    clientSecret: 'optional',
  },
};

/** The presets as the settings window shows them: no functions, nothing but data. */
export function providerViews(): ProviderView[] {
  return Object.values(PROVIDER_PRESETS).map(
    ({ id, title, register, defaultScopes, fields, methods, clientSecret }) => ({
      id,
      title,
      register,
      defaultScopes,
      fields,
      methods,
      clientSecret,
    }),
  );
}
