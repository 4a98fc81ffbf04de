import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { isTokenTrayError } from '../../main/common/errors.js';
import { withFileLock } from '../../main/node/file-lock.js';
import { selfIdentity } from '../../main/node/process-identity.js';
import { holdLock } from '../support/crash-helpers.js';

const tempHome = () => mkdtemp(join(tmpdir(), 'tokentray-lock-'));

// Reliability finding 1: a lock names its holder, so a dead holder's lock is taken over at once on
// this host, a lock nobody can vouch for only once it is stale, and a live holder's never.
describe('file locks between processes', () => {
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
    const started = Date.now();
    assert.equal(
      await withFileLock(join(home, 'locks', 'account-work'), async () => 'mine'),
      'mine',
    );
    assert.ok(Date.now() - started < 1_000, `waited ${Date.now() - started} ms`);
  });

  test('a lock with no holder named (an older version’s) is taken over once stale', async () => {
    const home = await tempHome();
    await mkdir(join(home, 'locks', 'settings.lock'), { recursive: true });
    const started = Date.now();
    await withFileLock(join(home, 'locks', 'settings'), async () => undefined, { staleMs: 300 });
    assert.ok(Date.now() - started >= 250, 'not before it was stale');
  });

  test('an older version’s lock folder excludes us; one naming a dead holder is taken over at once', async () => {
    const home = await tempHome();
    const lock = join(home, 'locks', 'account-old');
    const holderFile = join(`${lock}.lock`, 'holder.json');
    await mkdir(`${lock}.lock`, { recursive: true });
    // A live holder named inside, as older versions wrote it (this process): honoured until stale.
    await writeFile(holderFile, JSON.stringify({ holder: selfIdentity(), nonce: 'older' }));
    let started = Date.now();
    await withFileLock(lock, async () => undefined, { staleMs: 300 });
    assert.ok(Date.now() - started >= 250, 'not before it was stale');
    // A dead holder named inside: taken over at once, as a dead holder's lock file is.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    await mkdir(`${lock}.lock`, { recursive: true });
    await writeFile(
      holderFile,
      JSON.stringify({ holder: { ...selfIdentity(), pid: dead }, nonce: 'older' }),
    );
    started = Date.now();
    assert.equal(await withFileLock(lock, async () => 'mine'), 'mine');
    assert.ok(Date.now() - started < 1_000, `waited ${Date.now() - started} ms`);
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
});
