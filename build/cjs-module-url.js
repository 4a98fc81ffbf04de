/* global __filename */
// Injected into the CommonJS builds of the CLI (esbuild.config.mjs): what `import.meta.url` means
// there. Made when first read: the fast path needs it only to load keytar, and making a URL at
// every start cost `tokentray token` ~0.2 ms.
import { pathToFileURL } from 'node:url';
export const __tokentrayImportMeta = {
  get url() {
    return pathToFileURL(__filename).href;
  },
};
