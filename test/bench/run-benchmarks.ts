import { engineParts } from '../../main/node/engine/token-engine.js';
// `npm run bench`: every benchmark, one JSON line per figure. Run inside a private Secret Service
// (test/support/with-private-keyring.sh) so the real keychain path (keytar -> libsecret -> D-Bus)
// is measured without touching anyone's keychain.
//
// The machines this runs on are shared and noisy, so no figure is an absolute time alone: each is
// compared with a baseline measured in the same run, baseline and subject samples interleaved, and
// reported as a ratio of medians (plus the median of the per-pair ratios as a cross-check).
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AccessTokenRecord } from '../../main/common/account.js';
import { startBroker, type Broker } from '../../main/node/broker/broker-server.js';
import { loadKeytar, type KeychainBackend } from '../../main/node/keychain/keychain-backend.js';
import { engineAndBareRefresh } from './bare-refresh.js';
import { benchCliRefreshVsNodeFetch } from './cli-refresh-bench.js';
import { countingKeytar } from './counting-keytar.js';
import { runEngineCountBenches } from './engine-counts.js';
import { CLI_PATH, runNode, tokentray } from '../support/cli-runner.js';
import { addGoogleLikeAccount, openEngine } from '../support/engine-fixture.js';
import { startLocalProvider, type LocalProvider } from '../support/local-provider.js';
import type { BenchResult } from './bench-result.js';
import { benchCliExecCredential } from './exec-credential-bench.js';
import { runSchedulerBenches } from './scheduler-bench.js';
import { median, quantile, round } from './stats.js';
import { pastedAdd } from '../support/pasted-add.js';

const KEYCHAIN_SERVICE = 'TokenTray-bench';
const CLI_KEYCHAIN_SERVICE = 'TokenTray-bench-cli';

const CLI_WARMUPS = 3;
const CLI_RUNS = 30;
/** With the app running: a Node start, one small module graph and one socket round trip. */
const CLI_VIA_BROKER_TARGET = 1.2;
/** Without the app: one Secret Service session is the floor. */
const CLI_CACHED_TARGET = 1.6;
/** Environment that changes how Node itself starts, removed for both sides of figure 1. */
const STARTUP_ENV = ['NODE_OPTIONS', 'NODE_EXTRA_CA_CERTS'] as const;

const REFRESH_WARMUPS = 5;
const REFRESH_RUNS = 40;
/** One keychain write and a lock are the floor. */
const REFRESH_TARGET = 1.5;

const CONCURRENT_CALLS = 1000;

// ---- Small helpers ----------------------------------------------------------------------------

const nsToMs = (ns: bigint): number => Number(ns) / 1e6;

/** The usual spread summary of a sample set, in ms. */
function spread(values: number[]): { p25_ms: number; p75_ms: number; min_ms: number } {
  return {
    p25_ms: round(quantile(values, 0.25), 2),
    p75_ms: round(quantile(values, 0.75), 2),
    min_ms: round(Math.min(...values), 2),
  };
}

/** Median of subject/baseline taken pair by pair: robust to a slow patch hitting both sides. */
function pairedRatio(subject: number[], baseline: number[]): number {
  return median(subject.map((s, i) => s / (baseline[i] as number)));
}

function print(result: BenchResult): void {
  console.log(JSON.stringify(result));
}

/** The floor without the app: keytar's read of the account's entry, and nothing else. */
const BARE_KEYTAR_READ = `require(${JSON.stringify(createRequire(import.meta.url).resolve('keytar'))}).getPassword(process.env.TOKENTRAY_KEYCHAIN_SERVICE, 'bench/refresh_token').then((v) => { if (!v) process.exit(1); process.stdout.write('x'); })`;
/** The floor with the app: one request on the broker's socket, as the protocol wants it. */
const BARE_BROKER_CLIENT = `const s = require('net').createConnection(require('path').join(process.argv[1], 'broker', 'broker.sock'));
s.on('connect', () => s.write(JSON.stringify({ v: 1, id: 1, op: 'token', name: 'bench', service: process.env.TOKENTRAY_KEYCHAIN_SERVICE }) + '\\n'));
let got = '';
s.on('data', (d) => { got += d; const lines = got.split('\\n'); if (lines.length > 2) { if (!JSON.parse(lines[1]).ok) process.exit(1); process.stdout.write('x'); s.destroy(); } });`;

