import { engineParts } from '../../../main/node/engine/token-engine.js';
import assert from 'node:assert/strict';
import { watch } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { SettingsWatch } from '../../../main/node/desktop/settings-watch.js';
import { openEngine } from '../../support/engine-fixture.js';
import { testService } from '../../support/keychain-inspect.js';
import { ManualClock } from '../../support/manual-clock.js';
import { waitFor } from '../../support/wait-for.js';

const SERVICE = testService(import.meta.url);
const DEBOUNCE_MS = 500;

describe('settings watch', () => {
  test('hears another process change the settings file, once per burst, and nothing else', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tokentray-watch-'));
    const app = openEngine(dir, SERVICE); // creates the file
    const clock = new ManualClock();
    let changes = 0;
    const watch = new SettingsWatch(dir, () => changes++, DEBOUNCE_MS, clock);
    watch.start();
    // A second watch on the folder, started after it: once this one has heard of a file, the
    // settings watch has been told too (the OS delivers a folder's events in order, to both).
    const heard: string[] = [];
    const probe = watchFolder(dir, heard);
    const delivered = async (marker: string) => {
      await writeFile(join(dir, marker), '{}');
      await waitFor(`the folder watch to hear of ${marker}`, () => heard.includes(marker));
    };
    try {
      await delivered('unrelated.json');
      assert.equal(clock.pendingTimers, 0, 'another file in the folder is not a settings change');
      assert.equal(changes, 0);

      const cli = openEngine(dir, SERVICE);
      await engineParts(cli).settings.mutate((data) => (data.options.clipboardClearSeconds = 30));
      await engineParts(cli).settings.mutate((data) => (data.options.clipboardClearSeconds = 45));
      await delivered('after-the-burst.json');
      assert.equal(clock.pendingTimers, 1, 'the burst armed one debounce timer');
      assert.equal(changes, 0, 'nothing is reported before the burst is over');
      clock.advance(DEBOUNCE_MS);
      assert.equal(changes, 1, 'the burst is reported once');
      assert.equal(clock.pendingTimers, 0);
      assert.equal(engineParts(app).settings.options().clipboardClearSeconds, 45);
    } finally {
      probe.close();
      watch.stop();
    }
  });
});

function watchFolder(dir: string, heard: string[]) {
  return watch(dir, { persistent: false }, (_event, filename) => {
    if (filename !== null) heard.push(filename);
  });
}
