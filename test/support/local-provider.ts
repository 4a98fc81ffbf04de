// A real OAuth 2.0 / OpenID Connect authorization server for tests and `npm run demo`:
// panva's oidc-provider (certified), on 127.0.0.1 with an ephemeral port and in-memory storage.
// It rotates refresh tokens, revokes the whole grant when a spent refresh token comes back,
// and serves real login/consent pages, so the client is tested against real behaviour, not our
// idea of it.
//
// oidc-provider ships no type declarations. The few parts used here are described by the
// interfaces below; the one untyped import is cast to them in loadProvider().
//
// Getting a refresh token through the browser: oidc-provider follows OpenID Connect Core §11
// to the letter and drops offline_access from an authorization request unless it also carries
// prompt=consent. Without it the code exchange returns no refresh_token.

import { generateKeyPair, randomBytes } from 'node:crypto';
import type { JsonWebKey, KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { stripVTControlCharacters } from 'node:util';
import { interopMiddleware } from './interop-middleware.js';
import { listenOnLoopback } from './loopback.js';

export interface LocalProviderOptions {
  /** Lifetime of issued access tokens, a whole number of seconds >= 1. Default 3600. */
  accessTokenTtlSeconds?: number;
  /**
   * The device flow's polling interval (RFC 8628 §3.2 lets the server choose it). oidc-provider
   * sends none, which means 5 s; tests set a shorter one so they don't idle.
   */
  deviceIntervalSeconds?: number;
  /**
   * oidc-provider never answers slow_down (RFC 8628 §3.5). With this set, the first N device
   * polls it would answer authorization_pending are answered slow_down instead.
   */
  slowDownPolls?: number;
  /**
   * Interop: how other real servers behave, on top of oidc-provider. Each is a setting of
   * oidc-provider or a Koa middleware around its own handling (see interopMiddleware).
   */
  interop?: InteropBehaviour;
}

export interface InteropBehaviour {
  /** Sign ID tokens with this algorithm only, and announce only it in discovery. */
  idTokenSigningAlg?: 'RS256' | 'ES256' | 'EdDSA';
  /** Refuse (400) an authorization request asking for openid without a nonce. */
  requireNonce?: boolean;
  /** Compare redirect URIs exactly, port included, and answer 403 to any other (not RFC 8252 §7.3). */
  exactRedirectUris?: string[];
  /** Take Basic credentials literally, without percent-decoding: "a%2Db" is not "a-b". */
  literalBasicCredentials?: boolean;
  /** A refused token request also revokes the grant of the refresh token it carried. */
  refusalRevokesRefreshToken?: boolean;
  /** Answer a refused refresh with 400 and an empty body, against RFC 6749 §5.2. */
  emptyRefreshErrorBodies?: boolean;
  /** Rewrite a token endpoint error body (error, error_description) before it is sent. */
  rewriteError?: (body: Record<string, unknown>, params: Record<string, unknown>) => void;
  /** Send token endpoint errors with HTTP 200, as GitHub does. */
  errorsAsHttp200?: boolean;
  /** Rewrite the discovery document before it is sent. */
  rewriteDiscovery?: (document: Record<string, unknown>) => void;
  /** Rewrite the ID token's claims in token responses (its signature is then wrong). */
  tamperIdToken?: (claims: Record<string, unknown>) => void;
}

export interface LocalProvider {
  /** e.g. http://127.0.0.1:PORT (no trailing slash) */
  issuer: string;
  tokenEndpoint: string;
  revocationEndpoint: string;
  introspectionEndpoint: string;
  clients: {
    /** client_secret_basic; refresh tokens rotate; presenting a spent one revokes the grant. */
    rotating: { clientId: string; clientSecret: string };
    /** client_secret_post; refresh tokens do not rotate (like Google). */
    googleLike: { clientId: string; clientSecret: string };
    /** token_endpoint_auth_method none (PKCE only); refresh tokens rotate. */
    publicClient: { clientId: string };
  };
  /** Mints a refresh token for a test account without a browser: a Grant, then a RefreshToken carrying its grantId. */
  mintRefreshToken(
    clientId: string,
    opts?: { accountId?: string; scope?: string },
  ): Promise<string>;
  /** Token-endpoint requests by outcome, every request counted, including invalid_grant and invalid_client. */
  counts(): { success: number; error: number; total: number };
  resetCounts(): void;
  /** When each device_code grant request (poll) arrived, epoch ms, and what it was answered. */
  devicePolls(): { at: number; answer: string }[];
  /**
   * Loses the answers of the next `count` token requests on the way back, by closing the
   * connection: `after` oidc-provider processed the request (a refresh token it rotated is spent,
   * and its successor is in the lost answer), or `before` it saw the request at all.
   */
  loseTokenAnswers(count: number, when: 'before' | 'after'): void;
  /** Revokes the whole grant behind a refresh token server-side, as when the user revokes access at the provider. */
  revokeGrantOf(refreshToken: string): Promise<void>;
  /**
   * Revokes one access token and nothing else, as a resource server's logout or a token leak
   * report does. (The RFC 7009 endpoint would revoke the whole grant behind it, refresh tokens too.)
   */
  revokeAccessToken(accessToken: string): Promise<void>;
  close(): Promise<void>;
}

const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const FOURTEEN_DAYS = 14 * 24 * 60 * 60;
const DEFAULT_ACCOUNT = 'test-user';
const DEFAULT_MINT_SCOPE = 'openid offline_access api:read';

// Native clients may use any port on a registered loopback redirect URI (RFC 8252 §7.3),
// so a CLI can listen on an ephemeral port and still match these.
const LOOPBACK_REDIRECTS = ['http://127.0.0.1/callback', 'http://[::1]/callback'];

// ---- The parts of oidc-provider used here -------------------------------------------------

interface ClientEntity {
  clientId: string;
}

/** The Koa context oidc-provider passes to configuration functions and events. */
interface ProviderContext {
  method: string;
  path: string;
  oidc?: { route?: string; client?: ClientEntity };
}

/** The parts of Koa's context the test middleware reads and writes. */
export interface KoaContext {
  method: string;
  path: string;
  status: number;
  body: unknown;
  query: Record<string, unknown>;
  req: IncomingMessage;
  request: { body?: unknown };
  get(header: string): string;
  remove(header: string): void;
  oidc?: { params?: Record<string, unknown> };
}

interface GrantInstance {
  addOIDCScope(scope: string): void;
  save(): Promise<string>;
  destroy(): Promise<void>;
}

interface RefreshTokenInstance {
  grantId?: string;
  save(): Promise<string>;
}

interface RevocableModel {
  revokeByGrantId(grantId: string): Promise<void>;
}

interface ProviderInstance {
  Client: { find(clientId: string): Promise<ClientEntity | undefined> };
  Grant: {
    new (init: { accountId: string; clientId: string }): GrantInstance;
    find(grantId: string): Promise<GrantInstance | undefined>;
  };
  RefreshToken: RevocableModel & {
    new (init: {
      accountId: string;
      client: ClientEntity;
      grantId: string;
      scope: string;
      gty: string;
    }): RefreshTokenInstance;
    find(
      value: string,
      opts?: { ignoreExpiration?: boolean },
    ): Promise<RefreshTokenInstance | undefined>;
  };
  AccessToken: RevocableModel & {
    find(value: string): Promise<{ destroy(): Promise<void> } | undefined>;
  };
  AuthorizationCode: RevocableModel;
  DeviceCode: RevocableModel;
  callback(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  urlFor(routeName: string): string;
  use(middleware: (ctx: KoaContext, next: () => Promise<void>) => Promise<void>): unknown;
  on(event: 'grant.success', listener: (ctx: ProviderContext) => void): unknown;
  on(
    event: 'grant.error' | 'server_error',
    listener: (ctx: ProviderContext, err: Error) => void,
  ): unknown;
}

type ProviderConstructor = new (
  issuer: string,
  configuration: Record<string, unknown>,
) => ProviderInstance;

async function loadProvider(): Promise<ProviderConstructor> {
  // @ts-expect-error -- oidc-provider has no type declarations; ProviderConstructor describes what we use.
  const mod = (await import('oidc-provider')) as { default: ProviderConstructor };
  return mod.default;
}

// ---- Known, harmless oidc-provider console notices -----------------------------------------
// oidc-provider prints these on every start (and some on first use of a default page). They
// are true and expected for a test server, and they would repeat in every test's output. Only
// these exact families are dropped; anything else, including its other warnings, passes through.
const EXPECTED_NOTICES: readonly RegExp[] = [
  // Node 20: oidc-provider 9 supports it but prefers 22 LTS.
  /^oidc-provider WARNING: Unsupported runtime\./,
  // We want exactly these quick-start parts: in-memory storage and the built-in login pages.
  /^oidc-provider WARNING: a quick start development-only in-memory adapter is used/,
  /^oidc-provider WARNING: a quick start development-only feature devInteractions is enabled/,
  // "default features.deviceFlow.userCodeInputSource function called, you SHOULD change it ..."
  /^oidc-provider NOTICE: default [\w.]+ function called, you SHOULD change it/,
  // The interop middleware reads token request bodies itself (literalBasicCredentials).
  /^oidc-provider WARNING: already parsed request body detected/,
];

let filterUsers = 0;
let unfiltered: { warn: typeof console.warn; info: typeof console.info } | undefined;
let installed: { warn: typeof console.warn; info: typeof console.info } | undefined;

function isExpectedNotice(args: unknown[]): boolean {
  const [first] = args;
  if (args.length !== 1 || typeof first !== 'string') return false;
  const text = stripVTControlCharacters(first);
  return EXPECTED_NOTICES.some((re) => re.test(text));
}

// Reference-counted so that providers started in parallel share one filter, and the last
// close() puts the console back.
function acquireNoticeFilter(): void {
  filterUsers += 1;
  if (filterUsers > 1) return;
  const original = { warn: console.warn, info: console.info };
  unfiltered = original;
  installed = {
    warn: (...args: unknown[]) => {
      if (!isExpectedNotice(args)) original.warn.apply(console, args);
    },
    info: (...args: unknown[]) => {
      if (!isExpectedNotice(args)) original.info.apply(console, args);
    },
  };
  console.warn = installed.warn;
  console.info = installed.info;
}

function releaseNoticeFilter(): void {
  filterUsers -= 1;
  if (filterUsers > 0 || !unfiltered || !installed) return;
  // If a test wrapped console.warn after us (e.g. a spy), leave its wrapper alone.
  if (console.warn === installed.warn) console.warn = unfiltered.warn;
  if (console.info === installed.info) console.info = unfiltered.info;
  unfiltered = undefined;
  installed = undefined;
}

// ---- Signing key ---------------------------------------------------------------------------
// A fresh RSA key (ID tokens default to RS256) instead of oidc-provider's published development
// keys. A 2048-bit RSA key costs 50-300 ms of CPU to make, and some 35 test processes start a
// provider: `npm test` makes one for the run (run-tests.sh, with newSigningKey) and names its file
// in SIGNING_KEY_FILE; a test file run on its own makes its own, once.
export const SIGNING_KEY_FILE = 'TOKENTRAY_TEST_SIGNING_KEY_FILE';
let signingKey: Promise<JsonWebKey> | undefined;

function processSigningKey(): Promise<JsonWebKey> {
  const file = process.env[SIGNING_KEY_FILE];
  signingKey ??=
    file === undefined || file === ''
      ? newSigningKey()
      : readFile(file, 'utf8').then((text) => JSON.parse(text) as JsonWebKey);
  return signingKey;
}

/** A new RS256 signing key, as a private JWK. */
export function newSigningKey(): Promise<JsonWebKey> {
  return new Promise<JsonWebKey>((resolve, reject) => {
    generateKeyPair('rsa', { modulusLength: 2048 }, (err, _publicKey, privateKey) => {
      if (err) reject(err);
      else resolve(signingJwk(privateKey, 'RS256'));
    });
  });
}

/** A key of the kind an interop provider signs ID tokens with, when it is not RS256. */
function idTokenKey(alg: 'ES256' | 'EdDSA'): Promise<JsonWebKey> {
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, privateKey: KeyObject) => {
      if (err) reject(err);
      else resolve(signingJwk(privateKey, alg));
    };
    if (alg === 'ES256')
      generateKeyPair('ec', { namedCurve: 'P-256' }, (err, _pub, key) => done(err, key));
    else generateKeyPair('ed25519', undefined, (err, _pub, key) => done(err, key));
  });
}

