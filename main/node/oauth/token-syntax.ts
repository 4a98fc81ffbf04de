import { TokenTrayError } from '../../common/errors.js';

/**
 * RFC 6749 Appendix A.12 and A.17: `access-token = 1*VSCHAR` and `refresh-token = 1*VSCHAR`, where
 * VSCHAR is %x20-7E (A.1). A token outside that set is mangled (a proxy re-encoding the body, a
 * broken server) and would fail at its next use; keeping it would overwrite the good one we hold.
 */
const VSCHARS = /^[\x20-\x7e]+$/;

/** Checks both tokens of a successful token response (RFC 6749 §5.1) before anything is kept. */
export function checkTokenSyntax(response: {
  access_token: unknown;
  refresh_token?: unknown;
}): void {
  for (const field of ['access_token', 'refresh_token'] as const) {
    const value = response[field];
    if (value === undefined && field === 'refresh_token') continue;
    if (typeof value === 'string' && VSCHARS.test(value)) continue;
    throw new TokenTrayError(
      'bad_response',
      `The token endpoint sent an ${field} holding characters that RFC 6749 (Appendix A) does not allow in one, so it was not used, and nothing from the answer was stored.`,
      {
        hint: 'This is a fault of the server, or of a proxy that re-encoded its answer. The stored tokens are unchanged; report it to the provider.',
      },
    );
  }
}
