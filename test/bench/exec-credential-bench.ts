// cli_exec_credential_vs_node: the kubectl credential plugin path (`tokentray token <name> --format
// exec-credential`, as kubectl runs it on every call: a new process, the token cached), against
// starting Node (`node -e 0`), interleaved in the same run. Same target as the cached `token`.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { engineParts } from '../../main/node/engine/token-engine.js';
import { addRotatingAccount, openEngine } from '../support/engine-fixture.js';
import { CLI_PATH, runNode } from '../support/cli-runner.js';
import type { LocalProvider } from '../support/local-provider.js';
import type { BenchResult } from './bench-result.js';
import { median, round } from './stats.js';

const SERVICE = 'TokenTray-bench-exec-credential';
const WARMUPS = 3;
const RUNS = 30;
/** The cached `token` figure's target (CLI_CACHED_TARGET in run-benchmarks.ts): the plugin path is the same fast path. */
const TARGET = 1.6;
/** What kubectl sets for a v1 plugin (client.authentication.k8s.io/v1 ExecCredential input). */
const KUBERNETES_EXEC_INFO = JSON.stringify({
  apiVersion: 'client.authentication.k8s.io/v1',
  kind: 'ExecCredential',
  spec: { interactive: false },
});

export async function benchCliExecCredential(provider: LocalProvider): Promise<BenchResult> {
  const home = await mkdtemp(join(tmpdir(), 'tokentray-bench-kube-'));
  const engine = openEngine(home, SERVICE);
  try {
    await addRotatingAccount(engine, provider, 'bench');
    // Without what changes Node's own start-up (as the cached `token` figure does).
    const env: NodeJS.ProcessEnv = {
      ...Object.fromEntries(
        Object.entries(process.env).filter(
          ([k]) => k !== 'NODE_OPTIONS' && k !== 'NODE_EXTRA_CA_CERTS',
        ),
      ),
      TOKENTRAY_HOME: home,
      TOKENTRAY_KEYCHAIN_SERVICE: SERVICE,
      KUBERNETES_EXEC_INFO,
    };
    provider.resetCounts();
    const baseline: number[] = [];
    const subject: number[] = [];
    // Context: the plain cached `token` in the same loop, to show the plugin path costs the same.
    const plain: number[] = [];
    let failures = 0;
    for (let i = 0; i < WARMUPS + RUNS; i++) {
      const b = await runNode(['-e', '0'], env);
      const s = await runNode([CLI_PATH, 'token', 'bench', '--format', 'exec-credential'], env);
      const p = await runNode([CLI_PATH, 'token', 'bench'], env);
      const ok = p.code === 0 && s.code === 0 && /"kind":"ExecCredential"/.test(s.stdout);
      if (!ok || b.code !== 0) failures++;
      if (i >= WARMUPS) {
        baseline.push(b.ms);
        subject.push(s.ms);
        plain.push(p.ms);
      }
    }
    const requestsSent = provider.counts().total;
    const ratio = median(subject) / median(baseline);
    return {
      name: 'cli_exec_credential_vs_node',
      value: round(ratio, 3),
      unit: 'ratio',
      median_ms: round(median(subject), 2),
      baseline: round(median(baseline), 2),
      baseline_unit: 'ms',
      baseline_what: 'node -e 0',
      paired_ratio: round(median(subject.map((s, i) => s / (baseline[i] ?? s))), 3),
      cached_token_median_ms: round(median(plain), 2),
      vs_cached_token: round(median(subject) / median(plain), 3),
      target: TARGET,
      target_op: '<=',
      within_target: ratio <= TARGET && failures === 0 && requestsSent === 0,
      samples: RUNS,
      warmups: WARMUPS,
      requests_sent: requestsSent,
      failed_runs: failures,
    };
  } finally {
    await engineParts(engine)
      .vault.deleteAccount('bench')
      .catch(() => undefined);
    await rm(home, { recursive: true, force: true });
  }
}
