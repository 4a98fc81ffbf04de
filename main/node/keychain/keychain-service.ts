// The keychain service name alone, without the vault: the installed CLI needs the name (the
// broker checks that both sides mean the same keychain) but must never load keychain code.

export const DEFAULT_SERVICE = 'TokenTray';

/** The keychain service name; `TOKENTRAY_KEYCHAIN_SERVICE` separates a demo from real accounts. */
export function keychainService(env: NodeJS.ProcessEnv = process.env): string {
  const service = env.TOKENTRAY_KEYCHAIN_SERVICE;
  return service !== undefined && service.trim() !== '' ? service : DEFAULT_SERVICE;
}
