import * as oauth from 'oauth4webapi';
import type { Account } from '../../common/account.js';
import { sleep, systemClock, type Clock } from '../../common/clock.js';
import { TokenTrayError } from '../../common/errors.js';
import { serverText } from '../../common/redact.js';
import { checkEndpointUrl } from './endpoint-policy.js';
import { classifySignInError } from './oauth-errors.js';
import type { TokenClient } from './token-client.js';
import {
  authorizationServerOf,
  clientAuth,
  processUserGrant,
  type GrantOutcome,
} from './token-response.js';

export interface DeviceAuthorization {
  deviceCode: string;
  userCode: string;
  verificationUri: string;
  verificationUriComplete?: string;
  /** Epoch ms. */
  expiresAt: number;
  /** Seconds between polls (RFC 8628 §3.2 `interval`, default 5). */
  interval: number;
}

/** RFC 8628 §3.5: each slow_down adds 5 seconds to the polling interval. */
export const SLOW_DOWN_STEP_S = 5;

/** Device Authorization Request and Response, RFC 8628 §3.1–3.2. */
export async function requestDeviceAuthorization(
  tokens: TokenClient,
  account: Account,
  clientSecret: string | undefined,
): Promise<DeviceAuthorization> {
  if (account.deviceAuthorizationEndpoint === undefined) {
    throw new TokenTrayError('invalid_input', 'This provider does not offer device sign-in.', {
      hint: 'Use browser sign-in (--login) instead, or give --device-authorization-endpoint.',
    });
  }
  const endpoint = checkEndpointUrl(account.deviceAuthorizationEndpoint, 'device endpoint');
  const as = authorizationServerOf(account);
  const client: oauth.Client = { client_id: account.clientId };
  const sentAt = tokens.time();
  try {
    const response = await oauth.deviceAuthorizationRequest(
      as,
      client,
      clientAuth(account.clientAuth, clientSecret),
      account.scopes.length > 0 ? { scope: account.scopes.join(' ') } : {},
      tokens.httpOptions(endpoint),
    );
    const body = await oauth.processDeviceAuthorizationResponse(as, client, response);
    const verificationUri = checkEndpointUrl(body.verification_uri, 'verification URI').href;
    return {
      deviceCode: body.device_code,
      // Shown on the terminal and in the window: server text like any other.
      userCode: serverText(body.user_code, 64),
      verificationUri,
      ...(body.verification_uri_complete === undefined
        ? {}
        : {
            verificationUriComplete: checkEndpointUrl(
              body.verification_uri_complete,
              'verification URI',
            ).href,
          }),
      expiresAt: sentAt + body.expires_in * 1000,
      interval: Math.max(1, body.interval ?? 5),
    };
  } catch (err) {
    throw classifySignInError(
      err,
      account.deviceAuthorizationEndpoint,
      tokens.time(),
      'device authorization endpoint',
    );
  }
}

/**
 * Polls the token endpoint (RFC 8628 §3.4) until the user approves, declines, or the code
 * expires: `authorization_pending` waits one interval, `slow_down` adds 5 s for good (§3.5),
 * `access_denied` and `expired_token` end the flow, and a network failure backs off (§3.5,
 * "SHOULD use exponential backoff"). `signal` cancels the wait; `clock` times it.
 */
export async function pollForDeviceToken(
  tokens: TokenClient,
  account: Account,
  clientSecret: string | undefined,
  device: DeviceAuthorization,
  signal: AbortSignal,
  clock: Clock = systemClock,
): Promise<GrantOutcome> {
  const as = authorizationServerOf(account);
  const client: oauth.Client = { client_id: account.clientId };
  const endpoint = checkEndpointUrl(account.tokenEndpoint, 'token endpoint');
  let interval = device.interval;
  let backoff = 1;
  for (;;) {
    await sleep(clock, interval * backoff * 1000, signal);
    if (tokens.time() >= device.expiresAt) throw expired();
    const sentAt = tokens.time();
    try {
      const request = await oauth.deviceCodeGrantRequest(
        as,
        client,
        clientAuth(account.clientAuth, clientSecret),
        device.deviceCode,
        tokens.httpOptions(endpoint),
      );
      return await processUserGrant(account, request, sentAt, (r) =>
        oauth.processDeviceCodeResponse(as, client, r),
      );
    } catch (err) {
      if (err instanceof oauth.ResponseBodyError) {
        if (err.error === 'authorization_pending') {
          backoff = 1;
          continue;
        }
        if (err.error === 'slow_down') {
          interval += SLOW_DOWN_STEP_S;
          continue;
        }
        if (err.error === 'expired_token') throw expired();
        if (err.error === 'access_denied') {
          throw new TokenTrayError('access_denied', 'Sign-in was declined on the device page.', {
            hint: 'Nothing was stored. Run the sign-in again and approve it.',
            oauthError: err.error,
          });
        }
      }
      const error = classifySignInError(err, account.tokenEndpoint, tokens.time());
      if (error.code !== 'transient') throw error;
      backoff = Math.min(backoff * 2, 8);
    }
  }
}

function expired(): TokenTrayError {
  return new TokenTrayError('sign_in_timeout', 'The device code expired before sign-in finished.', {
    hint: 'Nothing was stored. Run the sign-in again and enter the new code sooner.',
  });
}
