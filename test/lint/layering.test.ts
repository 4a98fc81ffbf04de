import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ESLint } from 'eslint';

// The runtime layering is a lint rule (eslint.config.js). Prove it bites: the engine, CLI and
// common code may not load Electron at run time, and main/common may not use Node built-ins.
describe('layering lint rules', () => {
  const eslint = new ESLint();
  const messages = async (code: string, filePath: string) =>
    (await eslint.lintText(code, { filePath }))[0]?.messages.map((m) => m.ruleId) ?? [];

  test('main/node and main/cli may not import electron at run time, but may import its types', async () => {
    for (const file of ['main/node/engine/example.ts', 'main/cli/example.ts']) {
      assert.ok(
        (await messages("import { app } from 'electron';\nexport const x = app;\n", file)).includes(
          '@typescript-eslint/no-restricted-imports',
        ),
      );
      assert.deepEqual(
        await messages("import type { App } from 'electron';\nexport type X = App;\n", file),
        [],
      );
    }
  });

  test('main/common may not import Node built-ins or a higher layer', async () => {
    assert.ok(
      (
        await messages(
          "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n",
          'main/common/example.ts',
        )
      ).includes('@typescript-eslint/no-restricted-imports'),
    );
    assert.ok(
      (
        await messages(
          "import { x } from '../node/paths.js';\nexport const y = x;\n",
          'main/common/example.ts',
        )
      ).includes('@typescript-eslint/no-restricted-imports'),
    );
  });

  test('the Electron glue may import electron', async () => {
    assert.deepEqual(
      await messages(
        "import { app } from 'electron';\nexport const x = app;\n",
        'main/electron/example.ts',
      ),
      [],
    );
  });
});
