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
  }
}
