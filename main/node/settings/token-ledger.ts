import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AccessTokenRecord } from '../../common/account.js';
import { stateDir } from '../paths.js';

/**
 * What every process may know about an account's tokens without reading a secret: a generation
 * that moves whenever its token set may have changed, and the current access token's times.
 */
export interface LedgerEntry {
  /** The account this belongs to: one removed and added again under its name is another. */
  createdAt: string;
  generation: number;
  /** Set from before a refresh token is presented until its answer is stored. */
  pending?: true;
  issuedAt?: number;
  expiresAt?: number;
  scope?: string;
  /**
   * When the stored refresh token arrived by rotation (epoch ms of the refresh that sent it);
   * absent when it is the one from sign-in, or none was seen. A time, not a secret: `info` shows it.
   */
  rotatedAt?: number;
  /**
   * Set when the last refresh kept its refresh token (the server did not rotate it): the next one
   * most likely keeps it too, and is presented without a pending mark first (../engine/token-sync.ts).
   */
  kept?: true;
}

/** Where the refresh token beside a settled access token came from. */
export type RefreshTokenOrigin = 'kept' | 'rotated' | 'signed-in';

/**
 * A small file per account in the data folder, so a process re-reads the keychain only when
 * another process changed the tokens, and `list` or the tray need no secret for a status.
 *
 * The generation moves under the account's lock. Whenever the keychain's refresh token may change,
 * it is marked pending before it does, and stays pending until the new one is in the keychain. What
 * a process reads meanwhile (or after a process was killed in between) belongs to no generation,
 * so it is read again before it is trusted. A refresh that keeps its refresh token changes only
 * the access token: it needs no mark, and moves the generation in one write once the keychain has
 * the new set ({@link reserve}). A lost or unreadable file only costs keychain reads, never a wrong
 * token.
 */
export class TokenLedger {
  readonly #dir: string;
  #made = false;
  /** The highest generation this process issued per account. */
  readonly #issued = new Map<string, number>();
  /** The rotation time each account's entry had when this process last advanced it. */
  readonly #rotatedAt = new Map<string, number | undefined>();

  constructor(dataDir: string) {
    this.#dir = stateDir(dataDir);
  }

  read(name: string, createdAt: string): LedgerEntry | undefined {
    try {
      const entry = JSON.parse(readFileSync(this.path(name), 'utf8')) as LedgerEntry;
      if (entry.createdAt !== createdAt || !Number.isSafeInteger(entry.generation))
        return undefined;
      return entry;
    } catch {
      return undefined;
    }
  }

  /** The generation the keychain's tokens belong to, or undefined while unknown or pending. */
  settled(name: string, createdAt: string): number | undefined {
    const entry = this.read(name, createdAt);
    return entry === undefined || entry.pending === true ? undefined : entry.generation;
  }

  /**
   * Moves the generation on, pending; the times are kept until the new token is known. It never
   * comes back to an earlier number, even after the file was lost: a process whose memory is
   * labelled with an old generation must never see that label again for other tokens. So a lost
   * file starts again from the clock, 1024 numbers per millisecond (far above any rate of
   * refreshes) plus a random part, and this process never issues a number twice.
   */
  advance(name: string, createdAt: string, before = this.read(name, createdAt)): number {
    const generation = this.reserve(name, before);
    this.write(name, { ...before, createdAt, generation, pending: true });
    return generation;
  }

  /**
   * The next generation, as {@link advance} gives it, without writing it: for a change that needs
   * no pending mark, recorded by {@link settle} once the keychain has it. `before` is the entry as
   * read under the account's lock (undefined when there is none).
   */
  reserve(name: string, before: LedgerEntry | undefined): number {
    const fresh = Date.now() * 1024 + Math.floor(Math.random() * 1024);
    const generation = Math.max(
      before === undefined ? fresh : before.generation + 1,
      (this.#issued.get(name) ?? 0) + 1,
    );
    this.#issued.set(name, generation);
    this.#rotatedAt.set(name, before?.rotatedAt);
    return generation;
  }

  /**
   * Records the current access token's times at the generation it was stored under, and when its
   * refresh token last rotated: now for a rotation, carried over from {@link advance} or
   * {@link reserve} (no second read of the file) when the refresh token was kept, none after a
   * sign-in.
   */
  settle(
    name: string,
    createdAt: string,
    generation: number,
    record: AccessTokenRecord,
    origin: RefreshTokenOrigin = 'kept',
  ): void {
    const rotatedAt =
      origin === 'rotated'
        ? record.issuedAt
        : origin === 'kept'
          ? this.#rotatedAt.get(name)
          : undefined;
    this.write(name, {
      createdAt,
      generation,
      issuedAt: record.issuedAt,
      expiresAt: record.expiresAt,
      ...(record.scope === undefined ? {} : { scope: record.scope }),
      ...(rotatedAt === undefined ? {} : { rotatedAt }),
      ...(origin === 'kept' ? { kept: true as const } : {}),
    });
  }

  remove(name: string): void {
    rmSync(this.path(name), { force: true });
  }

  private write(name: string, entry: LedgerEntry): void {
    if (!this.#made) {
      mkdirSync(this.#dir, { recursive: true, mode: 0o700 });
      this.#made = true;
    }
    // Written in place, not renamed into place: a reader that meets half a file reads no
    // generation, which only makes it read the keychain again; a rename costs more than the rest
    // of a refresh's local work.
    try {
      writeFileSync(this.path(name), JSON.stringify(entry), { mode: 0o600 });
    } catch (err) {
      // The folder went away while we ran (a cleanup, a restored backup): make it again, once.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      mkdirSync(this.#dir, { recursive: true, mode: 0o700 });
      writeFileSync(this.path(name), JSON.stringify(entry), { mode: 0o600 });
    }
  }

  private path(name: string): string {
    return join(this.#dir, `${name}.json`);
  }
}
