import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import { uri } from '../../../main/node/settings/settings-formats.js';

// The settings file's `uri` check answers plain http(s) endpoints with a small pattern first; it
// must say what ajv-formats' RFC 3986 check says, for what it accepts and for what it refuses.
const rfc3986 = fullFormats.uri as (value: string) => boolean;

const endpoints = [
  'https://oauth2.googleapis.com/token',
  'https://login.microsoftonline.com/common/oauth2/v2.0/token',
  'https://github.com/login/oauth/access_token',
  'http://127.0.0.1:53121/oidc/token',
  'https://idp.example/realms/a-b_c~d/protocol/openid-connect/token?x=1&y=2/3',
  'https://accounts.example:8443/o/oauth2/revoke',
];
const odd = [
  '',
  'token',
  '/relative/path',
  'https://',
  'https://exa mple.com/token',
  'https://example.com/to ken',
  'https://example.com/%zz',
  'https://example.com/%41',
  'https://user:pw@example.com/token',
  'https://[::1]:8443/token',
  'https://example.com/token#frag',
  'https://example.com:port/token',
  'https://example.com/token\n',
  'https://example.com/ünïcode',
  'https://exämple.com/token',
  'https://example.com/"quoted"',
  'https://example.com/<x>',
  'urn:ietf:params:oauth:grant-type:device_code',
  'HTTPS://EXAMPLE.COM/TOKEN',
  'javascript:alert(1)',
  'https://example.com\\token',
  'https://example.com/a?b=c|d',
];

describe("the settings file's uri format", () => {
  it('accepts the endpoints TokenTray writes', () => {
    for (const value of endpoints) assert.equal(uri(value), true, value);
  });
  it('answers every string as ajv-formats does', () => {
    for (const value of [...endpoints, ...odd]) assert.equal(uri(value), rfc3986(value), value);
  });
});
