import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TokenTrayError } from '../../main/common/errors.js';
import {
  MAX_KNOWN_SECRETS,
  formatError,
  redact,
  registerSecret,
  serverText,
} from '../../main/common/redact.js';

// A JWT as servers return them: header.payload.signature, base64url.
const JWT =
  'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTQyIiwiZXhwIjoxOTAwMDAwMDAwfQ.c2lnbmF0dXJlLWJ5dGVzLWhlcmU';

describe('formatError', () => {
  it('scrubs every registered secret from the message and the hint', () => {
    const secret = 'rt-9f8e7d6c5b4a-registered';
    registerSecret(secret);
    const text = formatError(
      new TokenTrayError('invalid_client', `The server rejected ${secret} twice: ${secret}.`, {
        hint: `Do not paste ${secret} again.`,
      }),
    );
    assert.ok(!text.includes(secret), text);
    assert.match(text, /The server rejected \[redacted\] twice/);
    assert.match(text, /Do not paste \[redacted\] again/);
  });

  it('scrubs credentials it was never told about, by their shape', () => {
    const cases: Array<[string, string]> = [
      ['Authorization: Bearer ya29.a0AfH6SMBxyz-_~+/abc', 'ya29.a0AfH6SMBxyz'],
      ['sent "Authorization: DPoP Zm9vYmFyYmF6cXV4"', 'Zm9vYmFyYmF6cXV4'],
      ['grant_type=refresh_token&refresh_token=1//0gAbC-dEf_123&client_id=x', '1//0gAbC-dEf_123'],
      ['client_secret=GOCSPX-abcdef123&x=1', 'GOCSPX-abcdef123'],
      ['{"access_token":"ya29.secretvalue","token_type":"Bearer"}', 'ya29.secretvalue'],
      ['{"refresh_token" : "1//0gSpacedOut"}', '1//0gSpacedOut'],
      [`the server sent ${JWT} back`, JWT.split('.')[2] ?? JWT],
      [`the server sent ${JWT} back`, JWT.split('.')[1] ?? JWT],
    ];
    for (const [message, secret] of cases) {
      const text = formatError(new TokenTrayError('bad_response', message));
      assert.ok(
        !text.includes(secret),
        `${JSON.stringify(secret)} left in ${JSON.stringify(text)}`,
      );
      assert.match(text, /\[redacted\]/);
    }
  });

  it('keeps the labels and the rest of the text readable', () => {
    assert.equal(
      redact('grant_type=refresh_token&refresh_token=1//0gAbC&client_id=my-client'),
      'grant_type=refresh_token&refresh_token=[redacted]&client_id=my-client',
    );
    assert.equal(
      redact('{"access_token":"ya29.x","token_type":"Bearer","expires_in":3599}'),
      '{"access_token":"[redacted]","token_type":"Bearer","expires_in":3599}',
    );
    assert.equal(
      redact('Authorization: Bearer abcdefgh12345678'),
      'Authorization: Bearer [redacted]',
    );
  });

  it('replaces a JWT and a padded Basic credential with a clean [redacted]', () => {
    assert.equal(redact(`token ${JWT} is bad`), 'token [redacted] is bad');
    assert.equal(
      redact('Authorization: Basic dXNlcjpwYXNzd29yZA== sent'),
      'Authorization: Basic [redacted] sent',
    );
  });

  it('never shows the message of an error that is not a TokenTrayError', () => {
    const secret = 'leaked-in-a-library-error-7c1d';
    for (const err of [
      new Error(`request failed: body was {"access_token":"${secret}"}`),
      new TypeError(`cannot read ${secret}`),
      Object.assign(new Error(secret), { name: 'HTTPError' }),
    ]) {
      const text = formatError(err);
      assert.ok(!text.includes(secret), text);
      assert.match(text, new RegExp(`^Unexpected ${err.name}\\.`));
    }
    assert.equal(
      formatError(secret),
      'Unexpected string. Please report this with the steps that led to it.',
    );
    assert.match(formatError(undefined), /^Unexpected undefined\./);
  });

  it('never shows the cause of a TokenTrayError', () => {
    const secret = 'cause-secret-5e4d3c';
    const text = formatError(
      new TokenTrayError('keychain_unavailable', 'The OS keychain failed.', {
        cause: new Error(`libsecret said ${secret}`),
      }),
    );
    assert.equal(text, 'The OS keychain failed.');
  });
});

describe('serverText', () => {
  it('keeps the words, drops terminal escapes and hidden characters, and caps the length', () => {
    const secret = 'rt-echoed-back-by-the-server-42';
    registerSecret(secret);
    const text = serverText(
      `\u001b]0;title\u0007\u001b[31mbad\u001b[0m ${secret}\r\n\u202eevil\u200b ${'y'.repeat(1000)}`,
    );
    assert.ok(!text.includes(secret), text);
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(text, /[\u0000-\u001f\u007f-\u009f\u200b\u202e]/);
    assert.match(text, /^\]0;title \[31mbad \[0m \[redacted\] evil y+…$/);
    assert.equal(text.length, 200);
  });

  it('redacts a secret before cutting, so no part of one survives the cut', () => {
    const secret = 'a-long-registered-secret-value-0123456789';
    registerSecret(secret);
    const text = serverText(`${'z'.repeat(180)}${secret}`, 200);
    assert.ok(!text.includes(secret.slice(0, 10)), text);
  });

  it('formatError keeps line breaks but no other control character', () => {
    const text = formatError(
      new TokenTrayError('bad_response', 'said \u001b[2Jhi', { hint: 'next\u0007 step' }),
    );
    assert.equal(text, 'said  [2Jhi\nnext  step');
  });
});

describe('registerSecret over a long run', () => {
  it('scrubs the most recent secrets, and no longer walks every one it ever saw', () => {
    const early = 'an-early-token-seen-once-long-ago';
    const renewed = 'a-client-secret-used-at-every-refresh';
    registerSecret(early);
    registerSecret(renewed);
    // A year of refreshes later: far more access tokens than are kept.
    for (let i = 0; i < 2 * MAX_KNOWN_SECRETS; i++) {
      registerSecret(`access-token-number-${i}`);
      if (i % 100 === 0) registerSecret(renewed); // handled again, so kept
    }
    const last = `access-token-number-${2 * MAX_KNOWN_SECRETS - 1}`;
    assert.equal(redact(`a ${last} b`), 'a [redacted] b');
    assert.equal(redact(`a ${renewed} b`), 'a [redacted] b');
    // Evicted: only the set's bound makes this one come back; a JWT or labelled token still
    // goes by the patterns.
    assert.equal(redact(`a ${early} b`), `a ${early} b`);
    assert.equal(redact(`access_token=${early}`), 'access_token=[redacted]');
  });
});
