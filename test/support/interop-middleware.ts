// How other real authorization servers behave where oidc-provider follows the RFCs, as a Koa
// middleware in front of oidc-provider's own handling (see LocalProviderOptions.interop). Every
// answer still comes from oidc-provider, except the refusals these servers are known for.
import { parse } from 'node:querystring';
import type { InteropBehaviour, KoaContext as Context } from './local-provider.js';

interface Paths {
  tokenPath: string;
  authorizationPath: string;
  revokeGrantOf(refreshToken: string): Promise<void>;
}

export function interopMiddleware(behaviour: InteropBehaviour, paths: Paths) {
  return async (ctx: Context, next: () => Promise<void>): Promise<void> => {
    if (ctx.method === 'GET' && ctx.path === paths.authorizationPath) {
      const scope = typeof ctx.query.scope === 'string' ? ctx.query.scope.split(' ') : [];
      if (behaviour.requireNonce === true && scope.includes('openid') && !ctx.query.nonce) {
        ctx.status = 400;
        ctx.body = 'invalid_request: nonce is required when the scope includes openid';
        return;
      }
      const redirect = ctx.query.redirect_uri;
      const exact = behaviour.exactRedirectUris;
      if (exact !== undefined && (typeof redirect !== 'string' || !exact.includes(redirect))) {
        ctx.status = 403;
        ctx.body = 'redirect_uri does not match a registered one';
        return;
      }
      return next();
    }
    // Both metadata documents: RFC 8414's and OpenID Discovery's.
    if (ctx.method === 'GET' && ctx.path.startsWith('/.well-known/')) {
      await next();
      if (behaviour.rewriteDiscovery !== undefined && typeof ctx.body === 'object' && ctx.body)
        behaviour.rewriteDiscovery(ctx.body as Record<string, unknown>);
      return;
    }
    if (ctx.method !== 'POST' || ctx.path !== paths.tokenPath) return next();

    const params = await readForm(ctx);
    const refused = behaviour.literalBasicCredentials === true && percentEncodedBasic(ctx);
    if (refused) {
      if (behaviour.refusalRevokesRefreshToken === true && typeof params.refresh_token === 'string')
        await paths.revokeGrantOf(params.refresh_token);
      ctx.status = 401;
      ctx.body = { error: 'invalid_client', error_description: 'client authentication failed' };
      return;
    }
    await next();
    const body = ctx.body as Record<string, unknown> | undefined;
    if (ctx.status >= 400) {
      if (behaviour.refusalRevokesRefreshToken === true && typeof params.refresh_token === 'string')
        await paths.revokeGrantOf(params.refresh_token);
      if (behaviour.rewriteError !== undefined && typeof body === 'object' && body !== null)
        behaviour.rewriteError(body, params);
      if (behaviour.errorsAsHttp200 === true) {
        // As GitHub does: the error in a 200, with no challenge header.
        ctx.status = 200;
        ctx.remove('www-authenticate');
      }
      if (behaviour.emptyRefreshErrorBodies === true && params.grant_type === 'refresh_token') {
        const status = ctx.status;
        ctx.body = '';
        ctx.status = status;
        ctx.remove('content-type');
      }
      return;
    }
    if (behaviour.tamperIdToken !== undefined && typeof body?.id_token === 'string') {
      const [header, payload, signature] = body.id_token.split('.');
      const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<
        string,
        unknown
      >;
      behaviour.tamperIdToken(claims);
      body.id_token = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    }
  };
}

/** Reads the form body first, and hands it on the way oidc-provider accepts a parsed body. */
async function readForm(ctx: Context): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
  const params = parse(Buffer.concat(chunks).toString('utf8'));
  ctx.request.body = params;
  return params;
}

/** A client id in Basic credentials that still holds a %XX escape: this server will not decode it. */
function percentEncodedBasic(ctx: Context): boolean {
  const header = ctx.get('authorization');
  if (!/^Basic /i.test(header)) return false;
  const [user = ''] = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8').split(':');
  return /%[0-9A-F]{2}/i.test(user);
}