// ---- 1. `tokentray token` from the keychain cache, or from the running app, vs. starting Node --

async function benchCliCachedToken(
  provider: LocalProvider,
  viaBroker = false,
): Promise<BenchResult> {
  const home = await mkdtemp(join(tmpdir(), 'tokentray-bench-cli-'));
  let broker: Broker | undefined;
  try {
    const cliEnv = { TOKENTRAY_KEYCHAIN_SERVICE: CLI_KEYCHAIN_SERVICE };
    const pasted = await pastedAdd(provider, 'bench');
    const added = await tokentray(pasted.args, home, { ...cliEnv, ...pasted.env });
    if (added.code !== 0) throw new Error(`tokentray add failed: ${added.stderr}`);
    // The app's side, in this process: the CLI then asks it instead of the keychain.
    if (viaBroker) broker = await startBroker(openEngine(home, CLI_KEYCHAIN_SERVICE), home);

    // The same environment for both processes, minus what changes Node's own start-up: a CA
    // bundle in NODE_EXTRA_CA_CERTS is parsed at every start (~90 ms on CI images that set it),
    // which would hide TokenTray's cost in a constant added to both sides.
    const envRemoved = STARTUP_ENV.filter((k) => process.env[k] !== undefined);
    const env: NodeJS.ProcessEnv = {
      ...Object.fromEntries(
        Object.entries(process.env).filter(
          ([k]) => !(STARTUP_ENV as readonly string[]).includes(k),
        ),
      ),
      ...cliEnv,
      TOKENTRAY_HOME: home,
      // No D-Bus for either side: a CLI that did not get its token from the broker fails the run.
      ...(viaBroker ? { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bench-bus' } : {}),
    };
    const baselineArgs = ['-e', '0'];
    const subjectArgs = [CLI_PATH, 'token', 'bench'];
    // The floor, measured beside them: the least a process can do to get the same answer. Without
    // the app, a bare script reading the same keychain entry through keytar; with it, a bare socket
    // client asking the broker the same question.
    const floorArgs = viaBroker ? ['-e', BARE_BROKER_CLIENT, home] : ['-e', BARE_KEYTAR_READ];

    provider.resetCounts();
    const baseline: number[] = [];
    const subject: number[] = [];
    let emptyOutputs = 0;
    let failures = 0;
    let firstFailure: string | undefined;
    const floor: number[] = [];
    for (let i = 0; i < CLI_WARMUPS + CLI_RUNS; i++) {
      const b = await runNode(baselineArgs, env);
      const s = await runNode(subjectArgs, env);
      const f = await runNode(floorArgs, env);
      if (i >= CLI_WARMUPS) floor.push(f.ms);
      for (const run of [b, s, f]) {
        if (run.code === 0) continue;
        failures++;
        firstFailure ??= `exit ${String(run.code)}: ${run.stderr.trim().split('\n')[0] ?? ''}`;
      }
      if (s.stdout.trim() === '') emptyOutputs++;
      if (i >= CLI_WARMUPS) {
        baseline.push(b.ms);
        subject.push(s.ms);
      }
    }
    const requestsSent = provider.counts().total;
    const value = median(subject);
    const base = median(baseline);
    const ratio = value / base;
    const target = viaBroker ? CLI_VIA_BROKER_TARGET : CLI_CACHED_TARGET;
    return {
      name: viaBroker ? 'cli_token_via_broker_vs_node' : 'cli_cached_token_vs_node',
      value: round(ratio, 3),
      unit: 'ratio',
      median_ms: round(value, 2),
      ...spread(subject),
      baseline: round(base, 2),
      baseline_unit: 'ms',
      baseline_what: 'node -e 0',
      baseline_spread: spread(baseline),
      ratio: round(ratio, 3),
      paired_ratio: round(pairedRatio(subject, baseline), 3),
      floor_what: viaBroker ? 'a bare socket client asking the broker' : 'a bare keytar read',
      floor_ms: round(median(floor), 2),
      floor_vs_node: round(median(floor) / base, 3),
      target,
      target_op: '<=',
      within_target: ratio <= target && failures === 0 && emptyOutputs === 0 && requestsSent === 0,
      samples: CLI_RUNS,
      baseline_samples: CLI_RUNS,
      warmups: CLI_WARMUPS,
      requests_sent: requestsSent,
      empty_outputs: emptyOutputs,
      failed_runs: failures,
      ...(firstFailure === undefined ? {} : { first_failure: firstFailure }),
      env_removed: envRemoved,
    };
  } finally {
    await broker?.close();
    await tokentray(['remove', 'bench'], home, {
      TOKENTRAY_KEYCHAIN_SERVICE: CLI_KEYCHAIN_SERVICE,
    }).catch(() => undefined);
    await rm(home, { recursive: true, force: true });
  }
}

// ---- 2. A forced refresh through the engine vs. a bare undici POST ---------------------------

async function benchRefreshVsBareUndici(
  provider: LocalProvider,
  dir: string,
): Promise<BenchResult> {
  const name = 'refresh';
  const counting = countingKeytar();
  const engine = openEngine(dir, KEYCHAIN_SERVICE, { backend: counting.backend });
  const { refresh: bare, close: closeBare } = await engineAndBareRefresh(engine, provider, name);
  // Context for the gap, not part of the ratio: one keychain read (keytar -> libsecret -> D-Bus).
  const keytar = await loadKeytar();
  const keychainRead = async (): Promise<void> => {
    if ((await keytar.getPassword(KEYCHAIN_SERVICE, `${name}/refresh_token`)) === null)
      throw new Error('the refresh token is not in the keychain');
  };

  const tokens = new Set<string>();
  const sides = {
    engine: async () => void tokens.add((await engine.refresh(name)).accessToken),
    bare,
    keychainRead,
  };
  const times: Record<keyof typeof sides, number[]> = { engine: [], bare: [], keychainRead: [] };
  provider.resetCounts();
  const before = { ...counting.calls };
  const parsesBefore = engineParts(engine).settings.counts.parses;
  try {
    for (let i = 0; i < REFRESH_WARMUPS + REFRESH_RUNS; i++) {
      // Alternate which side goes first, so neither always gets the warmer socket or cache.
      const order = i % 2 === 0 ? (['engine', 'bare'] as const) : (['bare', 'engine'] as const);
      for (const side of [...order, 'keychainRead'] as const) {
        const start = process.hrtime.bigint();
        await sides[side]();
        const ms = nsToMs(process.hrtime.bigint() - start);
        if (i >= REFRESH_WARMUPS) times[side].push(ms);
      }
    }
  } finally {
    await closeBare();
  }
  const refreshes = REFRESH_WARMUPS + REFRESH_RUNS;
  const perRefresh = (k: keyof KeychainBackend) =>
    round((counting.calls[k] - before[k]) / refreshes, 2);
  const counts = provider.counts();
  const value = median(times.engine);
  const base = median(times.bare);
  const ratio = value / base;
  return {
    name: 'refresh_vs_bare_undici',
    value: round(ratio, 3),
    unit: 'ratio',
    median_ms: round(value, 2),
    ...spread(times.engine),
    baseline: round(base, 2),
    baseline_unit: 'ms',
    baseline_what: 'undici fetch POST grant_type=refresh_token + JSON parse, kept-alive Agent',
    baseline_spread: spread(times.bare),
    ratio: round(ratio, 3),
    paired_ratio: round(pairedRatio(times.engine, times.bare), 3),
    overhead_ms: round(value - base, 2),
    target: REFRESH_TARGET,
    target_op: '<=',
    within_target: ratio <= REFRESH_TARGET && counts.error === 0,
    samples: REFRESH_RUNS,
    baseline_samples: REFRESH_RUNS,
    warmups: REFRESH_WARMUPS,
    requests_sent: counts.total,
    requests_expected: 2 * refreshes,
    request_errors: counts.error,
    distinct_engine_tokens: tokens.size,
    keychain_reads_per_refresh: perRefresh('getPassword'),
    keychain_writes_per_refresh: perRefresh('setPassword'),
    settings_parses_per_refresh: round(
      (engineParts(engine).settings.counts.parses - parsesBefore) / refreshes,
      2,
    ),
    keychain_read_median_ms: round(median(times.keychainRead), 2),
    note: 'engine cost includes its keychain reads (D-Bus), the per-account file lock and the ledger; a refresh that did not rotate hands out its token before its cache write lands (the write is still one per refresh, counted above), a rotation waits for its write (rotation_window_ms)',
  };
}

// ---- 3. Single flight: 1000 concurrent getToken on an expired token --------------------------

async function benchSingleFlight(provider: LocalProvider, dir: string): Promise<BenchResult> {
  const name = 'single';
  const setup = openEngine(dir, KEYCHAIN_SERVICE);
  await addGoogleLikeAccount(setup, provider, name);
  const record = await engineParts(setup).vault.getAccessToken(name);
  if (record === undefined) throw new Error('addAccount cached no access token');
  await engineParts(setup).vault.setAccessToken(name, { ...record, expiresAt: Date.now() - 1 });

  // A new engine: nothing in memory, so every caller starts from the keychain.
  const counting = countingKeytar();
  const engine = openEngine(dir, KEYCHAIN_SERVICE, { backend: counting.backend });
  await loadKeytar(); // the native module is loaded once per process; keep its load out of the timing
  provider.resetCounts();
  const start = process.hrtime.bigint();
  const settled = await Promise.allSettled(
    Array.from({ length: CONCURRENT_CALLS }, () => engine.getToken(name)),
  );
  const wallMs = nsToMs(process.hrtime.bigint() - start);
  const counts = provider.counts();
  const fulfilled = settled.filter(
    (s): s is PromiseFulfilledResult<AccessTokenRecord> => s.status === 'fulfilled',
  );
  const now = Date.now();
  const distinct = new Set(fulfilled.map((s) => s.value.accessToken));
  const firstRejection = settled.find((s) => s.status === 'rejected');
  return {
    name: 'single_flight_requests',
    value: counts.total,
    unit: 'requests',
    target: 1,
    target_op: '==',
    within_target:
      counts.total === 1 &&
      fulfilled.length === CONCURRENT_CALLS &&
      fulfilled.every((s) => s.value.expiresAt > now),
    concurrent_calls: CONCURRENT_CALLS,
    fulfilled: fulfilled.length,
    rejected: CONCURRENT_CALLS - fulfilled.length,
    ...(firstRejection === undefined
      ? {}
      : { first_rejection: String((firstRejection as PromiseRejectedResult).reason) }),
    distinct_tokens: distinct.size,
    wall_ms: round(wallMs, 2),
    keychain_calls: counting.calls,
  };
}

// ---- Main ----------------------------------------------------------------------------------

const provider = await startLocalProvider();
const dir = await mkdtemp(join(tmpdir(), 'tokentray-bench-engine-'));
try {
  // BENCH_ONLY=cli_cached,refresh,... runs only the named groups (while working on one figure).
  const only = process.env.BENCH_ONLY?.split(',').filter(Boolean);
  const groups: Array<[string, () => Promise<BenchResult[]>]> = [
    ['cli_cached', async () => [await benchCliCachedToken(provider)]],
    ['cli_broker', async () => [await benchCliCachedToken(provider, true)]],
    ['cli_exec_credential', async () => [await benchCliExecCredential(provider)]],
    ['refresh', async () => [await benchRefreshVsBareUndici(provider, dir)]],
    ['single_flight', async () => [await benchSingleFlight(provider, dir)]],
    ['counts', () => runEngineCountBenches(provider, dir, KEYCHAIN_SERVICE)],
    ['cli_refresh', async () => [await benchCliRefreshVsNodeFetch(provider, CLI_KEYCHAIN_SERVICE)]],
    ['scheduler', () => runSchedulerBenches()],
  ];
  for (const [group, run] of groups) {
    if (only !== undefined && !only.includes(group)) continue;
    for (const result of await run()) print(result);
  }
} finally {
  // Leave nothing behind in the keychain, even when it is not the throw-away one.
  const { vault } = engineParts(openEngine(dir, KEYCHAIN_SERVICE));
  for (const name of await vault.accountNames().catch(() => [])) {
    await vault.deleteAccount(name).catch(() => undefined);
  }
  await provider.close();
  await rm(dir, { recursive: true, force: true });
}
