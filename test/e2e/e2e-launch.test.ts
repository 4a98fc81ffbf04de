import assert from 'node:assert/strict';
import { sep } from 'node:path';
import { test } from 'node:test';
import { directLaunchArgs, packagedExecutable, ROOT, SANDBOX_ARGS } from './e2e-launch.js';

// The e2e suite's own launch rules, which decide whether it can pass on each runner at all.

test('the app path has no trailing separator (Windows shell quoting would eat the quote)', () => {
  assert.ok(!ROOT.endsWith(sep) && !ROOT.endsWith('/'), ROOT);
});

test('every launch the suite makes itself on Linux says --no-sandbox, as Playwright’s do', () => {
  const args = directLaunchArgs(['--background']);
  if (process.platform === 'linux') assert.equal(args[0], '--no-sandbox');
  else assert.deepEqual(SANDBOX_ARGS, []);
  assert.equal(args.at(-1), '--background');
});

test('the dist:e2e build is looked for where electron-builder --dir puts it', () => {
  assert.match(packagedExecutable('linux'), /release[\\/]e2e[\\/]linux-unpacked[\\/]tokentray$/);
  assert.match(packagedExecutable('win32'), /win-unpacked[\\/]TokenTray\.exe$/);
  assert.match(
    packagedExecutable('darwin'),
    /TokenTray\.app[\\/]Contents[\\/]MacOS[\\/]TokenTray$/,
  );
});
