import type { AccessTokenRecord } from '../../common/account.js';
import { TokenTrayError } from '../../common/errors.js';
import { registerSecret } from '../../common/redact.js';
import { classifyKeychainError, type KeychainBackend } from './keychain-backend.js';
import {
  BOUND_KINDS,
  seal,
  unseal,
  withoutSeal,
  type SecretDestinations,
} from './secret-binding.js';

export type SecretKind = 'refresh_token' | 'client_secret' | 'access_token';
const KINDS: readonly SecretKind[] = ['refresh_token', 'client_secret', 'access_token'];

/** Windows Credential Manager refuses blobs over 2560 bytes (CRED_MAX_CREDENTIAL_BLOB_SIZE). */
export const MAX_ENTRY_BYTES = 2560;
const CHUNK_BYTES = 2048;
/** Beyond this a "secret" is not a token; refuse it rather than fill the keychain. */
export const MAX_SECRET_BYTES = 64 * 1024;
const MANIFEST = 'tokentray-chunks:v1:';

export const DEFAULT_SERVICE = 'TokenTray';

/**
 * Every secret TokenTray holds, kept in the OS keychain through keytar, one entry per account and
 * kind (`<name>/refresh_token`). A value too large for one entry is split across entries with a
 * manifest in the main one. Chunks are written under a fresh generation before the manifest
 * switches to them, so a failure half-way leaves the previous value whole: nothing is truncated
 * and nothing is lost.
 */
export class SecretVault {
  /** Where each account's secrets may go, as the settings say now (see ./secret-binding.ts). */
  private destinationsOf: ((name: string) => SecretDestinations | undefined) | undefined;

  constructor(
    private readonly backend: () => Promise<KeychainBackend>,
    readonly service: string = DEFAULT_SERVICE,
  ) {}

  /** From now on, refresh tokens and client secrets are stored for, and read only for, these. */
  bindTo(destinationsOf: (name: string) => SecretDestinations | undefined): void {
    this.destinationsOf = destinationsOf;
  }

  /** `to`: the destinations of an account the settings do not hold (being added or recovered). */
  async get(name: string, kind: SecretKind, to?: SecretDestinations): Promise<string | undefined> {
    const backend = await this.backend();
    const key = entryKey(name, kind);
    const main = await call(() => backend.getPassword(this.service, key), 'read');
    if (main === null) return undefined;
    const stored = main.startsWith(MANIFEST) ? await this.readChunks(backend, key, main) : main;
    // A vault nobody bound sends nothing (tests, tools): it reads values as they were given.
    const value = !BOUND_KINDS.has(kind)
      ? stored
      : this.destinationsOf === undefined
        ? withoutSeal(stored)
        : await unseal(
            stored,
            to ?? this.destinationsOf(name),
            `${kind.replace('_', ' ')} of "${name}"`,
          );
    registerSecret(value);
    return value;
  }

  /** `to` names the destinations of an account the settings do not hold yet (it is being added). */
  async set(
    name: string,
    kind: SecretKind,
    secret: string,
    to?: SecretDestinations,
  ): Promise<void> {
    const value = await this.sealFor(name, kind, secret, to);
    await this.write(name, kind, value, secret);
  }

  private async sealFor(
    name: string,
    kind: SecretKind,
    secret: string,
    to: SecretDestinations | undefined,
  ): Promise<string> {
    if (this.destinationsOf === undefined || !BOUND_KINDS.has(kind)) return secret;
    const destinations = to ?? this.destinationsOf(name);
    if (destinations === undefined) {
      throw new TokenTrayError(
        'no_such_account',
        `There is no account named "${name}" to keep a secret for.`,
        { hint: 'It was removed meanwhile; add it again.' },
      );
    }
    return seal(secret, destinations);
  }

