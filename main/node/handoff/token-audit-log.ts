import { appendFile, readFile, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * A record of every access token handed to another program (the GCE metadata endpoint), kept in
 * the data folder so the user can see who asked. It holds the time, the account, the path asked
 * and the caller's user agent: never the token.
 */
export interface TokenAuditEntry {
  /** ISO 8601. */
  at: string;
  account: string;
  /** Which hand-off served it, e.g. "gce". */
  surface: string;
  path: string;
  userAgent: string;
}

export const AUDIT_FILE = 'token-audit.log';
/** Past this size the log moves to `.1` (replacing the older one), so it never grows unbounded. */
const MAX_BYTES = 512 * 1024;
/** What any field may hold: printable text, short, so a caller cannot forge lines or flood it. */
const MAX_FIELD = 200;

export const auditLogPath = (dataDir: string): string => join(dataDir, AUDIT_FILE);

export async function appendTokenAudit(dataDir: string, entry: TokenAuditEntry): Promise<void> {
  const path = auditLogPath(dataDir);
  const size = await stat(path).then(
    (s) => s.size,
    () => 0,
  );
  if (size > MAX_BYTES) await rename(path, `${path}.1`).catch(() => undefined);
  const clean = Object.fromEntries(
    Object.entries(entry).map(([key, value]) => [key, printable(value)]),
  );
  await appendFile(path, `${JSON.stringify(clean)}\n`, { mode: 0o600 });
}

/** The latest `count` entries, newest first. A missing or damaged log reads as what is legible. */
export async function latestTokenAudit(dataDir: string, count: number): Promise<TokenAuditEntry[]> {
  let text: string;
  try {
    text = await readFile(auditLogPath(dataDir), 'utf8');
  } catch {
    return [];
  }
  const entries: TokenAuditEntry[] = [];
  for (const line of text.split('\n').reverse()) {
    if (entries.length >= count) break;
    const entry = parseEntry(line);
    if (entry !== undefined) entries.push(entry);
  }
  return entries;
}

function parseEntry(line: string): TokenAuditEntry | undefined {
  try {
    const value = JSON.parse(line) as Record<string, unknown>;
    const fields = ['at', 'account', 'surface', 'path', 'userAgent'] as const;
    if (!fields.every((f) => typeof value[f] === 'string')) return undefined;
    return Object.fromEntries(fields.map((f) => [f, value[f]])) as unknown as TokenAuditEntry;
  } catch {
    return undefined;
  }
}

function printable(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?').slice(0, MAX_FIELD);
}
