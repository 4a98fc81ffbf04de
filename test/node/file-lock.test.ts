import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { isTokenTrayError } from '../../main/common/errors.js';
import { withFileLock } from '../../main/node/file-lock.js';
import { breakLock, inspect, isDead } from '../../main/node/lock-file.js';
import { selfIdentity } from '../../main/node/process-identity.js';
import { holdLock } from '../support/crash-helpers.js';
import { waitFor } from '../support/wait-for.js';

const tempHome = () => mkdtemp(join(tmpdir(), 'tokentray-lock-'));
/** Linux, with /proc telling this process's start time, boot and pid namespace. */
const pidSpaceKnown = [selfIdentity().start, selfIdentity().boot, selfIdentity().pidNs].every(
  (known) => known !== undefined,
);

// Reliability finding 1: a lock names its holder, so a dead holder's lock is taken over at once on
// this host, a lock nobody can vouch for only once it is stale, and a live holder's never.
// Side by side: each test has its own folder, and most of their time is spent waiting for a lock to
// go stale or for a waiter to give up, which need not be waited out one after another.
describe('file locks between processes', { concurrency: true }, () => {
  test('a lock records its holder’s pid and start time', async () => {
    const home = await tempHome();
    await withFileLock(join(home, 'locks', 'settings'), async () => {
      const claim = JSON.parse(await readFile(join(home, 'locks', 'settings.lock'), 'utf8')) as {
        holder: { pid: number; start?: number };
      };
      assert.equal(claim.holder.pid, process.pid);
      assert.equal(typeof claim.holder.start, 'number');
    });
  });

  test('a killed holder’s lock is taken over at once', async () => {
    const home = await tempHome();
    const holder = await holdLock(home, 'account-work');
    holder.child.kill('SIGKILL');
    await holder.exited;
    await assertTakenAtOnce(join(home, 'locks', 'account-work'));
  });

  test('a lock with no holder named (an older version’s) is taken over once stale', async () => {
    const home = await tempHome();
    await mkdir(join(home, 'locks', 'settings.lock'), { recursive: true });
    await assertTakenOnceStale(join(home, 'locks', 'settings'), 300);
  });

  test('an older version’s lock folder excludes us; one naming a dead holder is taken over at once', async () => {
    const home = await tempHome();
    const lock = join(home, 'locks', 'account-old');
    const holderFile = join(`${lock}.lock`, 'holder.json');
    await mkdir(`${lock}.lock`, { recursive: true });
    // A holder named inside, as older versions wrote it, on a host we cannot ask: honoured until
    // stale.
    await writeFile(
      holderFile,
      JSON.stringify({ holder: { ...selfIdentity(), host: 'elsewhere' }, nonce: 'older' }),
    );
    await assertTakenOnceStale(lock, 300);
    // A dead holder named inside: taken over at once, as a dead holder's lock file is.
    await mkdir(`${lock}.lock`, { recursive: true });
    await writeFile(holderFile, JSON.stringify({ holder: deadHolder(), nonce: 'older' }));
    await assertTakenAtOnce(lock);
  });

  test('a live holder keeps its lock, and the waiter is told who holds what', async () => {
    const home = await tempHome();
    const holder = await holdLock(home, 'settings', { staleMs: 400 });
    try {
      let ran = false;
      await assert.rejects(
        withFileLock(join(home, 'locks', 'settings'), async () => (ran = true), {
          staleMs: 400,
          waitMs: 0,
        }),
        (err) =>
          isTokenTrayError(err, 'lock_timeout') &&
          err.message.includes(`process ${holder.child.pid}`) &&
          err.message.includes('the settings file (config.json)'),
      );
      assert.equal(ran, false);
    } finally {
      holder.child.kill('SIGKILL');
    }
  });

  // CI once saw a waiter give up on a lock nobody was using. It had read one holder's claim, and
  // that holder released and exited before the waiter looked at the lock's age, which by then was
  // another, live process's lock: judged dead by the first one's death, it was moved aside, its
  // holder released it while it was away, and putting it back left a lock that nobody held.
  test('a lock judged dead is removed only if it is still the lock judged, never a live one made since', async () => {
    const home = await tempHome();
    const lock = join(home, 'locks', 'settings.lock');
    await mkdir(join(home, 'locks'), { recursive: true });
    await writeFile(lock, JSON.stringify({ holder: deadHolder(), nonce: 'dead' }));
    const judged = inspect(lock);
    assert.ok(judged !== undefined && isDead(judged), 'judged dead');

    // Another waiter removes the dead lock, and a live process takes the lock.
    await rm(lock);
    const holder = await holdLock(home, 'settings');
    try {
      const live = inspect(lock);
      assert.equal(breakLock(lock, judged, 20_000), false);
      assert.equal(inspect(lock)?.id, live?.id, 'the live lock is untouched');
      assert.equal(live?.claim?.holder.pid, holder.child.pid);
    } finally {
      holder.child.kill('SIGKILL');
    }
  });

  test('waiters take turns to remove a dead lock; a turn whose taker died is cleared', async () => {
    const home = await tempHome();
    const lock = join(home, 'locks', 'account-work.lock');
    const turn = `${lock}.break`;
    await mkdir(join(home, 'locks'), { recursive: true });
    await writeFile(lock, JSON.stringify({ holder: deadHolder(), nonce: 'dead' }));
    const judged = inspect(lock);
    assert.ok(judged !== undefined);

    // A live process's turn (this one's): the dead lock is left to it.
    await writeFile(turn, JSON.stringify({ holder: selfIdentity(), nonce: 'live turn' }));
    assert.equal(breakLock(lock, judged, 20_000), false);
    assert.equal(inspect(lock)?.id, judged.id, 'the dead lock is still there');

    // A dead process's turn: cleared, and then the dead lock is removed.
    await writeFile(turn, JSON.stringify({ holder: deadHolder(), nonce: 'dead turn' }));
    assert.equal(breakLock(lock, judged, 20_000), false);
    assert.equal(inspect(turn), undefined, 'the dead turn is cleared');
    assert.equal(breakLock(lock, judged, 20_000), true);
    assert.equal(inspect(lock), undefined);
    assert.equal(inspect(turn), undefined, 'a turn is given back');

    // Through the lock itself: a dead turn and a dead lock delay nobody.
    await writeFile(lock, JSON.stringify({ holder: deadHolder(), nonce: 'dead again' }));
    await writeFile(turn, JSON.stringify({ holder: deadHolder(), nonce: 'dead turn' }));
    await assertTakenAtOnce(join(home, 'locks', 'account-work'));
  });

  test('a lock that looks stale is taken over only once this waiter has watched it untouched', async () => {
    // A machine that wakes from sleep sees every lock's mtime as old at once, before any holder's
    // timer has touched its lock again: age alone is no sign that the holder is gone.
    const home = await tempHome();
    const lock = join(home, 'locks', 'settings.lock');
    await mkdir(lock, { recursive: true });
    const hourAgo = new Date(Date.now() - 3_600_000);
    await utimes(lock, hourAgo, hourAgo);
    const started = performance.now();
    await withFileLock(join(home, 'locks', 'settings'), async () => undefined, { staleMs: 400 });
    const waited = performance.now() - started;
    assert.ok(waited >= 200, `taken over after ${Math.round(waited)} ms of watching`);
  });

  test(
    'a running holder keeps its lock however long it goes untouched (stopped, or asleep)',
    { skip: !pidSpaceKnown && 'only Linux tells a running holder from a reused pid' },
    async () => {
      const home = await tempHome();
      const holder = await holdLock(home, 'account-work', { staleMs: 300 });
      const lock = join(home, 'locks', 'account-work.lock');
      try {
        holder.child.kill('SIGSTOP');
        await waitFor('the stopped holder’s lock to go stale', () => {
          const seen = inspect(lock);
          return seen !== undefined && seen.ageMs > 600;
        });
        let ran = false;
        await assert.rejects(
          withFileLock(join(home, 'locks', 'account-work'), async () => (ran = true), {
            staleMs: 300,
            waitMs: 0, // raised to staleMs + 5 s: past staleness, well past the watch
          }),
          (err) =>
            isTokenTrayError(err, 'lock_timeout') &&
            err.message.includes(`process ${holder.pid} holds account "work" and is stopped`) &&
            (err.hint ?? '').includes(`kill -CONT ${holder.pid}`),
        );
        assert.equal(ran, false, 'no second holder while the first one lives');
      } finally {
        holder.child.kill('SIGKILL');
      }
    },
  );

  test(
    'a holder that exited but was never reaped (a zombie) is dead: its lock is taken over at once',
    { skip: process.platform !== 'linux' && 'zombies are read from /proc' },
    async () => {
      const home = await tempHome();
      const holder = await holdLock(home, 'account-work', { parentNeverReaps: true });
      try {
        process.kill(holder.pid, 'SIGKILL');
        await waitFor('the holder to be a zombie', async () =>
          (await readFile(`/proc/${holder.pid}/stat`, 'utf8')).includes(') Z '),
        );
        await assertTakenAtOnce(join(home, 'locks', 'account-work'));
      } finally {
        holder.child.kill('SIGKILL');
      }
    },
  );
  test('a holder is told, when it asks, that its lock was taken over, and leaves the new holder’s', async () => {
    const home = await tempHome();
    const lock = join(home, 'locks', 'settings.lock');
    const other = { holder: { ...selfIdentity(), host: 'elsewhere' }, nonce: 'theirs' };
    await withFileLock(join(home, 'locks', 'settings'), async (lease) => {
      lease.assertHeld();
      await writeFile(lock, JSON.stringify(other));
      assert.throws(
        () => lease.assertHeld(),
        (err) => isTokenTrayError(err, 'lock_lost') && err.message.includes('settings file'),
      );
    });
    assert.deepEqual(JSON.parse(await readFile(lock, 'utf8')), other);
  });
  test('a lock whose mtime lies in the future is taken over once this waiter watched it for staleMs', async () => {
    // Another host's clock running an hour ahead, or this one set back: by mtime it never ages.
    const home = await tempHome();
    const lock = join(home, 'locks', 'settings.lock');
    await mkdir(join(home, 'locks'), { recursive: true });
    const elsewhere = { ...selfIdentity(), host: 'elsewhere' };
    await writeFile(lock, JSON.stringify({ holder: elsewhere, nonce: 'ahead' }));
    const hourAhead = new Date(Date.now() + 3_600_000);
    await utimes(lock, hourAhead, hourAhead);
    const started = performance.now();
    await withFileLock(join(home, 'locks', 'settings'), async () => undefined, { staleMs: 300 });
    const waited = performance.now() - started;
    assert.ok(waited >= 300 && waited < 3_000, `taken over after ${Math.round(waited)} ms`);
  });

  test(
    'a claim made before the last reboot is dead at once; one from another pid namespace waits for staleness',
    { skip: !pidSpaceKnown && 'no boot id or pid namespace here (Linux only)' },
    async () => {
      const home = await tempHome();
      const lock = join(home, 'locks', 'account-work.lock');
      await mkdir(join(home, 'locks'), { recursive: true });
      // Our very pid and start time, from another boot: whatever runs under that pid now, it is
      // not the holder.
      const earlierBoot = { ...selfIdentity(), boot: 'an-earlier-boot' };
      await writeFile(lock, JSON.stringify({ holder: earlierBoot, nonce: 'before reboot' }));
      await assertTakenAtOnce(join(home, 'locks', 'account-work'));
      // A pid of another namespace (a sandboxed app) names some other process here: neither its
      // absence nor its start time says anything.
      const sandboxed = { ...deadHolder(), pidNs: 'pid:[1]' };
      await writeFile(lock, JSON.stringify({ holder: sandboxed, nonce: 'sandboxed' }));
      await assertTakenOnceStale(join(home, 'locks', 'account-work'), 300);
    },
  );
});

/** Takes the lock as the next TokenTray process would, and fails if that took a wait. */
async function assertTakenAtOnce(lockPath: string): Promise<void> {
  const started = Date.now();
  assert.equal(await withFileLock(lockPath, async () => 'mine'), 'mine');
  assert.ok(Date.now() - started < 1_000, `waited ${Date.now() - started} ms`);
}

/**
 * Takes the lock with `staleMs`, and fails if that happened before the lock was stale: measured
 * from the lock's own mtime, since this process may have been busy before it began to wait.
 */
async function assertTakenOnceStale(lockPath: string, staleMs: number): Promise<void> {
  const touched = (await stat(`${lockPath}.lock`)).mtimeMs;
  await withFileLock(lockPath, async () => undefined, { staleMs });
  const age = Date.now() - touched;
  assert.ok(age >= staleMs, `taken over ${Math.round(age)} ms after its last touch`);
}

/** A holder on this host whose process has exited. */
function deadHolder() {
  return { ...selfIdentity(), pid: spawnSync(process.execPath, ['-e', '0']).pid };
}
