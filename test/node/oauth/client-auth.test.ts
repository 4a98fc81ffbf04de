import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clientSecretBasic, formUrlEncode } from '../../../main/node/oauth/token-response.js';

// RFC 6749 §2.3.1 with Appendix B: the Basic credentials are form-urlencoded, so unreserved
// characters stay, and everything else is escaped. Servers that do not decode them need that.

test('unreserved characters stay as they are; the rest is escaped, space as "+"', () => {
  assert.equal(formUrlEncode('my-client_1.0~x'), 'my-client_1.0~x');
  assert.equal(
    formUrlEncode('3f2c9a1e-8b7d-4c6a-9e5f-1a2b3c4d5e6f'),
    '3f2c9a1e-8b7d-4c6a-9e5f-1a2b3c4d5e6f',
  );
  assert.equal(formUrlEncode("a b:c/é!'()*%"), 'a+b%3Ac%2F%C3%A9%21%27%28%29%2A%25');
});

test('the Authorization header carries id:secret, so encoded, in base64', () => {
  const headers = new Headers();
  clientSecretBasic('s3cr:t')(
    { issuer: 'https://as.example' },
    { client_id: '123-abc.apps.googleusercontent.com' },
    new URLSearchParams(),
    headers,
  );
  const sent = Buffer.from((headers.get('authorization') ?? '').replace(/^Basic /, ''), 'base64');
  assert.equal(sent.toString(), '123-abc.apps.googleusercontent.com:s3cr%3At');
});
