import { engineParts } from '../../../main/node/engine/token-engine.js';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { SettingsWatch } from '../../../main/node/desktop/settings-watch.js';
import { openEngine } from '../../support/engine-fixture.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('settings watch', () => {
  test('hears another process change the settings file, once per burst, and nothing else', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tokentray-watch-'));
    const app = openEngine(dir, 'TokenTray-test-watch'); // creates the file
    let changes = 0;
    const watch = new SettingsWatch(dir, () => changes++, 500);
    watch.start();
    try {
      await writeFile(join(dir, 'unrelated.json'), '{}');
      await sleep(800);
      assert.equal(changes, 0);

      const cli = openEngine(dir, 'TokenTray-test-watch');
      await engineParts(cli).settings.mutate((data) => (data.options.clipboardClearSeconds = 30));
      await engineParts(cli).settings.mutate((data) => (data.options.clipboardClearSeconds = 45));
      for (let i = 0; i < 60 && changes === 0; i++) await sleep(50);
      await sleep(800);
      assert.equal(changes, 1);
      assert.equal(engineParts(app).settings.options().clipboardClearSeconds, 45);
    } finally {
      watch.stop();
    }
  });
});
