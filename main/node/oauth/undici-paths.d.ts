// Types for the undici files ./undici-parts.ts imports by path; their values are undici's own.
declare module 'undici/lib/dispatcher/agent.js' {
  import type { Agent } from 'undici';
  const AgentClass: typeof Agent;
  export = AgentClass;
}
declare module 'undici/lib/dispatcher/env-http-proxy-agent.js' {
  import type { EnvHttpProxyAgent } from 'undici';
  const EnvHttpProxyAgentClass: typeof EnvHttpProxyAgent;
  export = EnvHttpProxyAgentClass;
}
declare module 'undici/lib/web/fetch/index.js' {
  import type { fetch } from 'undici';
  const fetchModule: { fetch: typeof fetch };
  export = fetchModule;
}
