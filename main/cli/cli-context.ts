import Conf from 'conf';
import { loadKeytar } from '../node/keychain/keychain-backend.js';
import { SecretVault, keychainService } from '../node/keychain/secret-vault.js';
import { TokenEngine } from '../node/engine/token-engine.js';
import { limitsFromEnv } from '../node/oauth/http-client.js';
import { TokenClient } from '../node/oauth/token-client.js';
import { resolveDataDir } from '../node/paths.js';
import type { SettingsData } from '../node/settings/settings-schema.js';
import { SettingsStore } from '../node/settings/settings-store.js';

/** The engine as the CLI runs it: settings through conf, secrets through keytar. */
export function openCliEngine(): TokenEngine {
  const settings = SettingsStore.open(
    resolveDataDir(),
    (options) =>
      new Conf<SettingsData>(options as ConstructorParameters<typeof Conf<SettingsData>>[0]),
    ({ path, movedTo, reason }) => {
      process.stderr.write(
        `tokentray: warning: the settings file ${path} was unreadable (${reason}) and was moved to ${movedTo}.\n` +
          'tokentray: its accounts are hidden until you repair that file and move it back; their secrets are untouched in the keychain.\n',
      );
    },
  );
  return new TokenEngine({
    settings,
    vault: new SecretVault(loadKeytar, keychainService()),
    client: new TokenClient({ limits: limitsFromEnv() }),
  });
}
