import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { TokenTrayError } from '../../../main/common/errors.js';
import { ClipboardGuard } from '../../../main/node/desktop/clipboard-guard.js';
import {
  blockedTrayView,
  STARTUP_RETRY_MS,
  StartupRecovery,
} from '../../../main/node/desktop/startup-recovery.js';
import { TrayController } from '../../../main/node/desktop/tray-controller.js';
import { loadKeytar } from '../../../main/node/keychain/keychain-backend.js';
import { addRotatingAccount, openEngine } from '../../support/engine-fixture.js';
import { KeychainOutage } from '../../support/keychain-outage.js';
import { startLocalProvider, type LocalProvider } from '../../support/local-provider.js';
import { ManualClock } from '../../support/manual-clock.js';
import { FakeClipboard } from './fake-clipboard.js';
import { FakeTray } from './fake-tray.js';

// The desktop app's start when the keychain is not there: the real engine, settings and keychain,
// with the keychain's absence injected at the keytar boundary as libsecret reports it.

const SERVICE = 'TokenTray-test-startup';

describe('startup without a keychain', () => {
  let provider: LocalProvider;
  before(async () => {
    provider = await startLocalProvider();
  });
  after(() => provider.close());

  async function setup() {
    const dataDir = await mkdtemp(join(tmpdir(), 'tokentray-startup-'));
    // The account was added while the keychain worked (yesterday, say).
    await addRotatingAccount(openEngine(dataDir, SERVICE), provider, 'work', { label: 'Work' });
    const outage = new KeychainOutage(await loadKeytar());
    const engine = openEngine(dataDir, SERVICE, { backend: async () => outage });
    const clock = new ManualClock();
    const tray = new FakeTray();
    const shown: string[] = [];
    const controller = new TrayController({
      tray,
      engine,
      configuredDefault: () => undefined,
      clipboard: new ClipboardGuard({
        clipboard: new FakeClipboard(),
        clock,
        clearAfterSeconds: () => 0,
      }),
      clock,
      platform: 'linux',
      canInstallCli: false,
      openAccounts: () => shown.push('accounts'),
      openSettings: () => shown.push('settings'),
      quit: () => shown.push('quit'),
      onCopyFailed: () => undefined,
    });
    const errors: TokenTrayError[] = [];
    let recovered = 0;
    const startup = new StartupRecovery({
      // As the app's start does: every account's tokens into memory, then the tray's first look.
      load: async () => {
        await engine.load();
        await controller.update();
      },
      clock,
      onBlocked: (error) => {
        errors.push(error);
        const view = blockedTrayView(error);
        tray.setState(view.state);
        tray.setToolTip(view.toolTip);
        tray.setMenu(view.menu);
        shown.push('accounts');
      },
      onRecovered: () => recovered++,
    });
    return { outage, clock, tray, shown, errors, startup, recovered: () => recovered };
  }

  test('the app stays up in the attention state, says why, and opens its window', async () => {
    const { startup, tray, shown, errors } = await setup();
    await startup.begin();
    assert.equal(startup.state.kind, 'blocked');
    assert.equal(errors[0]?.code, 'keychain_unavailable');
    assert.match(errors[0]?.hint ?? '', /dbus-run-session|Log in to a desktop session/);
    assert.equal(tray.state, 'attention');
    assert.match(tray.toolTip, /keychain is not available/);
    assert.deepEqual(tray.labels(), ['Open TokenTray', '---', 'Quit']);
    assert.deepEqual(shown, ['accounts']);
    startup.dispose();
  });

  test('once the keychain answers, the next retry brings everything back without a restart', async () => {
    const { startup, tray, outage, clock, recovered } = await setup();
    await startup.begin();
    clock.advance(STARTUP_RETRY_MS[0] ?? 0);
    await startup.settled();
    assert.equal(startup.state.kind === 'blocked' && startup.state.attempts, 2, 'still down');

    outage.down = false;
    clock.advance(STARTUP_RETRY_MS[1] ?? 0);
    await startup.settled();
    assert.equal(startup.state.kind, 'running');
    assert.equal(recovered(), 1);
    assert.equal(tray.state, 'fresh');
    assert.ok(
      tray.labels().some((label) => label.startsWith('Work')),
      tray.labels().join('|'),
    );
    assert.equal(clock.pendingTimers, 0, 'no retry left armed');
    startup.dispose();
  });

  test('an unlocked screen tries at once, without waiting for the timer', async () => {
    const { startup, outage, recovered } = await setup();
    await startup.begin();
    outage.down = false;
    await startup.retryNow();
    assert.equal(startup.state.kind, 'running');
    assert.equal(recovered(), 1);
    await startup.retryNow();
    assert.equal(recovered(), 1, 'nothing to retry once running');
  });

  test('the retries slow down to once a minute and stop with the app', async () => {
    const { startup, clock, errors } = await setup();
    await startup.begin();
    for (const delay of [...STARTUP_RETRY_MS, 60_000, 60_000]) {
      clock.advance(delay);
      await startup.settled();
    }
    assert.equal(errors.length, STARTUP_RETRY_MS.length + 3);
    startup.dispose();
    assert.equal(clock.pendingTimers, 0);
  });
});
