import type * as Undici from 'undici';
import AgentClass from 'undici/lib/dispatcher/agent.js';
import EnvHttpProxyAgentClass from 'undici/lib/dispatcher/env-http-proxy-agent.js';
import fetchModule from 'undici/lib/web/fetch/index.js';

/**
 * The three parts of undici the OAuth client uses, from their own files. undici's index loads
 * every part it has (mock agents, caches, WebSocket, EventSource, pools...): about a megabyte
 * that every CLI command which makes a request paid ~20 ms to load, for nothing. Same files as the
 * index loads, so they are the same classes as `undici`'s own (tests pass its MockAgent).
 * Types come from the package's own declarations (./undici-paths.d.ts maps the paths).
 */
export const Agent: typeof Undici.Agent = AgentClass;
export const EnvHttpProxyAgent: typeof Undici.EnvHttpProxyAgent = EnvHttpProxyAgentClass;
export const fetch: typeof Undici.fetch = fetchModule.fetch;
export type Dispatcher = Undici.Dispatcher;
