import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isTokenTrayError, type ErrorCode } from '../../../main/common/errors.js';
import { formatError } from '../../../main/common/redact.js';
import { checkEndpointUrl } from '../../../main/node/oauth/endpoint-policy.js';

function refused(raw: string, code: ErrorCode): string {
  let rendered = '';
  assert.throws(
    () => checkEndpointUrl(raw, 'token endpoint'),
    (err: unknown) => {
      assert.ok(isTokenTrayError(err), `expected a TokenTrayError for ${raw}`);
      assert.equal(err.code, code, `code for ${raw}`);
      rendered = formatError(err);
      return true;
    },
    `${raw} should be refused`,
  );
  return rendered;
}

describe('checkEndpointUrl', () => {
  it('accepts https anywhere', () => {
    for (const raw of [
      'https://oauth2.googleapis.com/token',
      'https://10.0.0.1:8443/oauth/token',
      'https://login.example.com/tenant/oauth2/v2.0/token?x=1',
    ]) {
      assert.equal(checkEndpointUrl(raw, 'token endpoint').href, new URL(raw).href);
    }
  });

  it('accepts plain http on loopback IP literals only', () => {
    for (const raw of [
      'http://127.0.0.1:8080/token',
      'http://127.5.6.7/token',
      'http://[::1]:9000/token',
    ]) {
      assert.equal(checkEndpointUrl(raw, 'token endpoint').protocol, 'http:', raw);
    }
  });

  it('refuses plain http elsewhere, saying to use https', () => {
    for (const raw of [
      'http://example.com/token',
      'http://10.0.0.1/token',
      'http://0.0.0.0:8080/token',
      'http://128.0.0.1/token',
      'http://127.0.0.1.nip.io/token',
      'http://localhost.example.com/token',
      // A name, even one meant for loopback, may be sent to DNS (RFC 8252 §8.3).
      'http://localhost/token',
      'http://LOCALHOST:3000/token',
      'http://auth.localhost/token',
      'http://[::2]/token',
      'ftp://127.0.0.1/token',
    ]) {
      const text = refused(raw, 'insecure_endpoint');
      assert.match(text, /https/, `hint for ${raw}`);
    }
  });

  it('refuses a user name or password in the URL, without repeating them', () => {
    for (const raw of [
      'https://alice:s3cr3t-pa55@auth.example.com/token',
      'http://alice:s3cr3t-pa55@127.0.0.1/token',
      'https://alice@auth.example.com/token',
    ]) {
      const text = refused(raw, 'invalid_input');
      assert.ok(!text.includes('s3cr3t-pa55'), text);
      assert.ok(!text.includes('alice'), text);
    }
  });

  it('refuses a fragment', () => {
    refused('https://auth.example.com/token#frag', 'invalid_input');
  });

  it('refuses what is not a URL as invalid input', () => {
    for (const raw of ['', 'not a url', 'auth.example.com/token', '://x', 'https://']) {
      refused(raw, 'invalid_input');
    }
  });
});
