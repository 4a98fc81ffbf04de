import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planRefreshAt } from '../../main/common/refresh-plan.js';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const T0 = Date.UTC(2025, 0, 1);

describe('planRefreshAt', () => {
  it('refreshes a long-lived token at 80% of its life', () => {
    assert.equal(planRefreshAt(T0, T0 + HOUR), T0 + 48 * MINUTE);
    assert.equal(planRefreshAt(T0, T0 + 24 * HOUR), T0 + 19.2 * HOUR);
  });

  it('refreshes 5 minutes before the end when that comes before the 80% point', () => {
    // 20 min: 80% is 16 min, 5 min before the end is 15 min.
    assert.equal(planRefreshAt(T0, T0 + 20 * MINUTE), T0 + 15 * MINUTE);
  });

  it('refreshes a token living no longer than the lead time at its 80% point', () => {
    assert.equal(planRefreshAt(T0, T0 + 5 * MINUTE), T0 + 4 * MINUTE);
    assert.equal(planRefreshAt(T0, T0 + 2 * MINUTE), T0 + 96 * SECOND);
    assert.equal(planRefreshAt(T0, T0 + 10 * SECOND), T0 + 8 * SECOND);
  });

  it('does not let the lead time pull a refresh before half the life', () => {
    // 5 min before the end would be 1 s after arrival: every new token would be refreshed at once.
    assert.equal(planRefreshAt(T0, T0 + 301 * SECOND), T0 + 150.5 * SECOND);
    assert.equal(planRefreshAt(T0, T0 + 6 * MINUTE), T0 + 3 * MINUTE);
  });

  it('refreshes at once a token that has expired or has no usable expiry', () => {
    assert.equal(planRefreshAt(T0, T0), T0);
    assert.equal(planRefreshAt(T0, T0 - HOUR), T0);
    assert.equal(planRefreshAt(T0, Number.NaN), T0);
  });

  it('plans within the token life, never before it was received', () => {
    for (let lifeMs = 1; lifeMs < 48 * HOUR; lifeMs = Math.ceil(lifeMs * 1.37)) {
      const at = planRefreshAt(T0, T0 + lifeMs);
      assert.ok(at >= T0 && at < T0 + lifeMs, `life ${lifeMs} ms planned at +${at - T0} ms`);
    }
  });

  it('takes its fraction and lead time from the options', () => {
    assert.equal(planRefreshAt(T0, T0 + HOUR, { fraction: 0.5 }), T0 + 30 * MINUTE);
    assert.equal(planRefreshAt(T0, T0 + HOUR, { leadMs: 20 * MINUTE }), T0 + 40 * MINUTE);
    assert.throws(() => planRefreshAt(T0, T0 + HOUR, { fraction: 0 }), RangeError);
    assert.throws(() => planRefreshAt(T0, T0 + HOUR, { leadMs: -1 }), RangeError);
  });
});
