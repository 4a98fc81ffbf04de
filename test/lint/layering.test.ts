import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ESLint } from 'eslint';

// The runtime layering is a lint rule: an allow-list per folder (eslint-layering.js). Prove it
// bites: a forbidden import in each kind of folder is an error, and a folder without an entry is
// an error too; what a layer is allowed passes.
describe('layering lint rules (an allow-list per folder)', () => {
  const eslint = new ESLint();
  const messages = async (code: string, filePath: string) =>
    (await eslint.lintText(code, { filePath }))[0]?.messages ?? [];
  const layering = async (code: string, filePath: string) =>
    (await messages(code, filePath)).filter((m) => m.ruleId === 'layering/allowed-imports');

  const runtimeElectron = "import { app } from 'electron';\nexport const x = app;\n";
  const typeElectron = "import type { App } from 'electron';\nexport type X = App;\n";

  test('main/node and main/cli may not import electron at run time, but the desktop may import its types', async () => {
    for (const file of [
      'main/node/engine/example.ts',
      'main/cli/example.ts',
      'main/node/example.ts',
    ])
      assert.equal((await layering(runtimeElectron, file)).length, 1, file);
    assert.deepEqual(await layering(typeElectron, 'main/node/desktop/example.ts'), []);
    assert.equal((await layering(typeElectron, 'main/node/engine/example.ts')).length, 1);
  });

  test('main/common may not import Node built-ins or a higher layer', async () => {
    const builtin = "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n";
    assert.equal((await layering(builtin, 'main/common/example.ts')).length, 1);
    const higher = "import { x } from '../node/paths.js';\nexport const y = x;\n";
    const [found] = await layering(higher, 'main/common/example.ts');
    assert.match(found?.message ?? '', /main\/common may not import main\/node/);
  });

  test('the engine may not import sign-in; sign-in may import the engine', async () => {
    const toSignIn = "import { x } from '../sign-in/account-draft.js';\nexport const y = x;\n";
    const [found] = await layering(toSignIn, 'main/node/engine/example.ts');
    assert.match(found?.message ?? '', /main\/node\/engine may not import main\/node\/sign-in/);
    const toEngine = "import { x } from '../engine/token-engine.js';\nexport const y = x;\n";
    assert.deepEqual(await layering(toEngine, 'main/node/sign-in/example.ts'), []);
  });

  test('each folder inside main/node has its own packages', async () => {
    const undici = "import { fetch } from 'undici';\nexport const f = fetch;\n";
    assert.deepEqual(await layering(undici, 'main/node/oauth/example.ts'), []);
    assert.equal((await layering(undici, 'main/node/keychain/example.ts')).length, 1);
    assert.equal((await layering(undici, 'main/node/broker/example.ts')).length, 1);
    const keytar = "export const k = () => import('keytar');\n";
    assert.deepEqual(await layering(keytar, 'main/node/keychain/example.ts'), []);
    assert.equal((await layering(keytar, 'main/node/engine/example.ts')).length, 1);
  });

  test("only the engine's folder and sign-in may reach into the engine's parts", async () => {
    const code =
      "import { engineParts } from '../engine/token-engine.js';\nexport const p = engineParts;\n";
    const [found] = await layering(code, 'main/node/desktop/example.ts');
    assert.match(found?.message ?? '', /may not reach into the engine's parts/);
    assert.deepEqual(await layering(code, 'main/node/sign-in/example.ts'), []);
    const inEngine =
      "import { engineParts } from './token-engine.js';\nexport const p = engineParts;\n";
    assert.deepEqual(await layering(inEngine, 'main/node/engine/example.ts'), []);
  });

  test('the broker may know the engine only as a type', async () => {
    const runtime =
      "import { TokenEngine } from '../engine/token-engine.js';\nexport const e = TokenEngine;\n";
    assert.equal((await layering(runtime, 'main/node/broker/example.ts')).length, 1);
    const typeOnly =
      "import type { TokenEngine } from '../engine/token-engine.js';\nexport type E = TokenEngine;\n";
    assert.deepEqual(await layering(typeOnly, 'main/node/broker/example.ts'), []);
  });

  test('preload/ may import electron and main/common only', async () => {
    assert.deepEqual(await layering(runtimeElectron, 'preload/example.ts'), []);
    const node = "import { x } from '../main/node/paths.js';\nexport const y = x;\n";
    assert.equal((await layering(node, 'preload/example.ts')).length, 1);
    const builtin = "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n";
    assert.equal((await layering(builtin, 'preload/example.ts')).length, 1);
  });

  test('the renderer is browser code: no Node, no electron, no main/node', async () => {
    const builtin = "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n";
    const node = "import { x } from '../../main/node/paths.js';\nexport const y = x;\n";
    for (const code of [builtin, node, runtimeElectron])
      assert.equal((await layering(code, 'renderer/accounts/example.ts')).length, 1, code);
    const common = "import { x } from '../../main/common/account.js';\nexport const y = x;\n";
    assert.deepEqual(await layering(common, 'renderer/accounts/example.ts'), []);
  });

  test('a folder with no entry in the allow-list is an error until it gets one', async () => {
    const [found] = await layering(
      "import { x } from '../common/account.js';\nexport const y = x;\n",
      'main/new-folder/example.ts',
    );
    assert.match(found?.message ?? '', /in no layer/);
  });

  test('the Electron glue may import electron', async () => {
    assert.deepEqual(await messages(runtimeElectron, 'main/electron/example.ts'), []);
  });
});
