import { engineParts } from '../../main/node/engine/token-engine.js';
// Figures that do not depend on the machine's noise: keychain round trips and settings parses per
// operation, counted through the real keytar, plus the rotated token's unprotected window.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { askBrokerForToken } from '../../main/node/broker/broker-client.js';
import { startBroker } from '../../main/node/broker/broker-server.js';
import { loadKeytar } from '../../main/node/keychain/keychain-backend.js';
import { SecretVault } from '../../main/node/keychain/secret-vault.js';
import { addRotatingAccount, openEngine } from '../support/engine-fixture.js';
import type { LocalProvider } from '../support/local-provider.js';
import type { BenchResult } from './bench-result.js';
import { countingKeytar } from './counting-keytar.js';
import { median, round } from './stats.js';

const ROUNDS = 20;
const WINDOW_ROUNDS = 30;

function count(
  name: string,
  value: number,
  target: number,
  op: '==' | '<=',
  what: string,
  extra: Record<string, unknown> = {},
): BenchResult {
  return {
    name,
    value: round(value, 2),
    unit: 'count',
    target,
    target_op: op,
    within_target: op === '==' ? value === target : value <= target,
    what,
    ...extra,
  };
}

export async function runEngineCountBenches(
  provider: LocalProvider,
  dir: string,
  service: string,
): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const writes: { account: string; at: bigint }[] = [];
  const counting = countingKeytar((account, at) => writes.push({ account, at }));
  const app = openEngine(dir, service, { backend: counting.backend });
  const names = ['count-a', 'count-b', 'count-c'];
  for (const name of names) await addRotatingAccount(app, provider, name);
  const [name] = names as [string];
  await app.refresh(name); // the long-running process has met the account once

  // A forced refresh in a long-running process, with nothing changed elsewhere.
  let before = { ...counting.calls };
  let parses = engineParts(app).settings.counts.parses;
  for (let i = 0; i < ROUNDS; i++) await app.refresh(name);
  const per = (k: keyof typeof counting.calls) => (counting.calls[k] - before[k]) / ROUNDS;
  results.push(
    count(
      'keychain_reads_per_forced_refresh',
      per('getPassword'),
      0,
      '==',
      'long-running engine, nothing changed elsewhere',
      { refreshes: ROUNDS },
    ),
    count(
      'keychain_writes_per_rotation',
      per('setPassword'),
      1,
      '==',
      'rotating server: refresh token and access token in one entry',
      { refreshes: ROUNDS },
    ),
    count(
      'settings_parses_per_refresh',
      (engineParts(app).settings.counts.parses - parses) / ROUNDS,
      1,
      '<=',
      'settings file parsed and validated (conf store getter)',
      { refreshes: ROUNDS },
    ),
  );

  // Another process refreshed meanwhile: the ledger moved, so one read, then the refresh.
  const other = openEngine(dir, service);
  let reads = 0;
  for (let i = 0; i < 5; i++) {
    await other.refresh(name);
    const start = counting.calls.getPassword;
    await app.refresh(name);
    reads += counting.calls.getPassword - start;
  }
  results.push(
    count(
      'keychain_reads_per_forced_refresh_changed_elsewhere',
      reads / 5,
      1,
      '==',
      'long-running engine after another process refreshed the account',
    ),
  );

  // A new process (what `tokentray refresh` runs without the app): nothing in memory.
  reads = 0;
  for (let i = 0; i < 5; i++) {
    const fresh = countingKeytar();
    await openEngine(dir, service, { backend: fresh.backend }).refresh(name);
    reads += fresh.calls.getPassword;
  }
  results.push(
    count(
      'keychain_reads_per_refresh_new_process',
      reads / 5,
      2,
      '<=',
      'a new engine (as `tokentray refresh` builds): token set + client secret',
    ),
  );

  // The cached `tokentray token` path: one vault read of the token set.
  const cached = countingKeytar();
  await new SecretVault(cached.backend, service).getAccessToken(name);
  results.push(
    count(
      'keychain_reads_per_cached_token',
      cached.calls.getPassword,
      1,
      '==',
      'SecretVault.getAccessToken, as main/cli/cached-token.ts calls it',
    ),
  );

  // statuses() of N accounts: from memory and the ledger.
  before = { ...counting.calls };
  const fresh = countingKeytar();
  const cold = openEngine(dir, service, { backend: fresh.backend });
  await app.statuses();
  await cold.statuses();
  results.push(
    count(
      'keychain_reads_per_statuses',
      counting.calls.getPassword - before.getPassword + fresh.calls.getPassword,
      0,
      '==',
      `statuses() of ${names.length} accounts, in the app's engine and in a new one`,
      { accounts: names.length },
    ),
  );

  // Broker answers from the app's engine: no settings parse, no keychain read.
  const broker = await startBroker(app, dir);
  try {
    before = { ...counting.calls };
    parses = engineParts(app).settings.counts.parses;
    for (let i = 0; i < ROUNDS; i++) {
      const answer = await askBrokerForToken(dir, { name, service });
      if (answer?.ok !== true) throw new Error('the broker did not answer with a token');
    }
    results.push(
      count(
        'settings_parses_per_broker_answer',
        (engineParts(app).settings.counts.parses - parses) / ROUNDS,
        0,
        '==',
        'token answers from the running app',
      ),
      count(
        'keychain_reads_per_broker_answer',
        per('getPassword'),
        0,
        '==',
        'token answers from the running app',
      ),
    );
  } finally {
    await broker.close();
  }

  results.push(await rotationWindow(app, name, service, writes));
  return results;
}

/**
 * From the last byte of the server's answer (undici's `undici:request:trailers`: the response
 * was received completely) to the completion of the keychain write that saves the rotated token,
 * beside a bare keychain write of the same size measured in the same run.
 */
async function rotationWindow(
  engine: ReturnType<typeof openEngine>,
  name: string,
  service: string,
  writes: { account: string; at: bigint }[],
): Promise<BenchResult> {
  let lastByte: bigint | undefined;
  const onTrailers = (): void => {
    lastByte = process.hrtime.bigint();
  };
  subscribe('undici:request:trailers', onTrailers);
  const windows: number[] = [];
  const bare: number[] = [];
  const keytar = await loadKeytar();
  const key = `${name}/refresh_token`;
  try {
    for (let i = 0; i < WINDOW_ROUNDS; i++) {
      writes.length = 0;
      lastByte = undefined;
      await engine.refresh(name);
      const saved = writes.find((w) => w.account === key);
      if (saved === undefined || lastByte === undefined) throw new Error('no rotation observed');
      windows.push(Number(saved.at - lastByte) / 1e6);
      const value = (await keytar.getPassword(service, key)) ?? '';
      const start = process.hrtime.bigint();
      await keytar.setPassword(service, `bench-bare/${i}`, value);
      bare.push(Number(process.hrtime.bigint() - start) / 1e6);
      await keytar.deletePassword(service, `bench-bare/${i}`);
    }
  } finally {
    unsubscribe('undici:request:trailers', onTrailers);
  }
  const value = median(windows);
  const write = median(bare);
  return {
    name: 'rotation_window_ms',
    value: round(value, 2),
    unit: 'ms',
    bare_keychain_write_ms: round(write, 2),
    over_bare_write_ms: round(value - write, 2),
    target: '<= bare write + 2 ms',
    within_target: value <= write + 2,
    samples: WINDOW_ROUNDS,
    what: "last byte of the token response to the rotated token's keychain write completing",
  };
}
