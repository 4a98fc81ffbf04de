import { TokenTrayError } from '../../common/errors.js';
import { classifyKeychainError, type KeychainBackend } from './keychain-backend.js';

/** Windows Credential Manager refuses blobs over 2560 bytes (CRED_MAX_CREDENTIAL_BLOB_SIZE). */
export const MAX_ENTRY_BYTES = 2560;
const CHUNK_BYTES = 2048;
const MANIFEST = 'tokentray-chunks:v1:';

/** Keychain round trips made through a vault, for `npm run bench` and the tests that count them. */
export interface KeychainCalls {
  reads: number;
  writes: number;
  deletes: number;
}

/**
 * Entries of one keychain service, each a value of any size. A value too large for one entry is
 * split across entries with a manifest in the main one. Chunks are written under a fresh
 * generation before the manifest switches to them, so a failure half-way leaves the previous value
 * whole: nothing is truncated and nothing is lost.
 *
 * Whether an entry is chunked is remembered from its last read or write in this process, so a
 * plain write need not read the entry first just to find old chunks to delete.
 */
export class KeychainEntries {
  readonly calls: KeychainCalls = { reads: 0, writes: 0, deletes: 0 };
  /** The main entry as last seen here: its manifest, or '' for a plain value or none. */
  readonly #shape = new Map<string, string>();

  constructor(
    private readonly backend: () => Promise<KeychainBackend>,
    readonly service: string,
  ) {}

  async read(key: string): Promise<string | undefined> {
    const backend = await this.backend();
    const main = await this.call(() => backend.getPassword(this.service, key), 'read');
    this.#shape.set(key, main?.startsWith(MANIFEST) === true ? main : '');
    if (main === null) return undefined;
    return main.startsWith(MANIFEST) ? this.readChunks(backend, key, main) : main;
  }

  async write(key: string, value: string): Promise<void> {
    const backend = await this.backend();
    const chunked =
      Buffer.byteLength(value, 'utf8') > MAX_ENTRY_BYTES || value.startsWith(MANIFEST);
    // The shape last seen here spares a read only where staleness costs nothing: a plain value
    // replaced by a plain value. A chunked entry is read again first, since another process may
    // have rewritten it since: deleting the chunks we last saw would leave its chunks behind.
    const cached = this.#shape.get(key);
    const previous =
      cached === '' && !chunked
        ? cached
        : await this.call(() => backend.getPassword(this.service, key), 'read');
    let main = value;
    if (chunked) {
      // Web Crypto is global: importing node:crypto would slow the CLI's cached-token path.
      const generation = Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(4))).toString(
        'hex',
      );
      const chunks = splitUtf8(value, CHUNK_BYTES);
      for (const [i, chunk] of chunks.entries()) {
        const part = `${key}#${generation}.${i}`;
        await this.call(() => backend.setPassword(this.service, part, chunk), 'write');
      }
      main = `${MANIFEST}${generation}:${chunks.length}:${value.length}`;
    }
    await this.call(() => backend.setPassword(this.service, key, main), 'write');
    this.#shape.set(key, main.startsWith(MANIFEST) ? main : '');
    if (previous?.startsWith(MANIFEST) === true) await this.deleteChunks(backend, key, previous);
  }

  /** true when there was an entry to remove. */
  async remove(key: string): Promise<boolean> {
    const backend = await this.backend();
    const main = await this.call(() => backend.getPassword(this.service, key), 'read');
    if (main !== null) await this.call(() => backend.deletePassword(this.service, key), 'delete');
    this.#shape.set(key, '');
    if (main?.startsWith(MANIFEST) === true) await this.deleteChunks(backend, key, main);
    return main !== null;
  }

  async probe(key: string): Promise<void> {
    const backend = await this.backend();
    await this.call(() => backend.setPassword(this.service, key, 'ok'), 'write');
    await this.call(() => backend.deletePassword(this.service, key), 'delete');
  }

  async accounts(): Promise<string[]> {
    const backend = await this.backend();
    const creds = await this.call(() => backend.findCredentials(this.service), 'read');
    return creds.map((c) => c.account);
  }

  private async readChunks(backend: KeychainBackend, key: string, main: string): Promise<string> {
    const manifest = parseManifest(main);
    const parts: string[] = [];
    for (let i = 0; manifest !== undefined && i < manifest.count; i++) {
      const part = await this.call(
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
      await this.call(() => backend.deletePassword(this.service, part), 'delete');
    }
  }

  private async call<T>(op: () => Promise<T>, action: 'read' | 'write' | 'delete'): Promise<T> {
    this.calls[action === 'read' ? 'reads' : action === 'write' ? 'writes' : 'deletes']++;
    try {
      return await op();
    } catch (err) {
      throw classifyKeychainError(err, action);
    }
  }
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
