import type { AccessTokenRecord } from '../../common/account.js';
import { TokenTrayError } from '../../common/errors.js';
import { registerSecret } from '../../common/redact.js';
import type { KeychainBackend } from './keychain-backend.js';
import { KeychainEntries, type KeychainCalls } from './keychain-entries.js';

export { MAX_ENTRY_BYTES } from './keychain-entries.js';

export type SecretKind = 'refresh_token' | 'client_secret' | 'access_token';
const KINDS: readonly SecretKind[] = ['refresh_token', 'client_secret', 'access_token'];

/** Beyond this a "secret" is not a token; refuse it rather than fill the keychain. */
export const MAX_SECRET_BYTES = 64 * 1024;

import { DEFAULT_SERVICE } from './keychain-service.js';

export { DEFAULT_SERVICE, keychainService } from './keychain-service.js';

/** An account's token set: what one refresh reads and what one rotation writes. */
export interface StoredTokens {
  refreshToken?: string;
  record?: AccessTokenRecord;
}

/**
 * The token set lives in one entry, the account's `refresh_token` entry, behind this prefix.
 *
 * Why one entry and not two: a rotation (RFC 9700 §4.14.2) must save the new refresh token before
 * anything else, and its access token belongs with it. In one entry one keychain write saves both
 * atomically, and one read gets both, so there is never a new access token beside a spent refresh
 * token, and the rotated token's unprotected window is a single write. The entry keeps its old
 * key, so an entry written before holds a plain refresh token and still reads (with the access
 * token from its old `access_token` entry).
 */
const TOKEN_SET = 'tokentray-tokens:v1:';

/**
 * Every secret TokenTray holds, kept in the OS keychain through keytar, one entry per account and
 * kind (`<name>/refresh_token`, `<name>/client_secret`), of any size (see ./keychain-entries.ts).
 */
export class SecretVault {
  readonly #entries: KeychainEntries;
  /** Accounts seen with an access token in its old entry of its own, deleted once replaced. */
  readonly #legacy = new Set<string>();

  constructor(backend: () => Promise<KeychainBackend>, service: string = DEFAULT_SERVICE) {
    this.#entries = new KeychainEntries(backend, service);
  }

  get service(): string {
    return this.#entries.service;
  }

  /** Keychain round trips so far: reads, writes, deletes. */
  get calls(): Readonly<KeychainCalls> {
    return this.#entries.calls;
  }

  async get(name: string, kind: SecretKind): Promise<string | undefined> {
    const value = await this.#entries.read(entryKey(name, kind));
    if (value === undefined) return undefined;
    if (kind === 'refresh_token' && value.startsWith(TOKEN_SET))
      return parseTokenSet(value).refreshToken;
    registerSecret(value);
    return value;
  }

  /** Writes one secret as it is; a refresh token written this way replaces the whole token set. */
  async set(name: string, kind: SecretKind, value: string): Promise<void> {
    checkSize(kind, value);
    registerSecret(value);
    if (kind === 'refresh_token' && value.startsWith(TOKEN_SET))
      return this.setTokens(name, { refreshToken: value });
    await this.#entries.write(entryKey(name, kind), value);
  }

  /** The refresh token and the access token, in one read (two for an entry of the old form). */
  async getTokens(name: string): Promise<StoredTokens> {
    const main = await this.#entries.read(entryKey(name, 'refresh_token'));
    if (main?.startsWith(TOKEN_SET) === true) return parseTokenSet(main);
    if (main !== undefined) registerSecret(main);
    const record = await this.legacyAccessToken(name);
    if (record !== undefined) this.#legacy.add(name);
    return {
      ...(main === undefined ? {} : { refreshToken: main }),
      ...(record === undefined ? {} : { record }),
    };
  }

