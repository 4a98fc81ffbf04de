import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffDelayMs, parseRetryAfter, retryDelayMs } from '../../main/common/backoff.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const NOW = Date.UTC(2025, 5, 15, 12, 0, 0);
const half = () => 0.5;

describe('backoffDelayMs', () => {
  it('draws from a window that doubles with each attempt, up to the cap', () => {
    const delays = [0, 1, 2, 3, 8, 9, 10].map((attempt) =>
      backoffDelayMs(attempt, { random: half }),
    );
    assert.deepEqual(delays, [500, 1_000, 2_000, 4_000, 128_000, 150_000, 150_000]);
  });

  it('spreads over the whole window: full jitter', () => {
    assert.equal(backoffDelayMs(3, { random: () => 0 }), 0);
    assert.equal(backoffDelayMs(3, { random: () => 0.999 }), 0.999 * 8_000);
    const samples = Array.from({ length: 2_000 }, () => backoffDelayMs(2));
    assert.ok(samples.every((d) => d >= 0 && d < 4_000));
    assert.ok(samples.some((d) => d < 1_000) && samples.some((d) => d > 3_000));
  });

  it('stays at the cap for any number of attempts', () => {
    assert.equal(backoffDelayMs(10_000, { random: half }), 150_000);
    assert.equal(backoffDelayMs(4, { baseMs: 100, capMs: 1_000, random: half }), 500);
  });
});

describe('parseRetryAfter', () => {
  it('reads delay-seconds', () => {
    assert.equal(parseRetryAfter('120', NOW), 120_000);
    assert.equal(parseRetryAfter(' 5 ', NOW), 5_000);
    assert.equal(parseRetryAfter('0', NOW), 0);
  });

  it('reads an IMF-fixdate as a delay from now, and a past date as no delay', () => {
    assert.equal(parseRetryAfter('Sun, 15 Jun 2025 12:00:30 GMT', NOW), 30_000);
    assert.equal(parseRetryAfter('Sun, 15 Jun 2025 11:00:00 GMT', NOW), 0);
  });

  it('reads the obsolete RFC 850 and asctime formats, both in GMT', () => {
    assert.equal(parseRetryAfter('Sunday, 15-Jun-25 12:01:00 GMT', NOW), MINUTE);
    assert.equal(parseRetryAfter('Sun Jun 15 13:00:00 2025', NOW), HOUR);
    assert.equal(parseRetryAfter('Tue Jul  1 12:00:00 2025', NOW), 16 * 24 * HOUR);
    // A two-digit year more than 50 years ahead is in the past century.
    assert.equal(parseRetryAfter('Sunday, 06-Nov-94 08:49:37 GMT', NOW), 0);
  });

  it('returns undefined for anything else', () => {
    for (const value of [null, undefined, '', 'soon', '-5', '1.5', '1e3', '0x10', '12 s']) {
      assert.equal(parseRetryAfter(value, NOW), undefined, String(value));
    }
    for (const date of [
      'Sun, 31 Feb 2025 12:00:00 GMT',
      'Sun, 15 Jun 2025 24:00:00 GMT',
      'Sun, 15 Foo 2025 12:00:00 GMT',
      'Sun, 15 Jun 2025 12:00:00 PST',
      '2025-06-15T12:00:30Z',
    ]) {
      assert.equal(parseRetryAfter(date, NOW), undefined, date);
    }
  });
});

describe('retryDelayMs', () => {
  it('uses the jittered backoff when there is no Retry-After', () => {
    assert.equal(retryDelayMs(2, undefined, { random: half }), 2_000);
  });

  it('never retries sooner than Retry-After says', () => {
    assert.equal(retryDelayMs(0, 30_000, { random: half }), 30_000);
    assert.equal(retryDelayMs(0, 0, { random: half }), 500);
  });

  it('keeps backing off when the backoff is longer than Retry-After', () => {
    assert.equal(retryDelayMs(10, 1_000, { random: () => 0.9 }), 270_000);
  });

  it('honours Retry-After only up to its ceiling', () => {
    assert.equal(retryDelayMs(0, 5 * HOUR, { random: half }), HOUR);
    assert.equal(
      retryDelayMs(0, 5 * HOUR, { random: half, maxRetryAfterMs: 10 * MINUTE }),
      10 * MINUTE,
    );
    const absurd = parseRetryAfter('9'.repeat(400), NOW);
    assert.equal(retryDelayMs(0, absurd, { random: half }), HOUR);
  });
});
