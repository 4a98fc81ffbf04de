import { TokenTrayError } from '../../common/errors.js';

/**
 * Where a secret may be sent: the places that receive a refresh token or a client secret
 * (RFC 6749 §6 and §2.3.1 at the token endpoint, RFC 7009 §2.1 at the revocation endpoint), and the
 * client it was issued to.
 */
export interface SecretDestinations {
  tokenEndpoint: string;
  clientId: string;
  revocationEndpoint?: string | undefined;
}

const SEALED = 'tokentray-bound:v1:';

/**
 * config.json names the endpoints, and config.json is only a file. Each sent secret is stored with
 * a fingerprint of the destinations it was stored for, so an account whose endpoints or client id
 * changed since (someone rewrote the file) never sends it anywhere new. A fingerprint, not the
 * URLs: the keychain entry stays small, and equality is all that is asked of it. Sealed are the
 * client secret's entry and the refresh token inside the token-set entry (./secret-vault.ts); the
 * access token beside it is only handed out, and the CLI's cached-token path reads it unbound.
 */
export async function seal(value: string, to: SecretDestinations): Promise<string> {
  return `${SEALED}${await fingerprint(to)}:${value}`;
}

/** The value without its fingerprint, unchecked: for a vault that sends nothing (tests, tools). */
export function withoutSeal(stored: string): string {
  return stored.startsWith(SEALED) ? stored.slice(stored.indexOf(':', SEALED.length) + 1) : stored;
}

/**
 * The secret, if it was stored for `to`. A value stored before binding existed has no fingerprint
 * and is returned as it is; it gets one the next time it is written.
 */
export async function unseal(
  stored: string,
  to: SecretDestinations | undefined,
  what: string,
): Promise<string> {
  if (!stored.startsWith(SEALED)) return stored;
  const rest = stored.slice(SEALED.length);
  const colon = rest.indexOf(':');
  const value = rest.slice(colon + 1);
  if (to !== undefined && rest.slice(0, colon) === (await fingerprint(to))) return value;
  throw new TokenTrayError(
    'secret_not_bound',
    `The ${what} was stored for another token endpoint, revocation endpoint or client id than the settings file names now, so TokenTray will not send it there.`,
    {
      hint: "If you changed the account's endpoints yourself, remove the account and add it again. If you did not, someone altered config.json in the data folder: check the endpoints it names.",
    },
  );
}

async function fingerprint(to: SecretDestinations): Promise<string> {
  const text = JSON.stringify([to.tokenEndpoint, to.clientId, to.revocationEndpoint ?? null]);
  // Web Crypto is global: importing node:crypto would slow the CLI's cached-token path.
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Buffer.from(digest).subarray(0, 18).toString('base64url');
}
