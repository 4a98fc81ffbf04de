import type { AccessTokenRecord, Account } from '../../common/account.js';
import type { Clock } from '../../common/clock.js';
import {
  startMetadataServer,
  type MetadataIdentity,
  type MetadataServer,
} from './gce-metadata-server.js';
import { appendTokenAudit } from './token-audit-log.js';

/** What serving one account as a metadata endpoint needs; the CLI and the app each provide it. */
export interface GceServeOptions {
  dataDir: string;
  account: Account;
  port: number;
  email?: string;
  projectId?: string;
  projectNumber?: string;
  getToken(): Promise<AccessTokenRecord>;
  clock: Clock;
}

/**
 * Serves one account on the GCE metadata protocol, every token handed out written to the audit
 * log. The email is the one asked for, else who signed in, else a placeholder that says it is one.
 */
export function serveAccountAsGce(options: GceServeOptions): Promise<MetadataServer> {
  const { account, dataDir, clock } = options;
  return startMetadataServer({
    port: options.port,
    identity: gceIdentity(account, options),
    getToken: options.getToken,
    clock,
    onTokenServed: ({ path, userAgent }) =>
      appendTokenAudit(dataDir, {
        at: new Date(clock.now()).toISOString(),
        account: account.name,
        surface: 'gce',
        path,
        userAgent,
      }),
  });
}

export function gceIdentity(
  account: Account,
  options: { email?: string; projectId?: string; projectNumber?: string },
): MetadataIdentity {
  const who = account.who !== undefined && account.who.includes('@') ? account.who : undefined;
  return {
    email: options.email ?? who ?? `email-unknown.${account.name}@placeholder.tokentray.invalid`,
    scopes: account.scopes,
    ...(options.projectId === undefined ? {} : { projectId: options.projectId }),
    ...(options.projectNumber === undefined ? {} : { projectNumber: options.projectNumber }),
  };
}
