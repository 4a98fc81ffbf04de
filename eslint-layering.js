// @ts-check
// The runtime layering as an allow-list (see ../shared/STYLE.md, "Layer by runtime"): each
// folder names the folders and packages it may import. Anything else is an error, and so is a
// folder with no entry here, so a new folder gets a rule before it gets code.
import path from 'node:path';

/**
 * @typedef {object} Layer
 * @property {string} folder   repository-relative; a file belongs to the longest folder that holds it
 * @property {string[]} may    folders it may import at run time (its own is always allowed)
 * @property {string[]} packages  packages it may import at run time; 'node:*' means every built-in
 * @property {string[]} [types]   packages or folders it may import with `import type` only
 */

const NODE = ['node:*'];
const ELECTRON_TYPES = ['electron'];

/** @type {Layer[]} */
export const LAYERS = [
  // Runs in any JS runtime: the Electron main process, Node, the renderer.
  { folder: 'main/common', may: [], packages: [] },
  // main/node runs under plain Node; Electron only as types, so the glue can be checked against it.
  { folder: 'main/node', may: ['main/common'], packages: NODE },
  // keytar is CommonJS, loaded through createRequire (ESM import() of it from app.asar has regressed).
  { folder: 'main/node/keychain', may: ['main/common'], packages: ['keytar', 'node:module'] },
  {
    folder: 'main/node/oauth',
    may: ['main/common'],
    packages: [...NODE, 'oauth4webapi', 'undici'],
  },
  {
    folder: 'main/node/settings',
    may: ['main/common', 'main/node'],
    // ajv-formats: the formats its generated validator calls (settings-formats.ts).
    packages: [...NODE, 'ajv-formats'],
    types: ['conf'],
  },
  // The engine knows nothing of how accounts are signed in: sign-in builds on it, not around.
  {
    folder: 'main/node/engine',
    may: [
      'main/common',
      'main/node',
      'main/node/keychain',
      'main/node/oauth',
      'main/node/settings',
    ],
    packages: NODE,
  },
  {
    folder: 'main/node/broker',
    may: ['main/common', 'main/node'],
    packages: NODE,
    types: ['main/node/engine'],
  },
  {
    folder: 'main/node/sign-in',
    may: ['main/common', 'main/node', 'main/node/engine', 'main/node/oauth'],
    packages: NODE,
  },
  // Hand-offs (the GCE metadata endpoint, its audit log) serve what an engine hands them.
  {
    folder: 'main/node/handoff',
    may: ['main/common'],
    packages: NODE,
    types: ['main/node/engine', 'main/node/settings'],
  },
  // The desktop's URL policy uses the oauth folder's one loopback rule (isLoopbackHost); its
  // accounts window lists the hand-offs' audit log.
  {
    folder: 'main/node/desktop',
    may: [
      'main/common',
      'main/node',
      'main/node/engine',
      'main/node/handoff',
      'main/node/oauth',
      'main/node/sign-in',
    ],
    packages: NODE,
    types: ['main/node/settings', ...ELECTRON_TYPES],
  },
  {
    folder: 'main/cli',
    may: [
      'main/common',
      'main/node',
      'main/node/broker',
      'main/node/engine',
      'main/node/handoff',
      'main/node/keychain',
      'main/node/oauth',
      'main/node/settings',
      'main/node/sign-in',
    ],
    packages: [...NODE, 'conf'],
  },
  {
    folder: 'main/launcher',
    may: ['main/common', 'main/node'],
    packages: NODE,
    types: ELECTRON_TYPES,
  },
  // The Electron glue composes everything but the CLI.
  {
    folder: 'main/electron',
    may: [
      'main/common',
      'main/node',
      'main/node/broker',
      'main/node/desktop',
      'main/node/engine',
      'main/node/handoff',
      'main/node/keychain',
      'main/node/oauth',
      'main/node/settings',
      'main/node/sign-in',
    ],
    packages: [...NODE, 'electron', 'electron-store', 'electron-updater'],
  },
  // The preload bridges the typed IPC contract and nothing else.
  { folder: 'preload', may: ['main/common'], packages: ['electron'] },
  // The renderer is browser code: it talks to main only through the preload API.
  { folder: 'renderer/shared', may: ['main/common'], packages: [] },
  { folder: 'renderer/accounts', may: ['main/common', 'renderer/shared'], packages: [] },
  { folder: 'renderer/settings', may: ['main/common', 'renderer/shared'], packages: [] },
];

