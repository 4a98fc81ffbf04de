// Injected into the Node bundles (esbuild.config.mjs): the Fetch classes that bundled code names
// as globals (oauth4webapi's Headers and Response checks, our own response rewriting) are taken
// from the undici that makes the requests. Node's global ones are its own copy of undici, which
// a CLI command otherwise loaded a second time (~7 ms) beside ours.
export { Headers } from 'undici/lib/web/fetch/headers.js';
export { Response } from 'undici/lib/web/fetch/response.js';
export { Request } from 'undici/lib/web/fetch/request.js';
