import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { TokenTrayError } from '../../../main/common/errors.js';
import { ClipboardGuard } from '../../../main/node/desktop/clipboard-guard.js';
import { FEEDBACK_MS, TrayController } from '../../../main/node/desktop/tray-controller.js';
import { engineParts, type TokenEngine } from '../../../main/node/engine/token-engine.js';
import { addRotatingAccount, openEngine } from '../../support/engine-fixture.js';
import { isActive } from '../../support/introspect.js';
import { startLocalProvider, type LocalProvider } from '../../support/local-provider.js';
import { ManualClock } from '../../support/manual-clock.js';
import { FakeClipboard } from './fake-clipboard.js';
import { FakeTray } from './fake-tray.js';

const SERVICE = 'TokenTray-test-tray';
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('tray controller, with the real engine and provider', () => {
  let provider: LocalProvider;
  before(async () => {
    provider = await startLocalProvider();
  });
  after(() => provider.close());

  const add = async (engine: TokenEngine, name: string, label = name) => {
    await addRotatingAccount(engine, provider, name, { label });
  };

  async function setup(platform: NodeJS.Platform = 'darwin', engine?: TokenEngine) {
    engine ??= openEngine(await mkdtemp(join(tmpdir(), 'tokentray-tray-')), SERVICE);
    const clock = new ManualClock();
    const clipboard = new FakeClipboard();
    const tray = new FakeTray();
    const opened: string[] = [];
    const failures: TokenTrayError[] = [];
    const guard = new ClipboardGuard({
      clipboard,
      clock,
      clearAfterSeconds: () => engineParts(engine).settings.options().clipboardClearSeconds,
    });
    const controller = new TrayController({
      tray,
      engine,
      configuredDefault: () => engineParts(engine).settings.read().defaultAccount,
      clipboard: guard,
      clock,
      platform,
      canInstallCli: false,
      openAccounts: () => opened.push('accounts'),
      openSettings: () => opened.push('settings'),
      quit: () => opened.push('quit'),
      onCopyFailed: (error) => failures.push(error),
    });
    return { engine, clock, clipboard, tray, opened, failures, controller };
  }

  test('a click copies a fresh token of the default account, says so, and clears it after a minute', async () => {
    const { engine, clock, clipboard, tray, controller } = await setup();
    await add(engine, 'work', 'Work');
    await controller.update();
    assert.equal(tray.state, 'fresh');
    assert.equal(tray.toolTip, 'TokenTray: token fresh');

    await controller.click();
    const stored = await engineParts(engine).vault.getAccessToken('work');
    assert.equal(clipboard.text, stored?.accessToken);
    assert.ok(await isActive(provider, clipboard.text), 'the provider accepts it');
    assert.equal(clipboard.concealed, true);
    assert.equal(tray.toolTip, 'Copied Work: clears in 60 s');
    assert.equal(tray.title, 'Copied');

    clock.advance(FEEDBACK_MS);
    assert.equal(tray.title, '');
    assert.equal(tray.toolTip, 'TokenTray: token fresh');
    clock.advance(60_000 - FEEDBACK_MS);
    await settle();
    assert.equal(clipboard.text, '');
  });

  test('a click on an expired token refreshes it first', async () => {
    const first = await setup();
    await add(first.engine, 'old');
    const expired = await engineParts(first.engine).vault.getAccessToken('old');
    assert.ok(expired);
    await engineParts(first.engine).vault.setAccessToken('old', {
      ...expired,
      expiresAt: Date.now() - 1000,
    });
    // Another process's view: nothing remembered in memory.
    const { clipboard, controller } = await setup(
      'darwin',
      openEngine(engineParts(first.engine).settings.dataDir, SERVICE),
    );
    await controller.update();
    await controller.click();
    assert.notEqual(clipboard.text, expired.accessToken);
    assert.ok(await isActive(provider, clipboard.text));
  });

  test('with no account a click opens the accounts window', async () => {
    const { opened, clipboard, controller, tray } = await setup();
    await controller.update();
    await controller.click();
    assert.deepEqual(opened, ['accounts']);
    assert.equal(clipboard.text, '');
    assert.deepEqual(tray.labels().slice(0, 2), ['No accounts yet', 'Add an Account…']);
  });

  test('the menu lists every account; choosing one copies its token', async () => {
    const { engine, clipboard, controller, tray, opened } = await setup();
    await add(engine, 'work', 'Work');
    await add(engine, 'gh', 'GitHub');
    await controller.update();
    assert.deepEqual(tray.labels().slice(0, 3), ['Copy a token', 'GitHub', 'Work (default)']);
    await controller.perform(tray.action('GitHub'));
    assert.equal(
      clipboard.text,
      (await engineParts(engine).vault.getAccessToken('gh'))?.accessToken,
    );
    await controller.perform(tray.action('Settings…'));
    await controller.perform(tray.action('Open TokenTray'));
    assert.deepEqual(opened, ['settings', 'accounts']);
  });

  test('on Linux the first menu item copies the default account', async () => {
    const { engine, clipboard, controller, tray } = await setup('linux');
    await add(engine, 'work', 'Work');
    await controller.update();
    assert.equal(tray.labels()[0], 'Copy token: Work');
    await controller.perform(tray.action('Copy token: Work'));
    assert.equal(
      clipboard.text,
      (await engineParts(engine).vault.getAccessToken('work'))?.accessToken,
    );
  });

  test('a grant revoked at the provider turns the icon to attention; a click then reports, copies nothing', async () => {
    const { engine, clipboard, controller, tray, failures, opened } = await setup();
    await add(engine, 'work', 'Work');
    await provider.revokeGrantOf(
      (await engineParts(engine).vault.get('work', 'refresh_token')) ?? '',
    );
    await engine.refresh('work').catch(() => undefined);
    await controller.update();
    assert.equal(tray.state, 'attention');
    assert.equal(tray.toolTip, 'TokenTray: needs attention: Work (sign in again)');
    assert.deepEqual(tray.action('Work (default): sign in again…'), { kind: 'open-accounts' });

    await controller.click();
    assert.equal(failures.length, 1);
    assert.equal(failures[0]?.code, 'sign_in_required');
    assert.equal(tray.toolTip, 'Could not copy Work');
    assert.equal(clipboard.text, '');
    assert.deepEqual(opened, []);
  });

  test('a copy from a window rejects with the reason, for the window to show', async () => {
    const { controller } = await setup();
    await controller.update();
    await assert.rejects(
      controller.copy('nobody'),
      (err: TokenTrayError) => err.code === 'no_such_account',
    );
  });
});
