/**
 * git's credential helper protocol, as `git help credential` ("INPUT/OUTPUT FORMAT") describes it:
 * `key=value` lines, ended by a blank line or the end of input; the answer is lines of the same
 * form. https://git-scm.com/docs/git-credential#IOFMT
 */

/** One request from git: the attributes it sent (protocol, host, path, username, password...). */
export type CredentialRequest = ReadonlyMap<string, string>;

/** Longer input is not git's; stop reading rather than buffer it. */
const MAX_REQUEST_BYTES = 64 * 1024;

/** Reads git's request from `input`, up to a blank line or the end of input. */
export async function readCredentialRequest(
  input: NodeJS.ReadableStream,
): Promise<CredentialRequest> {
  let text = '';
  for await (const chunk of input) {
    text += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
    if (/(^|\n)\r?\n/.test(text) || text.length > MAX_REQUEST_BYTES) break;
  }
  return parseCredentialRequest(text);
}

export function parseCredentialRequest(text: string): CredentialRequest {
  const request = new Map<string, string>();
  for (const line of text.split('\n')) {
    const trimmed = line.replace(/\r$/, '');
    if (trimmed === '') break;
    const eq = trimmed.indexOf('=');
    if (eq > 0) request.set(trimmed.slice(0, eq), trimmed.slice(eq + 1));
  }
  return request;
}

/** The answer to `get`: values that hold a newline or NUL cannot be sent, so none are. */
export function formatCredentialAnswer(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([key, value]) => `${key}=${value.replace(/[\n\0]/g, '')}\n`)
    .join('');
}

const DEFAULT_PORTS: Record<string, number> = { https: 443, http: 80 };
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

interface HostPort {
  hostname: string;
  port: number | undefined;
}

/** `host` as git sends it and as `--host` takes it: a name or address, maybe `:port`, IPv6 in []. */
export function parseHost(host: string): HostPort | undefined {
  const match = /^(\[[0-9A-Fa-f:.]+\]|[^:[\]/@\s]+)(?::(\d{1,5}))?$/.exec(host);
  if (match === null || match[1] === undefined) return undefined;
  const port = match[2] === undefined ? undefined : Number(match[2]);
  if (port !== undefined && (port < 1 || port > 65_535)) return undefined;
  return { hostname: match[1].replace(/^\[|\]$/g, '').toLowerCase(), port };
}

/**
 * Whether a request is one this account answers: https, or http to a loopback address (where no
 * network can read the token), to exactly the account's host. A host given without a port means
 * the protocol's default port and no other.
 */
export function requestMatchesHost(request: CredentialRequest, accountHost: string): boolean {
  const protocol = request.get('protocol');
  const wanted = parseHost(accountHost);
  const asked = parseHost(request.get('host') ?? '');
  if (protocol === undefined || wanted === undefined || asked === undefined) return false;
  const defaultPort = DEFAULT_PORTS[protocol];
  if (defaultPort === undefined) return false;
  if (protocol === 'http' && !LOOPBACK.has(asked.hostname)) return false;
  return (
    asked.hostname === wanted.hostname &&
    (asked.port ?? defaultPort) === (wanted.port ?? defaultPort)
  );
}
