import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  COPY_TOAST_GAP_MS,
  CopyFeedback,
  needsCopyToast,
  type ToastPort,
} from '../../../main/node/desktop/copy-feedback.js';
import { ManualClock } from '../../support/manual-clock.js';

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
