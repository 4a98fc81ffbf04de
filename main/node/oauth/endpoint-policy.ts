import { isIP } from 'node:net';
import { TokenTrayError } from '../../common/errors.js';

/**
 * 127.0.0.0/8 and ::1, as IP literals: the only places plain http is acceptable (RFC 8252 §8.3).
 * Not "localhost" or "*.localhost": a resolver may send those names to DNS (§8.3 names the risk),
 * and then the secrets go in clear text to whoever answers.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1' || host === '0:0:0:0:0:0:0:1';
}

/**
 * Token, discovery and revocation endpoints carry credentials, so they must be https (RFC 6749
 * §3.2 "MUST require the use of TLS"). Loopback is the one exception, for local servers and tests.
 */
export function checkEndpointUrl(raw: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TokenTrayError('invalid_input', `The ${what} "${raw.slice(0, 200)}" is not a URL.`, {
      hint: 'Give the full address, for example https://oauth2.googleapis.com/token.',
    });
  }
  if (url.username !== '' || url.password !== '') {
    throw new TokenTrayError(
      'invalid_input',
      `The ${what} must not contain a user name or password.`,
      {
        hint: 'Pass the client id with --client-id and the secret in TOKENTRAY_CLIENT_SECRET.',
      },
    );
  }
  if (url.hash !== '') {
    throw new TokenTrayError('invalid_input', `The ${what} must not contain a #fragment.`);
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return url;
  throw new TokenTrayError('insecure_endpoint', `The ${what} ${url.origin} is not https.`, {
    hint: 'OAuth endpoints must use https; plain http is allowed only on a loopback IP literal (127.0.0.1 or [::1]; not localhost, which may be resolved by DNS).',
  });
}
