import { parseArgs } from 'node:util';
import type { AccessTokenRecord, Account, AccountStatusReport } from '../../common/account.js';
import { TokenTrayError } from '../../common/errors.js';
import { decodeJwt } from '../../common/jwt-claims.js';
import { providerPolicy } from '../../common/provider-policy.js';
import { loadKeytar } from '../../node/keychain/keychain-backend.js';
import { SecretVault } from '../../node/keychain/secret-vault.js';
import { TokenLedger } from '../../node/settings/token-ledger.js';
import type { CliContext } from '../cli-context.js';

/**
 * `tokentray info <name> [--json]`: what is known about an account and its current token, for a
 * person debugging a 401. It prints no secret: not the token (a JWT's header and claims, never
 * its signature), not the refresh token, not the client secret. It never refreshes.
 */
export async function infoCommand(args: string[], context: CliContext): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: 'boolean', default: false } },
  });
  const [name, extra] = positionals;
  if (name === undefined || extra !== undefined) {
    throw new TokenTrayError('usage', 'Usage: tokentray info <name> [--json]');
  }
  const engine = context.engine();
  const status = await engine.status(name); // says when there is no such account
  const account = engine.accounts().find((a) => a.name === name);
  if (account === undefined)
    throw new TokenTrayError('no_such_account', `There is no account "${name}".`);
  // The cache as it is: info never refreshes, so it reads the keychain, not the engine.
  const record = await new SecretVault(loadKeytar, context.keychainService).getAccessToken(name);
  // When the refresh token last rotated, as the engine noted it in the ledger (no secret).
  const rotatedAt = new TokenLedger(context.dataDir).read(name, account.createdAt)?.rotatedAt;
  const info = describe(account, status, record, rotatedAt);
  context.stdout.write(values.json ? `${JSON.stringify(info, null, 2)}\n` : text(info));
}

type Info = ReturnType<typeof describe>;

function describe(
  account: Account,
  status: AccountStatusReport,
  record: AccessTokenRecord | undefined,
  rotatedAt: number | undefined,
) {
  const policy = providerPolicy(account);
  const refreshGrant = (account.grant ?? 'refresh_token') === 'refresh_token';
  const lastRefreshAt = record === undefined ? null : new Date(record.issuedAt).toISOString();
  return {
    account: {
      name: account.name,
      label: account.label,
      provider: account.provider ?? 'custom',
      grant: account.grant ?? 'refresh_token',
      who: account.who ?? null,
      issuer: account.issuer ?? null,
      tokenEndpoint: account.tokenEndpoint,
      clientId: account.clientId,
      clientAuth: account.clientAuth,
      scopesRequested: account.scopes,
      createdAt: account.createdAt,
      signInRequired: account.signInRequired ?? null,
      lastError: account.lastError ?? null,
    },
    status: status.status,
    token:
      record === undefined
        ? null
        : {
            type: record.tokenType,
            issuedAt: new Date(record.issuedAt).toISOString(),
            expiresAt: new Date(record.expiresAt).toISOString(),
            scopes: record.scope?.split(' ').filter((s) => s !== '') ?? null,
            jwt: decodeJwt(record.accessToken) ?? null,
          },
    refreshToken: refreshGrant
      ? {
          // A rotation seen tells more than the provider's policy (unknown for OIDC and custom).
          rotation: rotatedAt === undefined ? policy.rotation : ('rotates' as const),
          /** When the stored refresh token was last presented. */
          lastUsedAt: lastRefreshAt,
          /** When the server last sent a new refresh token; null since sign-in or when unseen. */
          rotatedAt: rotatedAt === undefined ? null : new Date(rotatedAt).toISOString(),
        }
      : null,
    warnings: policy.warnings,
  };
}

function text(info: Info): string {
  const a = info.account;
  const lines = [
    `${a.label} (${a.name})`,
    `  provider:     ${a.provider}${a.who === null ? '' : `, signed in as ${a.who}`}`,
    `  grant:        ${a.grant}, client ${a.clientId} (${a.clientAuth})`,
    `  token URL:    ${a.tokenEndpoint}`,
    `  status:       ${info.status}${a.signInRequired === null ? '' : ` (${a.signInRequired.reason})`}`,
  ];
  if (a.lastError !== null) lines.push(`  last error:   ${a.lastError.at} ${a.lastError.message}`);
  if (info.token === null) {
    lines.push('  token:        none cached');
  } else {
    const t = info.token;
    lines.push(`  token:        ${t.type}, issued ${t.issuedAt}, expires ${t.expiresAt}`);
    lines.push(`  scopes:       ${t.scopes?.join(' ') ?? '(not stated by the server)'}`);
    if (t.jwt !== null) {
      lines.push(`  JWT header:   ${JSON.stringify(t.jwt.header)}`);
      lines.push(
        `  JWT claims:   ${JSON.stringify(t.jwt.payload, null, 2).replace(/\n/g, '\n  ')}`,
      );
    }
  }
  const r = info.refreshToken;
  if (r !== null) {
    const used = `last used ${r.lastUsedAt ?? 'not yet'}`;
    lines.push(
      r.rotation === 'rotates'
        ? `  refresh:      rotates; last rotated ${r.rotatedAt ?? 'not since sign-in'}; ${used}`
        : `  refresh:      ${r.rotation === 'unknown' ? 'rotation unknown' : 'does not rotate'}; ${used}`,
    );
  }
  for (const warning of info.warnings) lines.push(`  warning:      ${warning}`);
  return `${lines.join('\n')}\n`;
}
