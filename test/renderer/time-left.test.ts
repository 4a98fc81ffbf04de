import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expiryText, formatTimeLeft } from '../../renderer/shared/time-left.js';

test('time left reads m:ss under an hour and h:mm from an hour on', () => {
  assert.equal(formatTimeLeft(0), '0:00');
  assert.equal(formatTimeLeft(59_999), '0:59');
  assert.equal(formatTimeLeft(61_000), '1:01');
  assert.equal(formatTimeLeft(3_599_999), '59:59');
  assert.equal(formatTimeLeft(3_600_000), '1:00 h');
  assert.equal(formatTimeLeft((2 * 3600 + 5 * 60 + 59) * 1000), '2:05 h');
  assert.equal(formatTimeLeft(-5_000), '0:00');
});

test('expiry text says when there is no token, and when it has expired', () => {
  const now = Date.parse('2030-01-01T00:00:00Z');
  assert.equal(expiryText(null, now), 'No token yet');
  assert.equal(expiryText('2029-12-31T23:59:59Z', now), 'Expired');
  assert.equal(expiryText('2030-01-01T00:02:00Z', now), 'Expires in 2:00');
});
