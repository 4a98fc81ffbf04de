import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { AccountStatus } from '../../../main/common/account.js';
import { RefreshTriggers } from '../../../main/node/desktop/refresh-triggers.js';
import { removeAccount } from '../../../main/node/engine/account-registry.js';
import { BackgroundRefresher } from '../../../main/node/engine/background-refresher.js';
import { engineParts, type TokenEngine } from '../../../main/node/engine/token-engine.js';
import { TokenClient } from '../../../main/node/oauth/token-client.js';
import { addRotatingAccount, openEngine } from '../../support/engine-fixture.js';
import { startLocalProvider, type LocalProvider } from '../../support/local-provider.js';
import { ManualClock } from '../../support/manual-clock.js';
import { within } from '../../support/wait-for.js';

const SERVICE = 'TokenTray-test-triggers';
const HOUR = 3_600_000;

/** Resolves when the engine reports `status` for `name`; fails, naming it, after 10 s. */
function whenStatus(engine: TokenEngine, name: string, status: AccountStatus): Promise<void> {
  return within(
    `"${name}" to become ${status}`,
    new Promise((resolve) => {
      const stop = engine.onStatus((r) => {
        if (r.name === name && r.status === status) {
          stop();
          resolve();
        }
      });
    }),
  );
}

describe('refresh triggers: sleep, network, and accounts changed by the CLI', () => {
  let provider: LocalProvider;
  before(async () => {
    provider = await startLocalProvider();
  });
  after(() => provider.close());

  /** An engine on a simulated clock, as one app process. */
  async function setup(dir?: string) {
    dir ??= await mkdtemp(join(tmpdir(), 'tokentray-triggers-'));
    const clock = new ManualClock(Date.now());
    const engine = openEngine(dir, SERVICE, {
      clock,
      client: new TokenClient({ now: () => clock.now() }),
      retry: { retries: 0, baseMs: 1, capMs: 1, maxWaitMs: 1 },
    });
    const refresher = new BackgroundRefresher(engine);
    return { dir, clock, engine, refresher, triggers: new RefreshTriggers(engine, refresher) };
  }

  const add = async (engine: TokenEngine, name: string) => {
    await addRotatingAccount(engine, provider, name);
  };

  test('a token that expired while the machine slept is refreshed at once on wake', async () => {
    const { clock, engine, refresher, triggers } = await setup();
    await add(engine, 'sleepy');
    await refresher.start();
    const before = await engineParts(engine).vault.getAccessToken('sleepy');
    assert.ok(before);

    // Two hours asleep: the wall clock moved, the timers did not count it.
    clock.set(clock.now() + 2 * HOUR);
    provider.resetCounts();
    clock.advance(0);
    assert.equal(provider.counts().total, 0, 'without a re-plan the timer still waits');

    const fresh = whenStatus(engine, 'sleepy', 'fresh');
    triggers.woke();
    clock.advance(0);
    await fresh;
    const after = await engineParts(engine).vault.getAccessToken('sleepy');
    assert.equal(provider.counts().success, 1);
    assert.ok(
      after !== undefined && after.expiresAt > clock.now() && after.issuedAt > before.expiresAt,
    );
    refresher.stop();
  });

  test('when the network comes back, a refresh that failed offline runs at once, not after its backoff', async () => {
    const { clock, engine, refresher, triggers } = await setup();
    await add(engine, 'roamer');
    await refresher.start();
    // Offline: every request's connection drops before the server sees it. Not by pointing the
    // account at another endpoint: its secrets are bound to this one and would not be sent there.
    provider.loseTokenAnswers(Number.MAX_SAFE_INTEGER, 'before');

    const failed = whenStatus(engine, 'roamer', 'error');
    clock.set(clock.now() + 2 * HOUR);
    triggers.woke();
    clock.advance(0);
    await failed;
    await new Promise((resolve) => setImmediate(resolve));
    const retryAt = refresher.dueAt('roamer');
    assert.ok(retryAt !== undefined && retryAt > clock.now(), 'a backoff retry is pending');

    provider.loseTokenAnswers(0, 'before');
    provider.resetCounts();
    const fresh = whenStatus(engine, 'roamer', 'fresh');
    await triggers.networkBack();
    clock.advance(0);
    await fresh;
    assert.equal(provider.counts().success, 1);
    refresher.stop();
  });

  test('accounts the CLI adds or removes while the app runs are scheduled and dropped', async () => {
    const { dir, refresher, triggers } = await setup();
    await refresher.start();
    const cli = openEngine(dir, SERVICE); // another process on the same folder
    await add(cli, 'late');
    const added = await triggers.settingsChanged();
    assert.deepEqual(added, { added: ['late'], removed: [], changed: [] });
    assert.notEqual(refresher.dueAt('late'), undefined, 'now on the schedule');

    assert.deepEqual(await triggers.settingsChanged(), { added: [], removed: [], changed: [] });

    await removeAccount(cli, 'late', { revoke: false });
    const removed = await triggers.settingsChanged();
    assert.deepEqual(removed, { added: [], removed: ['late'], changed: [] });
    assert.equal(refresher.dueAt('late'), undefined);

    await add(cli, 'marked');
    await triggers.settingsChanged();
    await engineParts(cli).settings.patchAccount('marked', (a) => {
      a.signInRequired = { since: new Date().toISOString(), reason: 'revoked' };
    });
    assert.deepEqual((await triggers.settingsChanged()).changed, ['marked']);
    assert.equal(refresher.dueAt('marked'), undefined, 'a dead grant is not refreshed');
    refresher.stop();
  });
});
