import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { isTokenTrayError } from '../../../main/common/errors.js';
import { loadKeytar } from '../../../main/node/keychain/keychain-backend.js';
import {
  MAX_ENTRY_BYTES,
  MAX_SECRET_BYTES,
  SecretVault,
} from '../../../main/node/keychain/secret-vault.js';

// The real keychain (keytar -> libsecret -> the private gnome-keyring that
// test/support/with-private-keyring.sh starts), under a service of its own so that other test
// files, which use the default service, never see these entries.
const SERVICE = 'TokenTray-test-vault';
const vault = new SecretVault(loadKeytar, SERVICE);

/** Every entry under this file's service, sorted by account. */
async function entries(): Promise<Array<{ account: string; password: string }>> {
  const creds = await (await loadKeytar()).findCredentials(SERVICE);
  return [...creds].sort((a, b) => a.account.localeCompare(b.account));
}

async function entriesOf(key: string): Promise<Array<{ account: string; password: string }>> {
  return (await entries()).filter((e) => e.account === key || e.account.startsWith(`${key}#`));
}

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

/** A value of exactly `n` ASCII bytes that does not repeat in short periods. */
function asciiValue(n: number, seed = 'v'): string {
  let out = '';
  for (let i = 0; out.length < n; i++) out += `${seed}${i.toString(36)}-`;
  return out.slice(0, n);
}

async function rejectsWith(promise: Promise<unknown>, code: string, pattern?: RegExp) {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(isTokenTrayError(err), `expected a TokenTrayError, got ${String(err)}`);
    assert.equal(err.code, code);
    if (pattern !== undefined) assert.match(err.message, pattern);
    return true;
  });
}

