import { TokenTrayError } from '../../common/errors.js';
import { isLoopbackHost } from '../oauth/endpoint-policy.js';

/** Far above any authorization request URL (PKCE, state, scopes), far below abuse. */
const MAX_URL_LENGTH = 16 * 1024;

/**
 * The only URLs the app hands to the user's browser (shell.openExternal): the sign-in pages that a
 * flow produced from the provider's metadata. They must be https. Plain http is allowed on a
 * loopback IP literal only (isLoopbackHost), where an authorization server for development or tests runs (the same rule
 * as for token endpoints; RFC 8252 §8.3 for loopback). Anything else, such as file:, javascript:,
 * a custom scheme that launches another app, or credentials in the URL, is refused.
 *
 * Returns the normalised URL to open.
 */
export function checkExternalUrl(raw: string): string {
  let url: URL;
  try {
    if (raw.length > MAX_URL_LENGTH) throw new RangeError('too long');
    url = new URL(raw);
  } catch {
    throw new TokenTrayError(
      'invalid_input',
      'Refused to open a malformed address in the browser.',
      {
        hint: 'Check the provider settings of this account.',
      },
    );
  }
  const loopback = url.protocol === 'http:' && isLoopbackHost(url.hostname);
  if (url.protocol !== 'https:' && !loopback) {
    throw new TokenTrayError(
      'insecure_endpoint',
      `Refused to open a ${url.protocol.replace(/:$/, '')} address in the browser: only https sign-in pages are opened.`,
      {
        hint: 'Use the https address of the provider (plain http only on 127.0.0.1 or [::1]).',
      },
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw new TokenTrayError(
      'invalid_input',
      'Refused to open an address that carries a user name or password.',
      {
        hint: 'Check the provider settings of this account.',
      },
    );
  }
  return url.href;
}
