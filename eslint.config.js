// @ts-check
// Lint is where the runtime layering is enforced (see ../shared/STYLE.md, "Layer by runtime"):
// main/common runs anywhere, main/node and main/cli run under plain Node, only main/electron and
// preload/ may load Electron at run time. Each folder's allow-list is in ./eslint-layering.js.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { layeringPlugin } from './eslint-layering.js';

const noElectronAtRuntime = {
  name: 'electron',
  message: 'Tests run under plain Node: use `import type` from electron.',
  allowTypeImports: true,
};

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'main/node/settings/generated/*.js'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { parserOptions: { projectService: false } },
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // The runtime layering: an allow-list per folder, in ./eslint-layering.js.
    files: ['main/**/*.ts', 'preload/**/*.ts', 'renderer/**/*.ts'],
    plugins: { layering: layeringPlugin },
    rules: { 'layering/allowed-imports': 'error' },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [noElectronAtRuntime],
          patterns: [
            {
              group: ['**/electron/**'],
              message: 'Plain-Node layers may not import the Electron glue.',
            },
          ],
        },
      ],
    },
  },
  {
    // ipcRenderer belongs to the preload alone; everything else goes through its named API.
    files: ['main/electron/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              importNames: ['ipcRenderer'],
              message: 'Only preload/ may use ipcRenderer.',
            },
          ],
        },
      ],
    },
  },
  // Electron's security checklist, where lint can see it (test/lint/security.test.ts checks the
  // rest): IPC handlers only through the gate, windows only from the one secure factory.
  ...[
    { file: 'main/electron/ipc-gate.ts', banned: ['ipcRenderer', 'BrowserWindow'] },
    { file: 'main/electron/secure-window.ts', banned: ['ipcRenderer', 'ipcMain'] },
    { file: undefined, banned: ['ipcRenderer', 'ipcMain', 'BrowserWindow'] },
  ].map(({ file, banned }) => ({
    files: file === undefined ? ['main/electron/**/*.ts'] : [file],
    ...(file === undefined
      ? { ignores: ['main/electron/ipc-gate.ts', 'main/electron/secure-window.ts'] }
      : {}),
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              importNames: banned,
              allowTypeImports: true,
              message:
                'ipcRenderer belongs to preload/, ipcMain to main/electron/ipc-gate.ts, and new BrowserWindow to main/electron/secure-window.ts.',
            },
          ],
        },
      ],
    },
  })),
  {
    files: ['**/*.js', '**/*.mjs'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
