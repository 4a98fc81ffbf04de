import type { AccessTokenRecord } from '../common/account.js';
import type { TokenFormat } from './token-args.js';

/** What `tokentray token` prints on stdout: the one place a token is meant to leave the process. */
export function formatToken(record: AccessTokenRecord, format: TokenFormat): string {
  switch (format) {
    case 'raw':
      return `${record.accessToken}\n`;
    case 'header':
      return `Authorization: ${record.tokenType} ${record.accessToken}\n`;
    case 'json':
      return `${JSON.stringify({
        access_token: record.accessToken,
        token_type: record.tokenType,
        expires_at: new Date(record.expiresAt).toISOString(),
        scope: record.scope ?? null,
      })}\n`;
    case 'exec-credential':
      return `${JSON.stringify(execCredential(record))}\n`;
  }
}

/**
 * A Kubernetes `ExecCredential` (client.authentication.k8s.io/v1), what kubectl and the client
 * libraries read from a credential plugin's stdout. The expiry is RFC 3339 in whole seconds,
 * rounded down so the client never believes the token lives longer than it does.
 * https://kubernetes.io/docs/reference/access-authn-authz/authentication/#input-and-output-formats
 */
function execCredential(record: AccessTokenRecord) {
  return {
    apiVersion: 'client.authentication.k8s.io/v1',
    kind: 'ExecCredential',
    status: {
      expirationTimestamp: new Date(record.expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      token: record.accessToken,
    },
  };
}
