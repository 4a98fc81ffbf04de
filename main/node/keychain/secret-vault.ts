import type { AccessTokenRecord } from '../../common/account.js';
import { TokenTrayError } from '../../common/errors.js';
import { registerSecret } from '../../common/redact.js';
import type { KeychainBackend } from './keychain-backend.js';
import { KeychainEntries, type KeychainCalls } from './keychain-entries.js';
import { seal, unseal, withoutSeal, type SecretDestinations } from './secret-binding.js';

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
  /** Where each account's secrets may go, as the settings say now (see ./secret-binding.ts). */
  #destinationsOf: ((name: string) => SecretDestinations | undefined) | undefined;
  /** Accounts seen with an access token in its old entry of its own, deleted once replaced. */
  readonly #legacy = new Set<string>();

  constructor(backend: () => Promise<KeychainBackend>, service: string = DEFAULT_SERVICE) {
    this.#entries = new KeychainEntries(backend, service);
  }

  get service(): string {
    return this.#entries.service;
  }

  /**
   * From now on, refresh tokens and client secrets are stored for, and read only for, these. A
   * vault nobody bound sends nothing (the CLI's cached-token path, tools): it reads values as
   * they were stored, without their fingerprint, and writes them unbound.
   */
  bindTo(destinationsOf: (name: string) => SecretDestinations | undefined): void {
    this.#destinationsOf = destinationsOf;
  }

  /** Keychain round trips so far: reads, writes, deletes. */
  get calls(): Readonly<KeychainCalls> {
    return this.#entries.calls;
  }

  /** `to`: the destinations of an account the settings do not hold (being added or recovered). */
  async get(name: string, kind: SecretKind, to?: SecretDestinations): Promise<string | undefined> {
    if (kind === 'refresh_token') return (await this.getTokens(name, to)).refreshToken;
    const value = await this.#entries.read(entryKey(name, kind));
    if (value === undefined) return undefined;
    const secret = kind === 'client_secret' ? await this.open(name, value, kind, to) : value;
    registerSecret(secret);
    return secret;
  }

  /**
   * Writes one secret; a refresh token written this way replaces the whole token set. `to` names
   * the destinations of an account the settings do not hold yet (it is being added).
   */
  async set(name: string, kind: SecretKind, value: string, to?: SecretDestinations): Promise<void> {
    checkSecretSize(kind, value);
    registerSecret(value);
    if (kind === 'refresh_token' && value.startsWith(TOKEN_SET))
      return this.setTokens(name, { refreshToken: value }, to);
    const stored = kind === 'access_token' ? value : await this.sealFor(name, value, to);
    await this.#entries.write(entryKey(name, kind), stored);
  }

  /**
   * The refresh token and the access token, in one read (two for an entry of the old form). The
   * refresh token only if it was stored for where the account's settings send it now.
   */
  async getTokens(name: string, to?: SecretDestinations): Promise<StoredTokens> {
    const main = await this.#entries.read(entryKey(name, 'refresh_token'));
    if (main?.startsWith(TOKEN_SET) === true) {
      const { refreshToken: stored, record } = parseTokenSet(main);
      const refreshToken =
        stored === undefined ? undefined : await this.open(name, stored, 'refresh_token', to);
      if (refreshToken !== undefined) registerSecret(refreshToken);
      return {
        ...(refreshToken === undefined ? {} : { refreshToken }),
        ...(record === undefined ? {} : { record }),
      };
    }
    const refreshToken =
      main === undefined ? undefined : await this.open(name, main, 'refresh_token', to);
    if (refreshToken !== undefined) registerSecret(refreshToken);
    const record = await this.legacyAccessToken(name);
    if (record !== undefined) this.#legacy.add(name);
    return {
      ...(refreshToken === undefined ? {} : { refreshToken }),
      ...(record === undefined ? {} : { record }),
    };
  }

  /**
   * Saves the token set in one write; nothing happens before the write that it does not need.
   * The refresh token is sealed to the account's destinations (a digest, no keychain round trip).
   */
  async setTokens(name: string, tokens: StoredTokens, to?: SecretDestinations): Promise<void> {
    if (tokens.refreshToken !== undefined) checkSecretSize('refresh_token', tokens.refreshToken);
    const refreshToken =
      tokens.refreshToken === undefined
        ? undefined
        : await this.sealFor(name, tokens.refreshToken, to);
    const value = `${TOKEN_SET}${JSON.stringify({
      ...(refreshToken === undefined ? {} : { refresh_token: refreshToken }),
      ...(tokens.record === undefined ? {} : { access: tokens.record }),
    })}`;
    checkSecretSize('refresh_token', value);
    await this.#entries.write(entryKey(name, 'refresh_token'), value);
    // The old entry's token is superseded: it must not linger in the keychain.
    if (tokens.record !== undefined && this.#legacy.delete(name))
      await this.#entries.remove(entryKey(name, 'access_token')).catch(() => undefined);
  }

  /** true when there was an entry to delete. */
  async delete(name: string, kind: SecretKind): Promise<boolean> {
    return this.#entries.remove(entryKey(name, kind));
  }

  /** Removes every entry of an account, chunks included; says how many main entries there were. */
  async deleteAccount(name: string): Promise<number> {
    let deleted = 0;
    for (const kind of KINDS) if (await this.delete(name, kind)) deleted++;
    return deleted;
  }

  async getAccessToken(name: string): Promise<AccessTokenRecord | undefined> {
    return (await this.getTokens(name)).record;
  }

  /** Replaces the access token, keeping the refresh token beside it. */
  async setAccessToken(name: string, record: AccessTokenRecord): Promise<void> {
    const { refreshToken } = await this.getTokens(name);
    await this.setTokens(name, { ...(refreshToken === undefined ? {} : { refreshToken }), record });
  }

  /**
   * Fails with a clear error when the keychain cannot be written, before anything depends on it.
   * One entry shared by every process, not one per pid: a probe killed half-way leaves one entry
   * behind, and the next probe overwrites and removes it.
   */
  async probe(): Promise<void> {
    await this.#entries.probe('probe/writable');
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

  /** A sent secret, sealed to where it may go (the account's, or `to` for one being added). */
  private async sealFor(
    name: string,
    secret: string,
    to: SecretDestinations | undefined,
  ): Promise<string> {
    if (this.#destinationsOf === undefined) return secret;
    const destinations = to ?? this.#destinationsOf(name);
    if (destinations === undefined) {
      throw new TokenTrayError(
        'no_such_account',
        `There is no account named "${name}" to keep a secret for.`,
        { hint: 'It was removed meanwhile; add it again.' },
      );
    }
    return seal(secret, destinations);
  }

  /** A stored sent secret, if it was stored for where the account sends it now. */
  private async open(
    name: string,
    stored: string,
    kind: SecretKind,
    to: SecretDestinations | undefined,
  ): Promise<string> {
    if (this.#destinationsOf === undefined) return withoutSeal(stored);
    return unseal(
      stored,
      to ?? this.#destinationsOf(name),
      `${kind.replace('_', ' ')} of "${name}"`,
    );
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

/**
 * TokenTray's own limit, not the keychain's: checked before anything is sent or stored, so a
 * value that can never be kept is refused without being spent, and never retried.
 */
export function checkSecretSize(kind: SecretKind, value: string): void {
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes <= MAX_SECRET_BYTES) return;
  throw new TokenTrayError(
    'secret_too_large',
    `The ${kind.replace('_', ' ')} is ${bytes} bytes, and TokenTray keeps at most ${MAX_SECRET_BYTES} bytes (64 KiB) per secret. This is TokenTray's own limit, not the OS keychain's.`,
    {
      hint: 'Check that the whole value, and only it, was pasted. A real token is far smaller.',
    },
  );
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
