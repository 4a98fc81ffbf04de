import type { LocalProvider } from './local-provider.js';

/** Asks the real server whether a token is live (RFC 7662), as the rotating client. */
export async function isActive(provider: LocalProvider, token: string): Promise<boolean> {
  const { clientId, clientSecret } = provider.clients.rotating;
  const response = await fetch(provider.introspectionEndpoint, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ token }),
  });
  const body = (await response.json()) as { active?: boolean };
  return body.active === true;
}
