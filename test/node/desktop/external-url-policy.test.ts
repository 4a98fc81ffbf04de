import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isTokenTrayError } from '../../../main/common/errors.js';
import { checkExternalUrl } from '../../../main/node/desktop/external-url-policy.js';

describe('which URLs the app opens in the browser', () => {
  test('https sign-in pages open', () => {
    const url =
      'https://login.microsoftonline.com/common/oauth2/v2.0/authorize?client_id=x&code_challenge=y';
    assert.equal(checkExternalUrl(url), url);
  });

  test('plain http only on loopback IP literals, for development and test providers', () => {
    for (const url of ['http://127.0.0.1:8080/auth', 'http://[::1]:9/auth']) {
      assert.equal(checkExternalUrl(url), url);
    }
    // The same rule as for token endpoints: a name may be resolved by DNS (RFC 8252 §8.3).
    assert.throws(
      () => checkExternalUrl('http://localhost/a'),
      (err) => isTokenTrayError(err, 'insecure_endpoint'),
    );
    assert.throws(
      () => checkExternalUrl('http://login.example.com/auth'),
      (err) => isTokenTrayError(err, 'insecure_endpoint'),
    );
    assert.throws(() => checkExternalUrl('http://127.0.0.1.evil.example/'));
  });

  test('no other scheme, no credentials in the URL, nothing malformed', () => {
    for (const url of [
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://host/share',
      'ms-settings:privacy',
      'vscode://x',
      'data:text/html,hi',
    ]) {
      assert.throws(
        () => checkExternalUrl(url),
        (err) => isTokenTrayError(err),
        url,
      );
    }
    assert.throws(
      () => checkExternalUrl('https://user:pw@login.example.com/'),
      (err) => isTokenTrayError(err, 'invalid_input'),
    );
    assert.throws(
      () => checkExternalUrl('not a url'),
      (err) => isTokenTrayError(err, 'invalid_input'),
    );
    assert.throws(() => checkExternalUrl(`https://a.example/${'x'.repeat(20_000)}`));
  });
});
