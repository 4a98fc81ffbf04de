/* global __filename */
// Injected into the CommonJS build of the CLI's fast path (esbuild.config.mjs): what
// `import.meta.url` means there.
import { pathToFileURL } from 'node:url';
export const __tokentrayModuleUrl = pathToFileURL(__filename).href;
