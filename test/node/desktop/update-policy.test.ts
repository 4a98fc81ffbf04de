import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { packageKind, updatePolicy } from '../../../main/node/desktop/update-policy.js';

describe('updates per package', () => {
  test('the kind comes from what the package left behind', async () => {
    const resources = await mkdtemp(join(tmpdir(), 'tokentray-resources-'));
    const file = join(resources, 'package-type');
    const read = () => {
      try {
        return readFileSync(file, 'utf8');
      } catch {
        return undefined;
      }
    };
    assert.equal(packageKind('linux', {}, read), 'unpacked');
    await writeFile(file, 'deb\n'); // as electron-builder's FpmTarget writes it
    assert.equal(packageKind('linux', {}, read), 'deb');
    assert.equal(
      packageKind('linux', { APPIMAGE: '/home/u/TokenTray.AppImage' }, read),
      'AppImage',
    );
    assert.equal(packageKind('darwin', {}, read), 'mac');
    assert.equal(packageKind('win32', {}, read), 'nsis');
  });

  test('a deb only says an update exists: no root install of a file in a user-writable cache', () => {
    const deb = updatePolicy('deb');
    assert.deepEqual([deb.check, deb.install], [true, false]);
    assert.deepEqual(deb.notice?.('1.2.3'), {
      title: 'TokenTray 1.2.3 is available',
      body: 'Update it with your package manager (apt); TokenTray does not install system packages itself.',
    });
    for (const kind of ['rpm', 'pacman'] as const) assert.equal(updatePolicy(kind).install, false);
  });

  test('signed macOS and Windows builds and the user-owned AppImage install themselves', () => {
    for (const kind of ['mac', 'nsis', 'AppImage'] as const) {
      assert.deepEqual(updatePolicy(kind), { check: true, install: true }, kind);
    }
    assert.deepEqual(updatePolicy('unpacked'), { check: false, install: false });
  });
});
