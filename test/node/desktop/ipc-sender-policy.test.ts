import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isTrustedSender } from '../../../main/node/desktop/ipc-sender-policy.js';

const ACCOUNTS = 'file:///opt/TokenTray/resources/app.asar/dist/renderer/accounts/accounts.html';
const pages = new Set([ACCOUNTS]);
const ours = { isOurWindow: true, isTopFrame: true, frameUrl: ACCOUNTS };

describe('which senders the IPC gate answers', () => {
  test('our window, its top frame, our page (a query or fragment does not matter)', () => {
    assert.equal(isTrustedSender(ours, pages), true);
    assert.equal(isTrustedSender({ ...ours, frameUrl: `${ACCOUNTS}#add` }, pages), true);
    assert.equal(isTrustedSender({ ...ours, frameUrl: `${ACCOUNTS}?x=1` }, pages), true);
  });

  test('not another window, an iframe, a frame that is gone, or another page or origin', () => {
    assert.equal(isTrustedSender({ ...ours, isOurWindow: false }, pages), false);
    assert.equal(isTrustedSender({ ...ours, isTopFrame: false }, pages), false);
    assert.equal(isTrustedSender({ ...ours, frameUrl: undefined }, pages), false);
    for (const frameUrl of [
      'file:///tmp/evil.html',
      'file:///opt/TokenTray/resources/app.asar/dist/renderer/accounts/../../../evil.html',
      'file://remote-host/opt/TokenTray/resources/app.asar/dist/renderer/accounts/accounts.html',
      'https://evil.example/dist/renderer/accounts/accounts.html',
      'about:blank',
      '',
    ]) {
      assert.equal(isTrustedSender({ ...ours, frameUrl }, pages), false, frameUrl);
    }
  });
});
