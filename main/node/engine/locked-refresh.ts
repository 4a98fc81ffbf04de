import { join } from 'node:path';
import type { AccessTokenRecord, Account } from '../../common/account.js';
import type { Clock } from '../../common/clock.js';
import { asTokenTrayError } from '../../common/errors.js';
import { withFileLock, type LockLease } from '../file-lock.js';
import type { TokenClient } from '../oauth/token-client.js';
import { locksDir } from '../paths.js';
import type { AccountHealth } from './account-health.js';
import type { AccountState } from './account-state.js';
import type { Need } from './engine-options.js';
import { requestGrant, type RetryPolicy } from './grant-request.js';
import type { RotationCustody } from './rotation-custody.js';
import type { TokenSync } from './token-sync.js';

export interface LockedRefreshParts {
  dataDir: string;
  client: TokenClient;
  clock: Clock;
  retry: RetryPolicy;
  sync: TokenSync;
  health: AccountHealth;
  custody: RotationCustody;
  /** The account as the settings have it now, refused when it may not be used (./token-engine.ts). */
  usable: (name: string) => { account: Account; state: AccountState };
}

/**
 * One refresh of one account, under the account's cross-process lock: everything is checked
 * again once the lock is held, the refresh token is presented, and what comes back goes to
 * custody (./rotation-custody.ts). The engine decides when to come here, once per account at a
 * time (./token-engine.ts).
 */
export class LockedRefresh {
  constructor(private readonly parts: LockedRefreshParts) {}

  async run(name: string, state: AccountState, need: Need): Promise<AccessTokenRecord> {
    const { health } = this.parts;
    state.refreshing = true;
    health.emit(name, state);
    try {
      // The token is handed out as soon as it is known, but the lock is held until this
      // process's keychain write of it has landed: released earlier, another process could
      // refresh, save a rotated refresh token, and then see this late write put back the spent
      // one (RFC 9700 §4.14.2).
      let handOut: ((record: AccessTokenRecord) => void) | undefined;
      const known = new Promise<AccessTokenRecord>((resolve) => (handOut = resolve));
      const locked = withFileLock(
        join(locksDir(this.parts.dataDir), `account-${name}`),
        async (lease) => {
          const got = await this.holdingLock(name, state, need, lease);
          handOut?.(got);
          await state.saving;
          return got;
        },
      );
      locked.catch(() => undefined); // reported below, or (after the hand-out) by the next call
      const record = await Promise.race([known, locked]);
      state.refreshing = false;
      health.emit(name, state);
      return record;
    } catch (err) {
      state.refreshing = false;
      const error = asTokenTrayError(err);
      await health.recordFailure(name, state, error);
      throw error;
    }
  }

  private async holdingLock(
    name: string,
    state: AccountState,
    need: Need,
    lease: LockLease,
  ): Promise<AccessTokenRecord> {
    const { sync, health, custody, clock } = this.parts;
    const { account } = this.parts.usable(name);
    // A rotated set the keychain refused earlier: save it before anything is presented again,
    // and judge it, not the older set, by the need. Refreshing past it would only make one more
    // token that lives in memory alone.
    if (state.unsaved !== undefined) {
      await custody.retryUnsaved(name, state);
      const held = state.unsaved?.record ?? state.record;
      if (!need(held, clock.now())) return held as AccessTokenRecord;
    }
    // Another process may have refreshed while we waited for the lock: its token is ours. The
    // ledger says so without reading a secret; only then is the keychain read again. Under the
    // lock only this process writes the ledger, so the entry read here serves the move below.
    let entry = sync.entry(account);
    if (state.unsaved === undefined && sync.movedOn(account, state, entry)) {
      await sync.load(name, state, false);
      entry = sync.entry(account);
    }
    if (!need(state.record, clock.now())) return state.record as AccessTokenRecord;
    const secret = account.clientAuth === 'none' ? undefined : await sync.clientSecret(name, state);
    const refreshToken = state.currentRefreshToken;
    if (account.grant !== 'client_credentials' && refreshToken === undefined) {
      throw await health.markSignInRequired(
        account,
        state,
        'No refresh token is stored for this account.',
      );
    }
    // Still ours? Checked before the ledger is marked too, so a process whose lock was taken
    // over while it waited above marks nothing over the new holder's entry.
    lease.assertHeld();
    // Before the token is presented, when the answer may rotate it: from here on, other
    // processes know their memory may be old.
    const marked = sync.marksBeforePresenting(account, entry);
    let generation = marked ? sync.advance(account, entry) : sync.reserve(account, entry);
    let outcome;
    try {
      outcome = await requestGrant(
        this.parts.client,
        account,
        secret,
        refreshToken,
        this.parts.retry,
        clock,
        // Still ours, before each try? A process that stood still past staleness (stopped, or a
        // machine asleep where nothing tells a running holder from a reused pid) may find the
        // lock taken over: the new holder may be presenting this very refresh token, and a
        // second presentation makes a rotating server revoke the whole grant.
        () => lease.assertHeld(),
      );
    } catch (err) {
      const error = asTokenTrayError(err);
      if (error.code === 'sign_in_required')
        throw await health.markSignInRequired(account, state, error.message, error);
      throw error;
    }
    const rotated = outcome.rotatedRefreshToken;
    if (rotated !== undefined && !marked) generation = sync.markRotated(account, entry);
    const tokens = {
      ...((rotated ?? refreshToken) === undefined ? {} : { refreshToken: rotated ?? refreshToken }),
      record: outcome.record,
    };
    // Unmarked, the refresh token stayed what memory's generation says: memory takes the new
    // access token at once under that generation, and the next one once the ledger has it.
    const label = state.generation;
    if (!marked && rotated === undefined) state.adopt(tokens, label);
    await custody.keep(account, state, tokens, rotated !== undefined, generation, () => {
      sync.settle(account, generation, outcome.record, rotated === undefined ? 'kept' : 'rotated');
      if (!marked && state.record === outcome.record && state.generation === label)
        state.generation = generation;
    });
    // The rotated token is saved: what can wait, waited until now.
    if (marked || rotated !== undefined) state.adopt(tokens, generation);
    await health.recovered(account);
    return outcome.record;
  }
}
