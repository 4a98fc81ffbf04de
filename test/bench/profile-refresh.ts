// Where a forced refresh's time goes, piece by piece, beside the bench's bare undici POST:
//   bash test/support/with-private-keyring.sh node --import tsx test/bench/profile-refresh.ts
// Each piece is timed on its own, interleaved with the others over many rounds, and reported as
// a median. Not part of `npm run bench`: it explains refresh_vs_bare_undici, it is no figure.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { engineParts } from '../../main/node/engine/token-engine.js';
import { withFileLock } from '../../main/node/file-lock.js';
import { locksDir } from '../../main/node/paths.js';
import { TokenLedger } from '../../main/node/settings/token-ledger.js';
import { openEngine } from '../support/engine-fixture.js';
import { startLocalProvider } from '../support/local-provider.js';
import { engineAndBareRefresh } from './bare-refresh.js';
import { median, quantile, round } from './stats.js';

const SERVICE = 'TokenTray-profile';
const ROUNDS = Number(process.env.PROFILE_ROUNDS ?? 60);
const WARMUPS = 5;

const provider = await startLocalProvider();
const dir = await mkdtemp(join(tmpdir(), 'tokentray-profile-'));
try {
  const engine = openEngine(dir, SERVICE);
  const { settings, vault, client } = engineParts(engine);
  const name = 'profile';
  const {
    clientSecret,
    refreshToken,
    refresh: bare,
    close: closeBare,
  } = await engineAndBareRefresh(engine, provider, name);
  const account = settings.requireAccount(name);
  const ledger = new TokenLedger(join(dir, 'ledger-only'));
  const record = (await engine.refresh(name)).accessToken;
  void record;
  const someRecord = {
    accessToken: 'x',
    tokenType: 'Bearer',
    issuedAt: Date.now(),
    expiresAt: Date.now() + 3_600_000,
  };

  const pieces: Record<string, () => Promise<unknown>> = {
    bare,
    engine: () => engine.refresh(name),
    tokenClient: () => client.refresh(account, clientSecret, refreshToken),
    lockEmpty: () =>
      withFileLock(join(locksDir(dir), 'account-profile-empty'), () => Promise.resolve()),
    ledgerAdvanceSettle: async () => {
      const g = ledger.advance('x', 'c');
      ledger.settle('x', 'c', g, someRecord);
    },
    ledgerRead: async () => ledger.read('x', 'c'),
    keychainWrite: () =>
      vault.setTokens('profile-w', { refreshToken: 'r'.repeat(40), record: someRecord }, account),
    settingsAccount: async () => settings.requireAccount(name),
  };
  const times: Record<string, number[]> = Object.fromEntries(
    Object.keys(pieces).map((k) => [k, []]),
  );
  for (let i = 0; i < WARMUPS + ROUNDS; i++) {
    const keys = Object.keys(pieces);
    // Rotate the order so no piece always follows the same one.
    const order = keys.map((_, j) => keys[(i + j) % keys.length] as string);
    for (const key of order) {
      const start = process.hrtime.bigint();
      await (pieces[key] as () => Promise<unknown>)();
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (i >= WARMUPS) (times[key] as number[]).push(ms);
      // Let a cache write the engine left behind land, as the bench's other sides do.
      await new Promise((r) => setTimeout(r, 3));
    }
  }
  await closeBare();
  const base = median(times.bare as number[]);
  for (const [key, values] of Object.entries(times)) {
    console.log(
      JSON.stringify({
        piece: key,
        median_ms: round(median(values), 3),
        p25_ms: round(quantile(values, 0.25), 3),
        p75_ms: round(quantile(values, 0.75), 3),
        vs_bare: round(median(values) / base, 3),
      }),
    );
  }
  await vault.deleteAccount('profile-w').catch(() => undefined);
  await vault.deleteAccount(name).catch(() => undefined);
} finally {
  await provider.close();
  await rm(dir, { recursive: true, force: true });
}
