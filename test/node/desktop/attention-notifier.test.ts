import { engineParts } from '../../../main/node/engine/token-engine.js';
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  AttentionNotifier,
  DEFAULT_ATTENTION_POLICY,
} from '../../../main/node/desktop/attention-notifier.js';
import { addRotatingAccount, openEngine } from '../../support/engine-fixture.js';
import { startLocalProvider, type LocalProvider } from '../../support/local-provider.js';
import { ManualClock } from '../../support/manual-clock.js';
import { FakeNotifier } from './fake-notifier.js';
import { report } from './report.js';

const MINUTE = 60_000;

function setup() {
  const clock = new ManualClock();
  const notifier = new FakeNotifier();
  const attention = new AttentionNotifier(notifier, clock);
  return { clock, notifier, attention };
}

describe('attention notifications', () => {
  test('one notification when an account must sign in again, however often it is reported', () => {
    const { clock, notifier, attention } = setup();
    for (let i = 0; i < 20; i++) {
      attention.observe(
        report('work', 'sign-in-required', { label: 'Work', message: 'The grant was revoked.' }),
      );
      clock.advance(10 * MINUTE);
    }
    assert.equal(notifier.shown.length, 1);
    assert.deepEqual(notifier.shown[0], {
      title: 'Sign in again: Work',
      body: "TokenTray can no longer refresh this account's token. The grant was revoked. Open TokenTray to sign in again.",
      accounts: ['work'],
    });
  });

  test('after it recovers, the next time it needs sign-in is news again', () => {
    const { clock, notifier, attention } = setup();
    attention.observe(report('work', 'sign-in-required'));
    attention.observe(report('work', 'fresh'));
    clock.advance(2 * MINUTE);
    attention.observe(report('work', 'sign-in-required'));
    assert.equal(notifier.shown.length, 2);
  });

  test('refresh failures notify only after 3 in a row over 2 minutes, and only once', () => {
    const { clock, notifier, attention } = setup();
    const fail = () =>
      attention.observe(report('api', 'error', { message: 'The server did not answer.' }));
    fail();
    clock.advance(5_000);
    fail();
    clock.advance(10_000);
    fail();
    assert.equal(notifier.shown.length, 0, 'three quick failures: a blip, not news');
    clock.advance(2 * MINUTE);
    attention.observe(report('api', 'refreshing'));
    fail();
    assert.equal(notifier.shown.length, 1);
    assert.equal(notifier.shown[0]?.title, 'Refresh keeps failing: api');
    assert.match(notifier.shown[0]?.body ?? '', /The server did not answer\./);
    for (let i = 0; i < 10; i++) {
      clock.advance(5 * MINUTE);
      fail();
    }
    assert.equal(notifier.shown.length, 1, 'still failing is not news');
  });

  test('a success in between starts the count again', () => {
    const { clock, notifier, attention } = setup();
    for (let i = 0; i < 10; i++) {
      attention.observe(report('api', 'error'));
      clock.advance(MINUTE);
      attention.observe(report('api', 'error'));
      clock.advance(MINUTE);
      attention.observe(report('api', 'fresh'));
    }
    assert.equal(notifier.shown.length, 0);
  });

  test('many accounts failing at once: one notification, then one summary a minute later', () => {
    const { clock, notifier, attention } = setup();
    for (const name of ['a', 'b', 'c', 'd', 'e', 'f'])
      attention.observe(report(name, 'sign-in-required'));
    assert.equal(notifier.shown.length, 1);
    assert.deepEqual(notifier.shown[0]?.accounts, ['a']);
    clock.advance(DEFAULT_ATTENTION_POLICY.minIntervalMs - 1);
    assert.equal(notifier.shown.length, 1);
    clock.advance(1);
    assert.equal(notifier.shown.length, 2);
    const summary = notifier.shown[1];
    assert.equal(summary?.title, '5 accounts need attention');
    assert.deepEqual(summary?.accounts, ['b', 'c', 'd', 'e', 'f']);
    assert.match(summary?.body ?? '', /^b: sign in again\n.*\nand 1 more$/s);
    clock.advance(60 * MINUTE);
    assert.equal(notifier.shown.length, 2);
  });

  test('a queued notice is dropped when its account recovers or is removed before it is shown', () => {
    const { clock, notifier, attention } = setup();
    attention.observe(report('a', 'sign-in-required'));
    attention.observe(report('b', 'sign-in-required'));
    attention.observe(report('c', 'sign-in-required'));
    attention.observe(report('b', 'fresh'));
    attention.forget('c');
    clock.advance(MINUTE);
    assert.equal(notifier.shown.length, 1, 'nothing left to say');
  });

  test('a message is redacted before it reaches the screen', () => {
    const { notifier, attention } = setup();
    attention.observe(
      report('a', 'sign-in-required', { message: 'Server said: access_token=abcdefghijkl leaked' }),
    );
    assert.doesNotMatch(notifier.shown[0]?.body ?? '', /abcdefghijkl/);
  });
});

describe('attention notifications from the real engine', () => {
  let provider: LocalProvider;
  let dir: string;
  before(async () => {
    provider = await startLocalProvider();
    dir = await mkdtemp(join(tmpdir(), 'tokentray-attention-'));
  });
  after(() => provider.close());

  test('a grant revoked at the provider: one notification, however many attempts fail', async () => {
    const engine = openEngine(dir, 'TokenTray-test-attention');
    await addRotatingAccount(engine, provider, 'revoked');
    const current = await engineParts(engine).vault.get('revoked', 'refresh_token');
    await provider.revokeGrantOf(current ?? '');

    const notifier = new FakeNotifier();
    const attention = new AttentionNotifier(notifier, new ManualClock());
    engine.onStatus((r) => attention.observe(r));
    for (let i = 0; i < 3; i++) await engine.refresh('revoked').catch(() => undefined);

    assert.equal(notifier.shown.length, 1);
    assert.equal(notifier.shown[0]?.title, 'Sign in again: revoked');
    assert.equal((await engine.status('revoked')).status, 'sign-in-required');
  });
});
