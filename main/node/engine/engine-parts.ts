import type { Clock } from '../../common/clock.js';
import type { SecretVault } from '../keychain/secret-vault.js';
import type { TokenClient } from '../oauth/token-client.js';
import type { SettingsStore } from '../settings/settings-store.js';

/** What an engine is built of. */
export interface EngineParts {
  settings: SettingsStore;
  vault: SecretVault;
  client: TokenClient;
  clock: Clock;
}

const partsOf = new WeakMap<object, EngineParts>();

/** Called by the engine's constructor, once. */
export function registerParts(engine: object, parts: EngineParts): void {
  partsOf.set(engine, parts);
}

/**
 * The engine's parts, for the code that builds on them: the engine's own folder (adding and
 * removing accounts), the sign-in flows, and tests. The layering lint keeps every other layer to
 * the engine's operations (eslint-layering.js).
 */
export function engineParts(engine: object): EngineParts {
  const parts = partsOf.get(engine);
  if (parts === undefined) throw new Error('not a TokenEngine');
  return parts;
}
