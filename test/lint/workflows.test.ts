import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  convertWorkflowTemplate,
  NoOperationTraceWriter,
  parseWorkflow,
} from '@actions/workflow-parser';
import { load } from 'js-yaml';

// The GitHub Actions workflows, checked with @actions/workflow-parser: GitHub's own parser and
// workflow schema (actions/languageservices, behind the VS Code Actions extension). SchemaStore's
// JSON schema ships in no npm package (@schemastore/github-workflow holds only TypeScript types),
// and GitHub's schema is the one Actions itself applies.

const dir = fileURLToPath(new URL('../../.github/workflows/', import.meta.url));
const workflows = readdirSync(dir).filter((f) => f.endsWith('.yml'));

async function problems(name: string, content: string): Promise<string[]> {
  const parsed = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors().map((e) => e.message);
  if (parsed.value === undefined) return errors.length > 0 ? errors : ['nothing parsed'];
  const template = await convertWorkflowTemplate(parsed.context, parsed.value);
  return [...errors, ...(template.errors ?? []).map((e) => e.Message)];
}

interface Step {
  name?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
}
const ci = load(readFileSync(join(dir, 'ci.yml'), 'utf8')) as {
  on: Record<string, unknown>;
  jobs: Record<
    string,
    {
      strategy: { matrix: { os: string[]; node: number[] } };
      env: Record<string, string>;
      steps: Step[];
    }
  >;
};

describe('GitHub Actions workflows', () => {
  for (const file of workflows) {
    test(`${file} is valid by GitHub's workflow schema`, async () => {
      assert.deepEqual(await problems(file, readFileSync(join(dir, file), 'utf8')), []);
    });
  }

  test('a misspelt key or a wrong value is caught', async () => {
    const content = readFileSync(join(dir, 'ci.yml'), 'utf8')
      .replace('runs-on:', 'run-on:')
      .replace(/timeout-minutes: \d+/, 'timeout-minutes: soon');
    const found = await problems('ci.yml', content);
    assert.ok(
      found.some((p) => /Unexpected value 'run-on'/.test(p)),
      found.join('\n'),
    );
    assert.ok(
      found.some((p) => /Unexpected value 'soon'/.test(p)),
      found.join('\n'),
    );
  });

  test('CI runs on every push and pull request, on three systems with Node 20 and 22', () => {
    assert.deepEqual(Object.keys(ci.on).sort(), ['pull_request', 'push']);
    const job = ci.jobs.test;
    assert.ok(job);
    assert.deepEqual(job.strategy.matrix.os.sort(), [
      'macos-latest',
      'ubuntu-latest',
      'windows-latest',
    ]);
    assert.deepEqual(job.strategy.matrix.node, [20, 22]);
    // Electron downloads there: a missing binary fails instead of skipping.
    assert.equal(job.env.TOKENTRAY_E2E_REQUIRED, '1');
  });

  test('in order: npm test, e2e on the downloaded Electron, dir packaging, e2e on dist:e2e', () => {
    const steps = ci.jobs.test?.steps ?? [];
    const at = (what: (s: Step) => boolean, label: string): number => {
      const i = steps.findIndex(what);
      assert.ok(i >= 0, `no step: ${label}`);
      return i;
    };
    const npmTest = at((s) => s.run === 'npm test' || s.run === 'bash .ci/run', 'npm test');
    const e2e = at(
      (s) => /test\/e2e\/\*\.e2e\.test\.ts/.test(s.run ?? '') && s.env === undefined,
      'e2e',
    );
    const packaging = at((s) => /test\/packaging\/packaging\.test\.ts/.test(s.run ?? ''), 'dir');
    const distE2e = at((s) => /npm run dist:e2e/.test(s.run ?? ''), 'dist:e2e');
    const packagedE2e = at((s) => s.env?.TOKENTRAY_E2E_PACKAGED === '1', 'packaged e2e');
    assert.ok(npmTest < e2e && e2e < packaging && packaging < distE2e && distE2e < packagedE2e);
    // Linux has no display on the runner: Electron runs under xvfb.
    for (const i of [e2e, packagedE2e]) assert.match(steps[i]?.run ?? '', /xvfb-run -a/);
  });
});
