import type { Clock } from '../../common/clock.js';
import { formatError } from '../../common/redact.js';
import type { TokenEngine } from '../engine/token-engine.js';
import type { SettingsStore } from '../settings/settings-store.js';
import type { MetadataServer } from './gce-metadata-server.js';
import { serveAccountAsGce } from './serve-gce.js';

/** What the app's endpoint is built from: its engine, and the settings that name the account. */
export interface AppGceParts {
  engine: Pick<TokenEngine, 'getToken'>;
  settings: Pick<SettingsStore, 'options' | 'account'>;
  dataDir: string;
  clock: Clock;
  warn: (message: string) => void;
}

/**
 * The app's side of `serve --gce`: when the `gceMetadata` option names an account, serve it on its
 * fixed port for as long as the app runs, from the app's own engine. Read at start: changing the
 * option takes effect at the next start. A failure is reported through `warn` and serves nothing.
 */
export async function startConfiguredGce(parts: AppGceParts): Promise<MetadataServer | undefined> {
  const { engine, settings, dataDir, clock, warn } = parts;
  const option = settings.options().gceMetadata;
  if (option === undefined) return undefined;
  const account = settings.account(option.account);
  if (account === undefined) {
    warn(`the GCE metadata endpoint names the account "${option.account}", which does not exist.`);
    return undefined;
  }
  try {
    return await serveAccountAsGce({
      dataDir,
      account,
      port: option.port,
      // The default rule, as `token` without --min-ttl: a passing refresh failure still serves
      // the valid token, and says so.
      getToken: () => engine.getToken(account.name, { onWarning: warn }),
      clock,
      ...(option.email === undefined ? {} : { email: option.email }),
      ...(option.projectId === undefined ? {} : { projectId: option.projectId }),
      ...(option.projectNumber === undefined ? {} : { projectNumber: option.projectNumber }),
    });
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? formatError(err);
    warn(`the GCE metadata endpoint could not listen on 127.0.0.1:${option.port} (${reason}).`);
    return undefined;
  }
}
