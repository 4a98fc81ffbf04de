import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { load } from 'js-yaml';
import { APP_ID } from '../../main/common/app-identity.js';
import { X11_SWITCH } from '../../main/node/desktop/wayland-policy.js';

// What the running app and the package must agree on.

const root = fileURLToPath(new URL('../..', import.meta.url));
const config = load(readFileSync(`${root}electron-builder.yml`, 'utf8')) as {
  appId: string;
  linux: { executableArgs?: string[] };
};

test('the AppUserModelID the app sets is the appId the installer gives its shortcut', () => {
  assert.equal(APP_ID, config.appId);
});

test('the keychain module loads keytar through require, never import()', () => {
  // Electron's ESM loader finding a native CommonJS module inside app.asar has regressed before.
  const source = readFileSync(`${root}main/node/keychain/keychain-backend.ts`, 'utf8');
  assert.doesNotMatch(source, /import\(\s*['"]keytar['"]\s*\)/);
  assert.match(source, /createRequire\(import\.meta\.url\)\('keytar'\)/);
});

test('Linux menu launches start under XWayland, where a tray copy reaches the clipboard', () => {
  assert.deepEqual(config.linux.executableArgs, [X11_SWITCH]);
});