  /** Saves the token set in one write; nothing happens before the write that it does not need. */
  async setTokens(name: string, tokens: StoredTokens): Promise<void> {
    const value = `${TOKEN_SET}${JSON.stringify({
      ...(tokens.refreshToken === undefined ? {} : { refresh_token: tokens.refreshToken }),
      ...(tokens.record === undefined ? {} : { access: tokens.record }),
    })}`;
    checkSize('refresh_token', value);
    await this.#entries.write(entryKey(name, 'refresh_token'), value);
    // The old entry's token is superseded: it must not linger in the keychain.
    if (tokens.record !== undefined && this.#legacy.delete(name))
      await this.#entries.remove(entryKey(name, 'access_token')).catch(() => undefined);
  }

  async delete(name: string, kind: SecretKind): Promise<void> {
    await this.#entries.remove(entryKey(name, kind));
  }

  /** Removes every entry of an account, chunks included. */
  async deleteAccount(name: string): Promise<void> {
    for (const kind of KINDS) await this.delete(name, kind);
  }

  async getAccessToken(name: string): Promise<AccessTokenRecord | undefined> {
    return (await this.getTokens(name)).record;
  }

  /** Replaces the access token, keeping the refresh token beside it. */
  async setAccessToken(name: string, record: AccessTokenRecord): Promise<void> {
    const { refreshToken } = await this.getTokens(name);
    await this.setTokens(name, { ...(refreshToken === undefined ? {} : { refreshToken }), record });
  }

  /** Fails with a clear error when the keychain cannot be written, before anything depends on it. */
  async probe(): Promise<void> {
    await this.#entries.probe(`probe/${process.pid}`);
  }

  /** The names of accounts that have any entry, for finding orphans after a settings loss. */
  async accountNames(): Promise<string[]> {
    const accounts = await this.#entries.accounts();
    return [
      ...new Set(
        accounts.map((a) => a.split('/')[0] ?? '').filter((n) => n !== '' && n !== 'probe'),
      ),
    ];
  }

  /** Accounts stored before the token set existed keep their access token in its own entry. */
  private async legacyAccessToken(name: string): Promise<AccessTokenRecord | undefined> {
    const raw = await this.#entries.read(entryKey(name, 'access_token'));
    return raw === undefined ? undefined : parseRecord(raw);
  }
}

function entryKey(name: string, kind: SecretKind): string {
  return `${name}/${kind}`;
}

function checkSize(kind: SecretKind, value: string): void {
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > MAX_SECRET_BYTES) {
    throw new TokenTrayError(
      'secret_too_large',
      `The ${kind.replace('_', ' ')} is ${bytes} bytes; TokenTray stores at most ${MAX_SECRET_BYTES}.`,
      {
        hint: 'Check that the whole value, and only it, was pasted.',
      },
    );
  }
}

function parseTokenSet(value: string): StoredTokens {
  let fields: { refresh_token?: unknown; access?: unknown };
  try {
    fields = JSON.parse(value.slice(TOKEN_SET.length)) as typeof fields;
  } catch {
    throw new TokenTrayError(
      'keychain_unavailable',
      'A keychain entry of TokenTray is unreadable.',
      {
        hint: 'Another program may have changed it. Remove the account and add it again.',
      },
    );
  }
  const refreshToken = typeof fields.refresh_token === 'string' ? fields.refresh_token : undefined;
  if (refreshToken !== undefined) registerSecret(refreshToken);
  const record = parseRecord(fields.access);
  return {
    ...(refreshToken === undefined ? {} : { refreshToken }),
    ...(record === undefined ? {} : { record }),
  };
}

/** An unreadable access-token record only costs one refresh, so it reads as none. */
function parseRecord(raw: unknown): AccessTokenRecord | undefined {
  try {
    const record = (typeof raw === 'string' ? JSON.parse(raw) : raw) as AccessTokenRecord;
    if (
      typeof record !== 'object' ||
      record === null ||
      typeof record.accessToken !== 'string' ||
      typeof record.expiresAt !== 'number'
    )
      return undefined;
    registerSecret(record.accessToken);
    return record;
  } catch {
    return undefined;
  }
}
