// `tokentray refresh` in a new process (no app running) against a new `node` process that makes
// one bare fetch() POST of the same grant to the same endpoint: what TokenTray adds to a refresh
// from the shell is its module graph, the settings, the lock and the keychain.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NO_WASM_TIER_UP } from '../../main/cli/full-cli-loader.js';
import { CLI_PATH, runNode, tokentray } from '../support/cli-runner.js';
import type { LocalProvider } from '../support/local-provider.js';
import type { BenchResult } from './bench-result.js';
import { median, round } from './stats.js';
import { pastedAdd } from '../support/pasted-add.js';
import { refreshGrantBody } from './bare-refresh.js';

const WARMUPS = 3;
const RUNS = 20;
const TARGET = 1.3;
const STARTUP_ENV = ['NODE_OPTIONS', 'NODE_EXTRA_CA_CERTS'];

export async function benchCliRefreshVsNodeFetch(
  provider: LocalProvider,
  service: string,
): Promise<BenchResult> {
  const home = await mkdtemp(join(tmpdir(), 'tokentray-bench-refresh-'));
  // googleLike: no rotation, so the bare side may present the same refresh token every time.
  const pasted = await pastedAdd(provider, 'bench-refresh', { client: 'googleLike' });
  const { clientId } = provider.clients.googleLike;
  const { TOKENTRAY_CLIENT_SECRET: clientSecret, TOKENTRAY_REFRESH_TOKEN: refreshToken } =
    pasted.env;
  const cliEnv = { TOKENTRAY_KEYCHAIN_SERVICE: service };
  try {
    const added = await tokentray(pasted.args, home, { ...cliEnv, ...pasted.env });
    if (added.code !== 0) throw new Error(`tokentray add failed: ${added.stderr}`);
    const env: NodeJS.ProcessEnv = {
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !STARTUP_ENV.includes(k))),
      ...cliEnv,
      TOKENTRAY_HOME: home,
    };
    const body = refreshGrantBody(refreshToken, clientId, clientSecret);
    // The secret goes through the environment, not argv, as everywhere else.
    const bareEnv = { ...env, BENCH_URL: provider.tokenEndpoint, BENCH_BODY: body };
    const bareScript =
      "const r = await fetch(process.env.BENCH_URL, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: process.env.BENCH_BODY }); const j = await r.json(); if (typeof j.access_token !== 'string') process.exit(1);";
    const baseline: number[] = [];
    const subject: number[] = [];
    // The bare fetch under the V8 flag the CLI sets for itself (full-cli-loader.ts): Node's fetch
    // pays for the same background WebAssembly tier-up at exit, which the CLI no longer waits for,
    // so this second baseline shows what is left once that cost is out of both.
    const sameFlags: number[] = [];
    let failures = 0;
    provider.resetCounts();
    for (let i = 0; i < WARMUPS + RUNS; i++) {
      const b = await runNode(['--input-type=module', '-e', bareScript], bareEnv);
      const s = await runNode([CLI_PATH, 'refresh', 'bench-refresh'], env);
      const f = await runNode([NO_WASM_TIER_UP, '--input-type=module', '-e', bareScript], bareEnv);
      if (b.code !== 0 || s.code !== 0 || f.code !== 0) failures++;
      if (i >= WARMUPS) {
        baseline.push(b.ms);
        subject.push(s.ms);
        sameFlags.push(f.ms);
      }
    }
    const counts = provider.counts();
    const value = median(subject);
    const base = median(baseline);
    const ratio = value / base;
    return {
      name: 'cli_refresh_vs_node_fetch',
      value: round(ratio, 3),
      unit: 'ratio',
      median_ms: round(value, 2),
      baseline: round(base, 2),
      baseline_unit: 'ms',
      baseline_what: 'node --input-type=module -e "await fetch(POST grant_type=refresh_token)"',
      paired_ratio: round(median(subject.map((s, i) => s / (baseline[i] as number))), 3),
      baseline_same_v8_flags_ms: round(median(sameFlags), 2),
      ratio_vs_same_v8_flags: round(value / median(sameFlags), 3),
      target: TARGET,
      target_op: '<=',
      within_target: ratio <= TARGET && failures === 0 && counts.error === 0,
      samples: RUNS,
      warmups: WARMUPS,
      failed_runs: failures,
      requests_sent: counts.total,
      requests_expected: 3 * (WARMUPS + RUNS),
    };
  } finally {
    await tokentray(['remove', 'bench-refresh', '--no-revoke'], home, cliEnv).catch(
      () => undefined,
    );
    await rm(home, { recursive: true, force: true });
  }
}
