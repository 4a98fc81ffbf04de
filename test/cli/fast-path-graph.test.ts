import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { CLI_PATH } from '../support/cli-runner.js';

/** The files `node tokentray.cjs` loads before it runs, following static imports only. */
async function staticGraph(entry: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const visit = async (file: string): Promise<void> => {
    if (files.has(file)) return;
    const code = await readFile(file, 'utf8');
    files.set(file, code);
    for (const m of code.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+["'](\.[^"']+)["'];?$/gm))
      await visit(join(dirname(file), m[1] as string));
    for (const m of code.matchAll(/^import\s+["'](\.[^"']+)["'];?$/gm))
      await visit(join(dirname(file), m[1] as string));
    for (const m of code.matchAll(/\brequire\(["'](\.[^"']+)["']\)/g))
      await visit(join(dirname(file), m[1] as string));
  };
  await visit(entry);
  return files;
}

// `tokentray token` answered by the running app should cost a Node start, one small module graph
// and one socket round trip (the cached path adds one keychain read). The built CLI's static graph
// is what Node loads before the first line runs: it must hold none of the full CLI's weight.
describe('the CLI fast path loads a small module graph', () => {
  test('no HTTP stack, no settings validator, no sign-in: a few tens of KiB in at most two files', async () => {
    const graph = await staticGraph(CLI_PATH);
    const bytes = [...graph.values()].reduce((n, code) => n + Buffer.byteLength(code), 0);
    assert.ok(
      graph.size <= 2,
      `the fast path loads ${graph.size} files: ${[...graph.keys()].join(', ')}`,
    );
    assert.ok(bytes < 64 * 1024, `the fast path loads ${bytes} bytes`);
    const sources = [...graph.values()].join('\n');
    // CommonJS: Node starts an ES module entry several milliseconds later (its module loader).
    assert.ok(!/^\s*(?:import|export)\s/m.test(sources), 'the fast path is an ES module');
    for (const heavy of [
      'node_modules/undici',
      'node_modules/conf',
      'node_modules/ajv',
      'oauth4webapi',
      'main/node/sign-in',
      'main/node/engine',
    ])
      assert.ok(!sources.includes(`// ${heavy}`), `the fast path bundles ${heavy}`);
    // Built-ins the full path needs (its code cache: node:crypto alone is ~2 ms) load on first use.
    for (const builtin of ['node:crypto', 'node:vm', 'node:v8'])
      assert.ok(!sources.includes(`require("${builtin}")`), `the fast path loads ${builtin}`);
    // What it does need is there: the broker client and the keychain read.
    assert.ok(sources.includes('// main/node/broker/broker-client.ts'));
    assert.ok(sources.includes('// main/node/keychain/secret-vault.ts'));
  });
});