/** A private key as the JWK a provider signs with: a fresh key id, for signing, with `alg`. */
function signingJwk(privateKey: KeyObject, alg: string): JsonWebKey {
  return {
    ...privateKey.export({ format: 'jwk' }),
    kid: randomBytes(8).toString('hex'),
    use: 'sig',
    alg,
  };
}

function secret(): string {
  return randomBytes(32).toString('base64url');
}

// ---- Configuration ------------------------------------------------------------------------

type Clients = LocalProvider['clients'];

function providerConfiguration(
  clients: Clients,
  accessTokenTtl: number,
  jwk: JsonWebKey,
  idToken?: { alg: string; key: JsonWebKey },
): Record<string, unknown> {
  const native = {
    application_type: 'native',
    redirect_uris: LOOPBACK_REDIRECTS,
    response_types: ['code'],
  };
  const userGrants = ['authorization_code', 'refresh_token', DEVICE_CODE_GRANT];
  return {
    clients: [
      {
        ...native,
        client_id: clients.rotating.clientId,
        client_secret: clients.rotating.clientSecret,
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: [...userGrants, 'client_credentials'],
      },
      {
        ...native,
        client_id: clients.googleLike.clientId,
        client_secret: clients.googleLike.clientSecret,
        token_endpoint_auth_method: 'client_secret_post',
        grant_types: [...userGrants, 'client_credentials'],
      },
      {
        ...native,
        client_id: clients.publicClient.clientId,
        token_endpoint_auth_method: 'none',
        // client_credentials needs a client that can authenticate.
        grant_types: userGrants,
      },
    ],
    jwks: { keys: idToken === undefined ? [jwk] : [jwk, idToken.key] },
    ...(idToken === undefined
      ? {}
      : {
          enabledJWA: { idTokenSigningAlgValues: [idToken.alg] },
          clientDefaults: { id_token_signed_response_alg: idToken.alg },
        }),
    cookies: { keys: [secret(), secret()] },
    // Authorization code only: no implicit or hybrid flows to advertise.
    responseTypes: ['code'],
    scopes: ['openid', 'offline_access', 'profile', 'email', 'api:read'],
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name'],
    },
    findAccount: (_ctx: unknown, accountId: string) => ({
      accountId,
      claims: () => ({
        sub: accountId,
        email: `${accountId}@tokentray.test`,
        email_verified: true,
        name: `Test user ${accountId}`,
      }),
    }),
    // Refresh tokens are issued when offline_access is granted (oidc-provider's default
    // issueRefreshToken). With rotation on, a spent one coming back revokes the grant.
    rotateRefreshToken: (ctx: ProviderContext) =>
      ctx.oidc?.client?.clientId !== clients.googleLike.clientId,
    pkce: { required: () => true },
    // Put the claims of granted scopes (email) in the ID Token too, as Google and Entra do, so
    // the client can show who signed in without a userinfo call.
    conformIdTokenClaims: false,
    features: {
      devInteractions: { enabled: true },
      revocation: { enabled: true },
      introspection: { enabled: true },
      deviceFlow: { enabled: true },
      clientCredentials: { enabled: true },
    },
    ttl: {
      AccessToken: accessTokenTtl,
      ClientCredentials: accessTokenTtl,
      AuthorizationCode: 60,
      DeviceCode: 600,
      IdToken: 3600,
      Interaction: 3600,
      RefreshToken: FOURTEEN_DAYS,
      Session: FOURTEEN_DAYS,
      Grant: FOURTEEN_DAYS,
    },
  };
}