/** The engine's parts (engineParts) are for the layers that build them into accounts, and tests. */
const ENGINE_PART_USERS = ['main/node/engine', 'main/node/sign-in'];

const FOLDERS = LAYERS.map((l) => l.folder).sort((a, b) => b.length - a.length);

/** The layer folder a repository-relative file belongs to, or undefined. */
function folderOf(file) {
  return FOLDERS.find((f) => file === f || file.startsWith(`${f}/`));
}

function packageName(source) {
  if (source.startsWith('node:')) return source;
  const parts = source.split('/');
  return source.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? source);
}

function allowsPackage(list, name) {
  return list.some((p) => p === name || (p === 'node:*' && name.startsWith('node:')));
}

/** @type {import('eslint').Rule.RuleModule} */
const allowedImports = {
  meta: {
    type: 'problem',
    docs: { description: 'Each folder imports only what its layer allows (eslint-layering.js).' },
    schema: [],
  },
  create(context) {
    const file = path.relative(context.cwd, context.filename).split(path.sep).join('/');
    const own = folderOf(file);
    const layer = LAYERS.find((l) => l.folder === own);
    const check = (node, source, typeOnly) => {
      if (typeof source !== 'string') return;
      if (layer === undefined) {
        context.report({
          node,
          message: `${file} is in no layer: give its folder an entry in eslint-layering.js before it imports anything.`,
        });
        return;
      }
      const types = typeOnly ? (layer.types ?? []) : [];
      if (source.startsWith('.')) {
        const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), source));
        const folder = folderOf(target) ?? target;
        if (folder === own || layer.may.includes(folder) || types.includes(folder)) return;
        context.report({
          node,
          message: `${own} may not import ${folder}${typeOnly ? '' : ' at run time'}; it may import ${[own, ...layer.may].join(', ')} (eslint-layering.js).`,
        });
        return;
      }
      const name = packageName(source);
      if (allowsPackage(layer.packages, name) || allowsPackage(types, name)) return;
      context.report({
        node,
        message: `${own} may not import "${name}"${typeOnly ? '' : ' at run time'}; its packages are: ${layer.packages.join(', ') || 'none'}${layer.types === undefined ? '' : `, and as types: ${layer.types.join(', ')}`} (eslint-layering.js).`,
      });
    };
    const isTypeOnly = (node) =>
      node.importKind === 'type' ||
      node.exportKind === 'type' ||
      (node.specifiers?.length > 0 &&
        node.specifiers.every((s) => s.importKind === 'type' || s.exportKind === 'type'));
    const checkEngineParts = (node) => {
      const source = node.source.value;
      if (typeof source !== 'string' || !source.startsWith('.') || own === undefined) return;
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), source));
      if (folderOf(target) !== 'main/node/engine' || ENGINE_PART_USERS.includes(own)) return;
      for (const s of node.specifiers ?? []) {
        if (s.type === 'ImportSpecifier' && s.imported.name === 'engineParts')
          context.report({
            node: s,
            message: `${own} may not reach into the engine's parts: use its operations (engineParts is for ${ENGINE_PART_USERS.join(' and ')}).`,
          });
      }
    };
    return {
      ImportDeclaration: (node) => {
        check(node, node.source.value, isTypeOnly(node));
        checkEngineParts(node);
      },
      ExportNamedDeclaration: (node) =>
        node.source && check(node, node.source.value, isTypeOnly(node)),
      ExportAllDeclaration: (node) => check(node, node.source.value, node.exportKind === 'type'),
      ImportExpression: (node) =>
        node.source.type === 'Literal' && check(node, node.source.value, false),
    };
  },
};

export const layeringPlugin = { rules: { 'allowed-imports': allowedImports } };
