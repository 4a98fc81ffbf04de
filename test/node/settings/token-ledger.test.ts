import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { TokenLedger } from '../../../main/node/settings/token-ledger.js';

const record = {
  accessToken: 'never-stored-here',
  tokenType: 'Bearer',
  issuedAt: 1_000,
  expiresAt: 3_601_000,
};

// The non-secret token ledger on a real folder: what other processes trust to skip a keychain read.
describe('token ledger', () => {
  test('pending from before a token is presented until it is stored; times but never the token', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tokentray-ledger-'));
    const ledger = new TokenLedger(dir);
    const generation = ledger.advance('acct', 'created-1');
    assert.equal(ledger.settled('acct', 'created-1'), undefined, 'pending reads as no generation');
    ledger.settle('acct', 'created-1', generation, record);
    assert.equal(ledger.settled('acct', 'created-1'), generation);
    const text = await readFile(join(dir, 'state', 'acct.json'), 'utf8');
    assert.ok(!text.includes(record.accessToken), 'no token in the ledger');
    assert.equal((await stat(join(dir, 'state'))).mode & 0o777, 0o700);
    assert.equal((await stat(join(dir, 'state', 'acct.json'))).mode & 0o777, 0o600);
    // Another incarnation of the name (removed and added again) does not inherit it.
    assert.equal(ledger.settled('acct', 'created-2'), undefined);
  });

  test('a generation never comes back, even after the file was lost or torn', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tokentray-ledger-'));
    const ledger = new TokenLedger(dir);
    const seen = new Set<number>();
    for (let i = 0; i < 3; i++) seen.add(ledger.advance('acct', 'c'));
    await rm(join(dir, 'state', 'acct.json'));
    seen.add(ledger.advance('acct', 'c'));
    // Another process, which never saw those numbers, after the loss: it starts from the clock.
    const other = new TokenLedger(dir);
    await rm(join(dir, 'state', 'acct.json'));
    const elsewhere = other.advance('acct', 'c');
    assert.ok(elsewhere > 1_000_000, 'a lost file starts again from the clock, not from 1');
    await writeFile(join(dir, 'state', 'acct.json'), '{"createdAt":"c","gener');
    assert.equal(ledger.settled('acct', 'c'), undefined, 'a torn file reads as unknown');
    const after = ledger.advance('acct', 'c');
    assert.ok(!seen.has(after), `generation ${after} repeats`);
    assert.equal(seen.size, 4, 'every advance of this process gave a new generation');
  });

  test('a reserved generation is written only when settled, and comes after every one before', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tokentray-ledger-'));
    const ledger = new TokenLedger(dir);
    const first = ledger.advance('acct', 'c');
    ledger.settle('acct', 'c', first, record, 'kept');
    const before = ledger.read('acct', 'c');
    assert.equal(before?.kept, true, 'a refresh that kept its refresh token says so');
    const reserved = ledger.reserve('acct', before);
    assert.ok(reserved > first);
    assert.deepEqual(ledger.read('acct', 'c'), before, 'nothing written until it is settled');
    ledger.settle('acct', 'c', reserved, record, 'kept');
    assert.equal(ledger.settled('acct', 'c'), reserved);
    // Another process, from the same entry: never the number this one reserved.
    assert.ok(new TokenLedger(dir).reserve('acct', ledger.read('acct', 'c')) > reserved);
    ledger.settle('acct', 'c', ledger.advance('acct', 'c'), record, 'rotated');
    assert.equal(ledger.read('acct', 'c')?.kept, undefined, 'a rotation is no keep');
    await rm(dir, { recursive: true, force: true });
  });

  test('when the refresh token last rotated: kept across refreshes and processes, gone after a sign-in', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tokentray-ledger-'));
    const one = new TokenLedger(dir);
    one.settle('acct', 'c', one.advance('acct', 'c'), record, 'signed-in');
    assert.equal(one.read('acct', 'c')?.rotatedAt, undefined, 'the sign-in’s token never rotated');
    const rotated = { ...record, issuedAt: 5_000, expiresAt: 3_605_000 };
    one.settle('acct', 'c', one.advance('acct', 'c'), rotated, 'rotated');
    assert.equal(one.read('acct', 'c')?.rotatedAt, 5_000);
    // Another process refreshes without rotation: the time stays.
    const other = new TokenLedger(dir);
    const kept = { ...record, issuedAt: 9_000, expiresAt: 3_609_000 };
    other.settle('acct', 'c', other.advance('acct', 'c'), kept, 'kept');
    assert.equal(other.read('acct', 'c')?.rotatedAt, 5_000);
    assert.equal(other.read('acct', 'c')?.issuedAt, 9_000);
    other.settle('acct', 'c', other.advance('acct', 'c'), kept, 'signed-in');
    assert.equal(other.read('acct', 'c')?.rotatedAt, undefined);
    await rm(dir, { recursive: true, force: true });
  });
});
