import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  ClipboardGuard,
  CONCEALED_MARKERS,
  concealedItem,
  missingMarkers,
} from '../../../main/node/desktop/clipboard-guard.js';
import { ManualClock } from '../../support/manual-clock.js';
import { FakeClipboard } from './fake-clipboard.js';

/** Lets the guard's promise chain (read, then clear) run after a timer fired. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

function setup(clearAfterSeconds = 60) {
  const clock = new ManualClock();
  const clipboard = new FakeClipboard();
  let seconds = clearAfterSeconds;
  const guard = new ClipboardGuard({ clipboard, clock, clearAfterSeconds: () => seconds });
  const pass = async (s: number) => {
    clock.advance(s * 1000);
    await settle();
  };
  return { clock, clipboard, guard, pass, setSeconds: (s: number) => (seconds = s) };
}

describe('clipboard guard', () => {
  test('the copy is concealed, and cleared once its time is up, not before', async () => {
    const { clipboard, guard, pass } = setup(60);
    assert.deepEqual(await guard.copy('token-1'), { clearsInSeconds: 60 });
    assert.equal(clipboard.text, 'token-1');
    assert.equal(clipboard.concealed, true);
    await pass(59);
    assert.equal(clipboard.text, 'token-1');
    await pass(1);
    assert.equal(clipboard.text, '');
    assert.equal(clipboard.clears, 1);
    assert.equal(guard.hasPendingClear, false);
  });

  test('what the user copied since is never erased', async () => {
    const { clipboard, guard, pass } = setup(60);
    await guard.copy('token-1');
    await pass(10);
    clipboard.userCopies('my notes');
    await pass(60);
    assert.equal(clipboard.text, 'my notes');
    assert.equal(clipboard.clears, 0);
  });

  test('a newer copy replaces the older one’s pending clear and starts its own time', async () => {
    const { clipboard, guard, pass } = setup(60);
    await guard.copy('token-1');
    await pass(30);
    await guard.copy('token-2');
    await pass(30); // the first copy's minute is up: token-2 stays
    assert.equal(clipboard.text, 'token-2');
    await pass(30);
    assert.equal(clipboard.text, '');
    assert.equal(clipboard.clears, 1, 'one clear, not one per copy');
  });

  test('copying the same token again restarts its time', async () => {
    const { clipboard, guard, pass } = setup(60);
    await guard.copy('token-1');
    await pass(50);
    await guard.copy('token-1');
    await pass(50);
    assert.equal(clipboard.text, 'token-1');
    await pass(10);
    assert.equal(clipboard.text, '');
  });

  test('0 seconds means never clear; the setting is read at each copy', async () => {
    const { clipboard, guard, pass, setSeconds } = setup(0);
    assert.deepEqual(await guard.copy('token-1'), { clearsInSeconds: undefined });
    await pass(3600);
    assert.equal(clipboard.text, 'token-1');
    setSeconds(5);
    await guard.copy('token-2');
    await pass(5);
    assert.equal(clipboard.text, '');
  });

  test('at quit a pending copy is cleared at once, but only if it is still there', async () => {
    const { clipboard, clock, guard } = setup(60);
    await guard.copy('token-1');
    await guard.flush();
    assert.equal(clipboard.text, '');
    assert.equal(clock.pendingTimers, 0);

    await guard.copy('token-2');
    clipboard.userCopies('mine');
    await guard.flush();
    assert.equal(clipboard.text, 'mine');
  });

  test('macOS marks the copy concealed with the nspasteboard.org type', () => {
    assert.deepEqual(Object.keys(CONCEALED_MARKERS.darwin ?? {}), [
      'org.nspasteboard.ConcealedType',
    ]);
  });

  test('every marker carries a payload: Windows may drop an empty format without a word', () => {
    for (const platform of ['darwin', 'win32', 'linux'] as const) {
      const markers = CONCEALED_MARKERS[platform] ?? {};
      assert.ok(Object.keys(markers).length > 0, platform);
      for (const [format, value] of Object.entries(markers)) {
        assert.ok(Buffer.byteLength(value) > 0, `${platform} ${format} is empty`);
      }
    }
    // The two Windows DWORDs say 0: "not in history", "not synced".
    assert.equal(CONCEALED_MARKERS.win32?.CanIncludeInClipboardHistory, '\0\0\0\0');
  });

  test('one item holds the text and the markers, as Electron names raw formats', () => {
    assert.deepEqual(concealedItem('darwin', 'tok'), {
      'text/plain': 'tok',
      'electron application/osclipboard;format="org.nspasteboard.ConcealedType"': '1',
    });
    assert.deepEqual(concealedItem('freebsd', 'tok'), { 'text/plain': 'tok' });
  });

  test('a marker the clipboard does not hold after the write is found by asking', async () => {
    const held = new Set(Object.keys(concealedItem('win32', 'tok')));
    held.delete('electron application/osclipboard;format="CanUploadToCloudClipboard"');
    const missing = await missingMarkers('win32', async (format) => held.has(format));
    assert.deepEqual(missing, ['CanUploadToCloudClipboard']);
    const failing = await missingMarkers('darwin', () => Promise.reject(new Error('no')));
    assert.deepEqual(failing, ['org.nspasteboard.ConcealedType']);
  });
});