// ---- The server ----------------------------------------------------------------------------

export async function startLocalProvider(opts: LocalProviderOptions = {}): Promise<LocalProvider> {
  const accessTokenTtl = opts.accessTokenTtlSeconds ?? 3600;
  if (!Number.isInteger(accessTokenTtl) || accessTokenTtl < 1) {
    // oidc-provider rejects anything else at the first token request; fail at the cause instead.
    throw new RangeError(
      `accessTokenTtlSeconds must be a whole number >= 1, got ${String(accessTokenTtl)}`,
    );
  }

  // The issuer URL must contain the port before the provider is constructed, so listen first
  // and hand requests to the provider once it exists.
  let handle: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | undefined;
  const server = createServer((req, res) => {
    if (handle) {
      void handle(req, res);
    } else {
      res.writeHead(503).end();
    }
  });
  const issuer = await listenOnLoopback(server);

  const closeServer = async (): Promise<void> => {
    // Keep-alive sockets from fetch would otherwise hold close() open for seconds.
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  };

  acquireNoticeFilter();
  let provider: ProviderInstance;
  const clients: Clients = {
    rotating: { clientId: 'tokentray-rotating', clientSecret: secret() },
    googleLike: { clientId: 'tokentray-google-like', clientSecret: secret() },
    publicClient: { clientId: 'tokentray-public' },
  };
  try {
    const [Provider, jwk] = await Promise.all([loadProvider(), processSigningKey()]);
    const alg = opts.interop?.idTokenSigningAlg;
    const idToken =
      alg === undefined || alg === 'RS256' ? undefined : { alg, key: await idTokenKey(alg) };
    provider = new Provider(issuer, providerConfiguration(clients, accessTokenTtl, jwk, idToken));
    handle = provider.callback();
  } catch (err) {
    releaseNoticeFilter();
    await closeServer();
    throw err;
  }

  // Every POST to the token endpoint ends in exactly one of these: grant.success after a token
  // response; grant.error for any OAuth error there, including invalid_client from client
  // authentication and malformed requests; server_error (instead of grant.error) for a 500.
  let success = 0;
  let error = 0;
  provider.on('grant.success', () => {
    success += 1;
  });
  provider.on('grant.error', () => {
    error += 1;
  });
  provider.on('server_error', (ctx, err) => {
    if (ctx.oidc?.route === 'token') error += 1;
    // oidc-provider only reports these through this event. A bug here must be seen.
    console.error(`local-provider: server_error on ${ctx.method} ${ctx.path}:`, err);
  });

  const polls: { at: number; answer: string }[] = [];
  let slowDowns = opts.slowDownPolls ?? 0;
  const tokenPath = new URL(provider.urlFor('token')).pathname;
  const devicePath = new URL(provider.urlFor('device_authorization')).pathname;
  if (opts.interop !== undefined)
    provider.use(
      interopMiddleware(opts.interop, {
        tokenPath,
        authorizationPath: new URL(provider.urlFor('authorization')).pathname,
        revokeGrantOf: (token) => revokeGrantOf(token).catch(() => undefined),
      }),
    );
  const lose = { before: 0, after: 0 };
  // Runs around oidc-provider's own handling: it sees the real answer and only adjusts it.
  provider.use(async (ctx, next) => {
    const isToken = ctx.method === 'POST' && ctx.path === tokenPath;
    if (isToken && lose.before > 0) {
      lose.before -= 1;
      ctx.req.socket.destroy();
      return;
    }
    await next();
    if (isToken && lose.after > 0) {
      lose.after -= 1;
      ctx.req.socket.destroy();
      return;
    }
    if (ctx.method !== 'POST') return;
    const body = ctx.body as Record<string, unknown> | undefined;
    if (ctx.path === devicePath && opts.deviceIntervalSeconds !== undefined && body?.device_code)
      body.interval = opts.deviceIntervalSeconds;
    if (ctx.path !== tokenPath || ctx.oidc?.params?.grant_type !== DEVICE_CODE_GRANT) return;
    let answer = typeof body?.error === 'string' ? body.error : 'token';
    if (answer === 'authorization_pending' && slowDowns > 0) {
      slowDowns -= 1;
      answer = 'slow_down';
      ctx.status = 400;
      ctx.body = { error: 'slow_down', error_description: 'polling too quickly' };
    }
    polls.push({ at: Date.now(), answer });
  });
  // Koa composes its middleware when the callback is made: make it again to include the above.
  handle = provider.callback();

  let closing: Promise<void> | undefined;

  return {
    issuer,
    tokenEndpoint: provider.urlFor('token'),
    revocationEndpoint: provider.urlFor('revocation'),
    introspectionEndpoint: provider.urlFor('introspection'),
    clients,

    async mintRefreshToken(
      clientId,
      { accountId = DEFAULT_ACCOUNT, scope = DEFAULT_MINT_SCOPE } = {},
    ) {
      const client = await provider.Client.find(clientId);
      if (!client) throw new Error(`local-provider: unknown client ${clientId}`);
      // What a completed consent leaves behind: a Grant of these scopes to this client...
      const grant = new provider.Grant({ accountId, clientId });
      grant.addOIDCScope(scope);
      const grantId = await grant.save();
      // ...and a refresh token issued under it, as if from an authorization code.
      const refreshToken = new provider.RefreshToken({
        accountId,
        client,
        grantId,
        scope,
        gty: 'authorization_code',
      });
      return refreshToken.save();
    },

    counts: () => ({ success, error, total: success + error }),

    devicePolls: () => [...polls],

    loseTokenAnswers(count, when) {
      lose[when] = count;
    },

    resetCounts() {
      success = 0;
      error = 0;
    },

    revokeGrantOf,

    async revokeAccessToken(accessToken) {
      const token = await provider.AccessToken.find(accessToken);
      if (token === undefined) throw new Error('local-provider: no such access token');
      await token.destroy();
    },

    close() {
      closing ??= closeServer().finally(releaseNoticeFilter);
      return closing;
    },
  };

  async function revokeGrantOf(refreshToken: string): Promise<void> {
    const token = await provider.RefreshToken.find(refreshToken, { ignoreExpiration: true });
    const grantId = token?.grantId;
    if (!grantId)
      throw new Error(
        'local-provider: no grant behind this refresh token (unknown or already revoked)',
      );
    // The same steps as oidc-provider's own grant revocation: every token of the grant, then the grant.
    await Promise.all([
      provider.AccessToken.revokeByGrantId(grantId),
      provider.RefreshToken.revokeByGrantId(grantId),
      provider.AuthorizationCode.revokeByGrantId(grantId),
      provider.DeviceCode.revokeByGrantId(grantId),
    ]);
    const grant = await provider.Grant.find(grantId);
    await grant?.destroy();
  }
}