  private async write(
    name: string,
    kind: SecretKind,
    value: string,
    secret: string,
  ): Promise<void> {
    checkSecretSize(kind, secret);
    registerSecret(secret);
    const backend = await this.backend();
    const key = entryKey(name, kind);
    const previous = await call(() => backend.getPassword(this.service, key), 'read');
    if (Buffer.byteLength(value, 'utf8') <= MAX_ENTRY_BYTES && !value.startsWith(MANIFEST)) {
      await call(() => backend.setPassword(this.service, key, value), 'write');
    } else {
      // Web Crypto is global: importing node:crypto would slow the CLI's cached-token path.
      const generation = Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(4))).toString(
        'hex',
      );
      const chunks = splitUtf8(value, CHUNK_BYTES);
      for (const [i, chunk] of chunks.entries()) {
        await call(
          () => backend.setPassword(this.service, `${key}#${generation}.${i}`, chunk),
          'write',
        );
      }
      await call(
        () =>
          backend.setPassword(
            this.service,
            key,
            `${MANIFEST}${generation}:${chunks.length}:${value.length}`,
          ),
        'write',
      );
    }
    if (previous?.startsWith(MANIFEST)) await this.deleteChunks(backend, key, previous);
  }

  /** true when there was an entry to delete. */
  async delete(name: string, kind: SecretKind): Promise<boolean> {
    const backend = await this.backend();
    const key = entryKey(name, kind);
    const main = await call(() => backend.getPassword(this.service, key), 'read');
    if (main === null) return false;
    await call(() => backend.deletePassword(this.service, key), 'delete');
    if (main.startsWith(MANIFEST)) await this.deleteChunks(backend, key, main);
    return true;
  }

  /** Removes every entry of an account, chunks included; says how many main entries there were. */
  async deleteAccount(name: string): Promise<number> {
    let deleted = 0;
    for (const kind of KINDS) if (await this.delete(name, kind)) deleted++;
    return deleted;
  }

  async getAccessToken(name: string): Promise<AccessTokenRecord | undefined> {
    const raw = await this.get(name, 'access_token');
    if (raw === undefined) return undefined;
    try {
      const record = JSON.parse(raw) as AccessTokenRecord;
      if (typeof record.accessToken !== 'string' || typeof record.expiresAt !== 'number')
        return undefined;
      registerSecret(record.accessToken);
      return record;
    } catch {
      return undefined; // an unreadable cache entry only costs one refresh
    }
  }

  async setAccessToken(name: string, record: AccessTokenRecord): Promise<void> {
    await this.set(name, 'access_token', JSON.stringify(record));
  }

  /**
   * Fails with a clear error when the keychain cannot be written, before anything depends on it.
   * One entry shared by every process, not one per pid: a probe killed half-way leaves one entry
   * behind, and the next probe overwrites and removes it.
   */
  async probe(): Promise<void> {
    const backend = await this.backend();
    const key = 'probe/writable';
    await call(() => backend.setPassword(this.service, key, 'ok'), 'write');
    await call(() => backend.deletePassword(this.service, key), 'delete');
  }

  /** The names of accounts that have any entry, for finding orphans after a settings loss. */
  async accountNames(): Promise<string[]> {
    const backend = await this.backend();
    const creds = await call(() => backend.findCredentials(this.service), 'read');
    return [
      ...new Set(
        creds.map((c) => c.account.split('/')[0] ?? '').filter((n) => n !== '' && n !== 'probe'),
      ),
    ];
  }

  private async readChunks(backend: KeychainBackend, key: string, main: string): Promise<string> {
    const manifest = parseManifest(main);
    const parts: string[] = [];
    for (let i = 0; manifest !== undefined && i < manifest.count; i++) {
      const part = await call(
        () => backend.getPassword(this.service, `${key}#${manifest.generation}.${i}`),
        'read',
      );
      if (part === null) break;
      parts.push(part);
    }
    const value = parts.join('');
    if (
      manifest === undefined ||
      parts.length !== manifest.count ||
      value.length !== manifest.length
    ) {
      throw new TokenTrayError(
        'keychain_unavailable',
        `The keychain entry "${key}" is incomplete: some of its parts are missing.`,
        {
          hint: 'Another program may have removed them. Remove the account and add it again.',
        },
      );
    }
    return value;
  }

  /**
   * Deletes the parts a manifest names. Not by searching the service: keytar aborts the process
   * when an entry another process deletes vanishes between its search and its read
   * (atom/node-keytar#477).
   */
  private async deleteChunks(backend: KeychainBackend, key: string, main: string): Promise<void> {
    const manifest = parseManifest(main);
    for (let i = 0; manifest !== undefined && i < manifest.count; i++) {
      const part = `${key}#${manifest.generation}.${i}`;
      await call(() => backend.deletePassword(this.service, part), 'delete');
    }
  }
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

function entryKey(name: string, kind: SecretKind): string {
  return `${name}/${kind}`;
}

function parseManifest(
  main: string,
): { generation: string; count: number; length: number } | undefined {
  const [generation, count, length] = main.slice(MANIFEST.length).split(':');
  if (generation === undefined || count === undefined || length === undefined) return undefined;
  return { generation, count: Number(count), length: Number(length) };
}

/** Splits on code-point boundaries so no chunk holds half a UTF-8 sequence. */
function splitUtf8(value: string, maxBytes: number): string[] {
  const chunks: string[] = [];
  let current = '';
  let size = 0;
  for (const ch of value) {
    const n = Buffer.byteLength(ch, 'utf8');
    if (size + n > maxBytes) {
      chunks.push(current);
      current = '';
      size = 0;
    }
    current += ch;
    size += n;
  }
  if (current !== '' || chunks.length === 0) chunks.push(current);
  return chunks;
}

async function call<T>(op: () => Promise<T>, action: 'read' | 'write' | 'delete'): Promise<T> {
  try {
    return await op();
  } catch (err) {
    throw classifyKeychainError(err, action);
  }
}

/** The keychain service name; `TOKENTRAY_KEYCHAIN_SERVICE` separates a demo from real accounts. */
export function keychainService(env: NodeJS.ProcessEnv = process.env): string {
  const service = env.TOKENTRAY_KEYCHAIN_SERVICE;
  return service !== undefined && service.trim() !== '' ? service : DEFAULT_SERVICE;
}