describe('SecretVault on the real keychain', () => {
  // Inside the suite: a hook at the top of a file would run for every file sharing its process.
  beforeEach(async () => {
    const keytar = await loadKeytar();
    for (const { account } of await keytar.findCredentials(SERVICE)) {
      await keytar.deletePassword(SERVICE, account);
    }
  });

  it('stores a value and reads it back; an absent one reads as undefined', async () => {
    assert.equal(await vault.get('rt', 'refresh_token'), undefined);
    await vault.set('rt', 'refresh_token', '1//0gRefreshTokenValue-abc_DEF');
    assert.equal(await vault.get('rt', 'refresh_token'), '1//0gRefreshTokenValue-abc_DEF');
    assert.equal(await vault.get('rt', 'client_secret'), undefined);
    assert.deepEqual(
      (await entries()).map((e) => e.account),
      ['rt/refresh_token'],
    );
  });

  it('splits a 6000-byte value over several entries of at most 2560 bytes, and reads it whole', async () => {
    const value = asciiValue(6000);
    await vault.set('big', 'refresh_token', value);

    const stored = await entriesOf('big/refresh_token');
    assert.ok(stored.length >= 3, `expected a manifest and chunks, got ${stored.length} entries`);
    for (const e of stored) {
      assert.ok(
        bytes(e.password) <= MAX_ENTRY_BYTES,
        `${e.account} holds ${bytes(e.password)} bytes`,
      );
    }
    const chunks = stored.filter((e) => e.account.includes('#'));
    assert.equal(chunks.map((e) => e.password).join('').length, 6000);
    assert.equal(await vault.get('big', 'refresh_token'), value);
  });

  it('round-trips a multi-byte UTF-8 value over the limit exactly', async () => {
    // 4-byte emoji, 2-byte accents and a 3-byte CJK character, so chunk edges land mid-sequence
    // unless the vault splits on code points.
    const value = 'Ünïcødé-ä-é-🔑-🎉-漢-'.repeat(300);
    assert.ok(bytes(value) > MAX_ENTRY_BYTES * 2);
    await vault.set('utf', 'client_secret', value);

    for (const e of await entriesOf('utf/client_secret')) {
      assert.ok(bytes(e.password) <= MAX_ENTRY_BYTES, `${e.account} holds ${bytes(e.password)}`);
      assert.ok(!e.password.includes('\uFFFD'), `${e.account} holds a broken character`);
    }
    assert.equal(await vault.get('utf', 'client_secret'), value);
  });

  it('a short value that happens to look like a chunk manifest round-trips as itself', async () => {
    const value = 'tokentray-chunks:v1:deadbeef:2:10';
    await vault.set('odd', 'refresh_token', value);
    assert.equal(await vault.get('odd', 'refresh_token'), value);
  });

  it('overwriting a chunked value with a short one leaves no chunk behind', async () => {
    await vault.set('shrink', 'refresh_token', asciiValue(6000));
    assert.ok((await entriesOf('shrink/refresh_token')).length > 1);

    await vault.set('shrink', 'refresh_token', 'short-token-value');
    assert.deepEqual(await entriesOf('shrink/refresh_token'), [
      { account: 'shrink/refresh_token', password: 'short-token-value' },
    ]);
    assert.equal(await vault.get('shrink', 'refresh_token'), 'short-token-value');
  });

  it('a chunked value rewritten by another process is replaced without leaving its chunks behind', async () => {
    // Two processes, each with a vault of its own on the same keychain service.
    const other = new SecretVault(loadKeytar, SERVICE);
    await vault.set('shared', 'client_secret', 'a'.repeat(6000));
    assert.equal((await other.get('shared', 'client_secret'))?.length, 6000);
    await vault.set('shared', 'client_secret', 'b'.repeat(7000)); // `other` has not seen this one
    await other.set('shared', 'client_secret', 'c'.repeat(8000));
    assert.equal(await vault.get('shared', 'client_secret'), 'c'.repeat(8000));
    const stored = await (await loadKeytar()).findCredentials(SERVICE);
    const chunks = stored.filter((e) => e.account.startsWith('shared/client_secret#'));
    assert.equal(
      chunks.map((e) => e.password).join('').length,
      8000,
      `only the last value's chunks remain: ${chunks.map((e) => e.account).join(', ')}`,
    );
  });

  it('overwriting a chunked value with another keeps only the new generation', async () => {
    await vault.set('regen', 'access_token', asciiValue(6000, 'a'));
    const before = (await entriesOf('regen/access_token')).map((e) => e.account);

    const second = asciiValue(9000, 'b');
    await vault.set('regen', 'access_token', second);
    const after = await entriesOf('regen/access_token');
    const chunkNames = after.map((e) => e.account).filter((a) => a.includes('#'));

    // 9000 bytes need more entries than 6000 did; none of the old chunks survive.
    assert.ok(chunkNames.length >= 4, `expected at least 4 chunks, got ${chunkNames.join(', ')}`);
    for (const old of before.filter((a) => a.includes('#'))) {
      assert.ok(!chunkNames.includes(old), `old chunk ${old} is still there`);
    }
    const generations = new Set(chunkNames.map((a) => a.split('#')[1]?.split('.')[0]));
    assert.equal(generations.size, 1, `chunks of several generations: ${chunkNames.join(', ')}`);
    assert.equal(await vault.get('regen', 'access_token'), second);
  });

  it("deleteAccount removes every entry of that account, and none of another's", async () => {
    // "team" is a prefix of "team2": removal must go by the whole name.
    await vault.set('team', 'refresh_token', asciiValue(6000, 'r'));
    await vault.set('team', 'client_secret', 'team-client-secret');
    await vault.setAccessToken('team', {
      accessToken: 'at-team',
      tokenType: 'Bearer',
      expiresAt: Date.now() + 3_600_000,
      issuedAt: Date.now(),
    });
    await vault.set('team2', 'refresh_token', asciiValue(6000, 's'));
    await vault.set('team2', 'client_secret', 'team2-client-secret');
    const team2Before = await entries().then((all) =>
      all.filter((e) => e.account.startsWith('team2/')),
    );

    await vault.deleteAccount('team');

    const left = await entries();
    assert.deepEqual(
      left.filter((e) => e.account.startsWith('team/')),
      [],
    );
    assert.deepEqual(left, team2Before);
    assert.equal(await vault.get('team', 'refresh_token'), undefined);
    assert.equal(await vault.getAccessToken('team'), undefined);
    assert.equal(await vault.get('team2', 'refresh_token'), asciiValue(6000, 's'));
    assert.deepEqual(await vault.accountNames(), ['team2']);
  });

  it('refuses a value over 64 KiB with secret_too_large and keeps the previous value', async () => {
    const previous = asciiValue(5000, 'p');
    await vault.set('huge', 'refresh_token', previous);
    const entriesBefore = await entries();

    await rejectsWith(
      vault.set('huge', 'refresh_token', 'x'.repeat(MAX_SECRET_BYTES + 1)),
      'secret_too_large',
    );
    // Counted in bytes, not characters: 22 000 emoji are 88 000 bytes.
    await rejectsWith(vault.set('huge', 'refresh_token', '🔑'.repeat(22_000)), 'secret_too_large');

    assert.equal(await vault.get('huge', 'refresh_token'), previous);
    assert.deepEqual(await entries(), entriesBefore);
  });

  it('accepts a value of exactly 64 KiB', async () => {
    const value = asciiValue(MAX_SECRET_BYTES, 'm');
    await vault.set('edge', 'refresh_token', value);
    assert.equal(await vault.get('edge', 'refresh_token'), value);
  });

  it('getAccessToken treats an unreadable cache entry as no token', async () => {
    await vault.set('cache', 'access_token', '{not json at all');
    assert.equal(await vault.getAccessToken('cache'), undefined);

    await vault.set(
      'cache',
      'access_token',
      JSON.stringify({ accessToken: 42, expiresAt: 'soon' }),
    );
    assert.equal(await vault.getAccessToken('cache'), undefined);

    const record = {
      accessToken: 'ya29.fresh',
      tokenType: 'Bearer',
      expiresAt: 1_900_000_000_000,
      issuedAt: 1_899_999_000_000,
    };
    await vault.setAccessToken('cache', record);
    assert.deepEqual(await vault.getAccessToken('cache'), record);
  });

  it('reports a chunked entry whose parts someone else deleted as incomplete, not a wrong value', async () => {
    await vault.set('torn', 'refresh_token', asciiValue(7000, 't'));
    const keytar = await loadKeytar();
    const chunks = (await entriesOf('torn/refresh_token')).filter((e) => e.account.includes('#'));
    const middle = chunks[1];
    assert.ok(middle !== undefined);
    await keytar.deletePassword(SERVICE, middle.account);

    await rejectsWith(vault.get('torn', 'refresh_token'), 'keychain_unavailable', /incomplete/);

    // All of them gone: the same clear error, never the manifest text as if it were the token.
    for (const c of chunks) await keytar.deletePassword(SERVICE, c.account);
    await rejectsWith(vault.get('torn', 'refresh_token'), 'keychain_unavailable', /incomplete/);
  });

  it('reports a chunk that was altered to another length as incomplete', async () => {
    await vault.set('cut', 'refresh_token', asciiValue(6000, 'c'));
    const keytar = await loadKeytar();
    const last = (await entriesOf('cut/refresh_token'))
      .filter((e) => e.account.includes('#'))
      .pop();
    assert.ok(last !== undefined);
    await keytar.setPassword(SERVICE, last.account, last.password.slice(0, 10));

    await rejectsWith(vault.get('cut', 'refresh_token'), 'keychain_unavailable', /incomplete/);
  });

  it('reads an account stored the old way (two entries), and one write moves it to one entry', async () => {
    const record = {
      accessToken: 'at-old',
      tokenType: 'Bearer',
      expiresAt: 1_900_000_000_000,
      issuedAt: 1_899_999_000_000,
    };
    const keytar = await loadKeytar();
    await keytar.setPassword(SERVICE, 'old/refresh_token', 'rt-old');
    await keytar.setPassword(SERVICE, 'old/access_token', JSON.stringify(record));

    const fresh = new SecretVault(loadKeytar, SERVICE);
    assert.deepEqual(await fresh.getTokens('old'), { refreshToken: 'rt-old', record });
    const next = { ...record, accessToken: 'at-new' };
    await fresh.setTokens('old', { refreshToken: 'rt-new', record: next });
    assert.deepEqual(
      (await entries()).map((e) => e.account),
      ['old/refresh_token'],
      'the old access-token entry is gone',
    );
    assert.deepEqual(await new SecretVault(loadKeytar, SERVICE).getTokens('old'), {
      refreshToken: 'rt-new',
      record: next,
    });
    assert.equal(await vault.get('old', 'refresh_token'), 'rt-new');
  });
});
