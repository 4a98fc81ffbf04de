import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveDataDir } from '../node/paths.js';
import { codeCacheFile, codeCacheKey } from './code-cache.js';
import { isCommandName, requestsThenExits } from './command-names.js';
import type * as FullCliModule from './run-cli.js';

type FullCli = typeof FullCliModule;

/**
 * Most commands make an HTTP request or two and exit (./command-names.ts says which). undici
 * parses HTTP with llhttp, compiled to WebAssembly; V8 runs it on baseline (Liftoff) code at once,
 * and after a little use starts optimizing it with TurboFan on a background thread, which took
 * ~40 ms of CPU that the process then waited for at exit (Node drains V8's background tasks before
 * it ends): a quarter of a `tokentray refresh`. The baseline code parses a token response as fast
 * as it arrives. Set before the script is compiled, so its code cache is made and checked under
 * the same flags (a command's flags never change, and each command has its own cache).
 */
export const NO_WASM_TIER_UP = '--wasm-tiering-budget=2000000000';

/**
 * The full CLI (./run-cli.ts), built as one CommonJS file beside this one (esbuild.config.mjs),
 * loaded the way Node loads a CommonJS module but through a vm.Script given V8's compiled code
 * from the last run of the same command (./code-cache.ts): parsing and compiling its megabyte of
 * JavaScript (undici, oauth4webapi, conf and ours) was ~20 ms of every `tokentray refresh`,
 * and Node 20 has no module compile cache of its own (module.enableCompileCache is Node 22's).
 * `saveCompiledCode` (after the command ran, so the cache holds the functions it compiled) writes
 * the cache when there was none to use, or V8 turned it down (another Node, other V8 flags).
 */
export function loadFullCli(
  command: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): FullCli & { saveCompiledCode(): void } {
  const file = fileURLToPath(new URL('./run-cli.cjs', import.meta.url));
  const bytes = readFileSync(file);
  // Help, the version and mistyped commands share one file: a typo never names a file.
  const cacheName = isCommandName(command) ? command : 'other';
  const cache = codeCacheFile(resolveDataDir(env), cacheName, codeCacheKey(bytes));
  const text = bytes.toString('utf8');
  const cachedData = cache.read();
  // node:v8, node:vm and node:module are taken here, on first use, as node:crypto in
  // ./code-cache.ts: the fast path never needs them, and importing node:module alone (for
  // createRequire) cost its every start ~0.3 ms.
  if (requestsThenExits(command))
    process.getBuiltinModule('node:v8').setFlagsFromString(NO_WASM_TIER_UP);
  // Node's own CommonJS wrapper: the bundle sees the same five names it would under require().
  const script = new (process.getBuiltinModule('node:vm').Script)(
    `(function (exports, require, module, __filename, __dirname) { ${text}\n})`,
    { filename: file, ...(cachedData === undefined ? {} : { cachedData }) },
  );
  const module = { exports: {} as FullCli };
  (script.runInThisContext() as (...args: unknown[]) => void).call(
    module.exports,
    module.exports,
    process.getBuiltinModule('node:module').createRequire(file),
    module,
    file,
    dirname(file),
  );
  return {
    ...module.exports,
    saveCompiledCode: () => {
      if (cachedData !== undefined && !script.cachedDataRejected) return;
      try {
        cache.write(script.createCachedData());
      } catch {
        // A cache that cannot be made costs the next run its compile, nothing more.
      }
    },
  };
}
