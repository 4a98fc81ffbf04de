import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ClipboardGuard } from '../../../main/node/desktop/clipboard-guard.js';
import {
  COPY_TOAST_GAP_MS,
  CopyFeedback,
  needsCopyToast,
  type ToastPort,
} from '../../../main/node/desktop/copy-feedback.js';
import { TrayController } from '../../../main/node/desktop/tray-controller.js';
import { addRotatingAccount, openEngine } from '../../support/engine-fixture.js';
import { startLocalProvider, type LocalProvider } from '../../support/local-provider.js';
import { ManualClock } from '../../support/manual-clock.js';
import { FakeClipboard } from './fake-clipboard.js';
import { FakeTray } from './fake-tray.js';

const SERVICE = 'TokenTray-test-feedback';

/** A fake of the desktop's notifications: keeps what it was asked to show. */
class FakeToasts implements ToastPort {
  shown: Array<{ title: string; body: string }> = [];
  show(title: string, body: string): void {
    this.shown.push({ title, body });
  }
}

describe('"Copied" on Linux', () => {
  test('a copy from the tray is confirmed by one quiet toast that says when it clears', () => {
    const clock = new ManualClock();
    const toasts = new FakeToasts();
    const feedback = new CopyFeedback(toasts, clock, () => 60);
    assert.equal(feedback.copied('Work'), true);
    assert.deepEqual(toasts.shown, [
      { title: 'Copied Work', body: 'The token leaves the clipboard in 60 s.' },
    ]);
  });

  test('ten clicks in a row make one toast, not ten; later copies get their own', () => {
    const clock = new ManualClock();
    const toasts = new FakeToasts();
    const feedback = new CopyFeedback(toasts, clock, () => 0);
    for (let i = 0; i < 10; i++) {
      feedback.copied('Work');
      clock.advance(500);
    }
    assert.equal(toasts.shown.length, 1);
    assert.equal(feedback.suppressed, 9);
    clock.advance(COPY_TOAST_GAP_MS);
    feedback.copied('Home');
    assert.deepEqual(toasts.shown.at(-1), {
      title: 'Copied Home',
      body: 'The token is on the clipboard.',
    });
  });

  test('only Linux needs it: macOS has the menu-bar title, Windows the tooltip', () => {
    assert.equal(needsCopyToast('linux'), true);
    assert.equal(needsCopyToast('darwin'), false);
    assert.equal(needsCopyToast('win32'), false);
  });
});

describe('the tray controller confirms tray copies only', () => {
  let provider: LocalProvider;
  before(async () => {
    provider = await startLocalProvider();
  });
  after(() => provider.close());

  test('a copy from the tray is announced; one from the window (which says so itself) is not', async () => {
    const engine = openEngine(await mkdtemp(join(tmpdir(), 'tokentray-feedback-')), SERVICE);
    await addRotatingAccount(engine, provider, 'work', { label: 'Work' });
    const clock = new ManualClock();
    const toasts = new FakeToasts();
    const feedback = new CopyFeedback(toasts, clock, () => 60);
    const failed: string[] = [];
    const controller = new TrayController({
      tray: new FakeTray(),
      engine,
      configuredDefault: () => undefined,
      clipboard: new ClipboardGuard({
        clipboard: new FakeClipboard(),
        clock,
        clearAfterSeconds: () => 60,
      }),
      clock,
      platform: 'linux',
      canInstallCli: false,
      openAccounts: () => undefined,
      openSettings: () => undefined,
      quit: () => undefined,
      onCopyFailed: (_error, label) => failed.push(label),
      onTrayCopied: (label) => feedback.copied(label),
    });
    await controller.update();
    await controller.perform({ kind: 'copy', name: 'work' });
    assert.deepEqual(
      toasts.shown.map((t) => t.title),
      ['Copied Work'],
    );
    clock.advance(COPY_TOAST_GAP_MS);
    await controller.copy('work'); // the window's Copy button
    assert.equal(toasts.shown.length, 1);
    await controller.perform({ kind: 'copy', name: 'gone' });
    assert.equal(toasts.shown.length, 1, 'a failed copy is not confirmed');
    assert.deepEqual(failed, ['gone']);
    controller.dispose();
  });
});
