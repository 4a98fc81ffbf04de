import { createServer } from 'node:http';
import { listenOnLoopback } from './loopback.js';

/** Each way a discovery document can be wrong; the issuer is `<base>/<kind>`. */
export const BROKEN_DISCOVERY = {
  'html-page': /no valid OpenID or OAuth metadata/,
  'not-json': /no valid OpenID or OAuth metadata/,
  'wrong-issuer': /no valid OpenID or OAuth metadata/,
  'no-token-endpoint': /has no token_endpoint/,
  'insecure-token-endpoint': /is not https/,
  'malformed-authorization-endpoint': /malformed authorizationEndpoint|is not a URL/,
} as const;
export type BrokenKind = keyof typeof BROKEN_DISCOVERY;

/** Serves broken OpenID discovery documents over real HTTP on loopback. */
export async function startBrokenDiscovery(): Promise<{
  issuer(kind: BrokenKind): string;
  close(): Promise<void>;
}> {
  let base = '';
  const server = createServer((req, res) => {
    const kind = /^\/([\w-]+)\/\.well-known\/openid-configuration$/.exec(req.url ?? '')?.[1];
    const issuer = `${base}/${kind ?? ''}`;
    const good = {
      issuer,
      authorization_endpoint: `${issuer}/auth`,
      token_endpoint: `${issuer}/token`,
    };
    const json = (body: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    switch (kind as BrokenKind | undefined) {
      case 'html-page':
        res.writeHead(200, { 'content-type': 'text/html' });
        return res.end('<html><body>Welcome to our portal</body></html>');
      case 'not-json':
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end('{"issuer": ');
      case 'wrong-issuer':
        return json({ ...good, issuer: 'https://someone-else.example' });
      case 'no-token-endpoint':
        return json({ issuer, authorization_endpoint: good.authorization_endpoint });
      case 'insecure-token-endpoint':
        return json({ ...good, token_endpoint: 'http://tokens.example.com/token' });
      case 'malformed-authorization-endpoint':
        return json({ ...good, authorization_endpoint: 42 });
      default:
        res.writeHead(404).end();
    }
  });
  base = await listenOnLoopback(server);
  return {
    issuer: (kind) => `${base}/${kind}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
